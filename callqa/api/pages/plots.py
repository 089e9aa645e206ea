"""Trend plots drawn on the server as SVG coordinates (no plotting script in the page):
one line for the subject (an agent, a team), a dashed one for its reference (the team,
the centre), per week."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.services.pages import Trend

WIDTH, HEIGHT = 320, 170
LEFT, RIGHT, TOP, BOTTOM = 38, 10, 10, 28


@dataclass(frozen=True)
class Line:
    name: str
    path: str
    """SVG polyline points ("x,y x,y ..."), gaps in the data split nothing: weeks without
    a value are left out."""
    dots: tuple[tuple[float, float, str], ...]


@dataclass(frozen=True)
class Plot:
    measure: str
    label: str
    subject: Line
    reference: Line
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]
    summary: str
    """A sentence for screen readers (the latest week's values)."""
    width: int = WIDTH
    height: int = HEIGHT


def trend_plot(trend: Trend) -> Plot:
    weeks = [w for w, _ in trend.subject.points]
    top = 1.0 if trend.percent else 100.0
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + (span_x / 2 if len(weeks) == 1 else span_x * i / (len(weeks) - 1)),
                     1)

    def y(value: float) -> float:
        return round(TOP + span_y * (1 - max(0.0, min(value / top, 1.0))), 1)

    def shown(value: float) -> str:
        return f"{value * 100:.0f}%" if trend.percent else f"{value:.0f}"

    def line(points: list[tuple[object, float | None]], name: str) -> Line:
        dots = tuple((x(i), y(v), f"{weeks[i]:%d %b}: {shown(v)}")
                     for i, (_, v) in enumerate(points) if v is not None)
        return Line(name, " ".join(f"{a},{b}" for a, b, _ in dots), dots)

    ticks = tuple((y(top * f), shown(top * f)) for f in (0, 0.5, 1))
    step = max(1, len(weeks) // 6)
    x_ticks = tuple((x(i), f"{w:%d %b}") for i, w in enumerate(weeks) if i % step == 0)
    latest = next(((w, v) for w, v in reversed(trend.subject.points) if v is not None), None)
    summary = f"{trend.label}: no values yet"
    if latest is not None and latest[1] is not None:
        week, value = latest[0], latest[1]
        against = dict(trend.reference.points).get(week)
        summary = (f"{trend.label}: week of {week:%d %b} {trend.subject.name} {shown(value)}, "
                   f"{trend.reference.name} "
                   f"{shown(against) if against is not None else 'no value'}")
    return Plot(trend.measure, trend.label, line(list(trend.subject.points),
                                                 trend.subject.name),
                line(list(trend.reference.points), trend.reference.name), ticks, x_ticks,
                summary)
