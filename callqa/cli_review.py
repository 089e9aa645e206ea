"""`callqa review-queue | suggestions | report`: thin commands over the store and the review
functions (the batch commands are in callqa.cli_flows). `--json` prints one JSON object per line
(shapes in docs/review-format.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings, load_settings

err = Console(stderr=True)
out = Console()

DatabaseOption = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: CALLQA_DATABASE_URL "
                             "or sqlite:///callqa.db).")]
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
StartOption = Annotated[str | None, typer.Option("--from", help="Period start, YYYY-MM-DD.")]
EndOption = Annotated[str | None, typer.Option("--to", help="Period end, YYYY-MM-DD.")]


def open_store(database: str | None) -> sessionmaker[Session]:
    """Engine for the URL (migrated to the newest schema) and its session factory."""
    from callqa.models.engine import database_url, make_engine, session_factory
    from callqa.models.migrate import upgrade

    engine = make_engine(database or database_url(load_settings()))
    upgrade(engine)
    return session_factory(engine)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date like 2026-11-02",
                                 param_hint=option) from exc


def _print_json(records: Iterable[BaseModel | dict[str, Any]]) -> None:
    for record in records:
        data = record.model_dump(mode="json") if isinstance(record, BaseModel) else record
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _table(title: str, columns: list[str], rows: Iterable[Iterable[object]]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


def review_queue(
    limit: Annotated[int, typer.Option(min=1)] = 50,
    agent: Annotated[str | None, typer.Option(help="Only this agent's calls.")] = None,
    database: DatabaseOption = None, as_json: JsonOption = False,
) -> None:
    """The ranked calls QA should review (after `callqa flags`)."""
    from callqa.models import store

    with open_store(database)() as session:
        items = store.review_queue(session, limit=limit, agent_id=agent)
    if as_json:
        _print_json(items)
        return
    out.print(_table("review queue", ["call", "agent", "priority", "kind", "why"],
                     ([i.call_id, i.agent_id, f"{i.priority:.2f}",
                       i.kind, "; ".join(i.reasons)]
                      for i in items)))


def _frames(database: str | None, start: str | None, end: str | None, settings: Settings
            ) -> tuple[Any, Any]:
    from datetime import UTC, datetime, time

    from callqa.models import store
    from callqa.scoring.fcr import compute_fcr

    begin, finish = _date(start, "--from"), _date(end, "--to")
    with open_store(database)() as session:
        calls = store.calls_frame(session, datetime.combine(begin, time.min, UTC) if begin
                                  else None,
                                  datetime.combine(finish, time.max, UTC) if finish else None)
        criteria = store.criterion_frame(session)
    fcr = compute_fcr(calls, settings.fcr)
    calls = calls.assign(fcr_status=fcr["fcr_status"].to_numpy())
    return calls, criteria[criteria["call_id"].isin(calls["call_id"])]


def suggestions(
    agent: Annotated[str | None, typer.Option(help="One agent.")] = None,
    team: Annotated[str | None, typer.Option(help="Every agent of a team.")] = None,
    start: StartOption = None, end: EndOption = None, database: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Calls a team leader should listen to: instructive failures and an exemplary call."""
    from callqa.scoring.review import suggestions as suggest

    settings = load_settings()
    calls, criteria = _frames(database, start, end, settings)
    if agent is not None:
        agents = [agent]
    elif team is not None:
        agents = sorted(calls.loc[calls["team_id"] == team, "agent_id"].dropna().unique())
    else:
        agents = sorted(calls["agent_id"].dropna().unique())
    picks = [s for a in agents for s in suggest(calls, criteria, a,
                                                 settings.review.suggestions_per_agent)]
    if as_json:
        _print_json(picks)
        return
    out.print(_table("suggested calls", ["agent", "call", "purpose", "score", "why"],
                     ([s.agent_id, s.call_id, s.purpose, s.score, s.reasons[0]]
                      for s in picks)))


def report(
    start: StartOption = None, end: EndOption = None, database: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Per agent and team: calls, handle time, score, compliance, FCR, against the centre."""
    from callqa.scoring.review import report as build_report

    calls, _ = _frames(database, start, end, load_settings())
    rows = build_report(calls)
    if as_json:
        _print_json(rows)
        return

    def fmt(value: float | None, scale: float = 1.0) -> str:
        return "" if value is None else f"{value * scale:.1f}"

    out.print(_table("report", ["scope", "id", "calls", "handle s", "score", "compliance",
                                "FCR %", "score vs centre", "FCR vs centre"],
                     ([r.scope, r.id, r.calls, fmt(r.avg_handle_time), fmt(r.avg_score),
                       fmt(r.compliance_score), fmt(r.fcr_rate, 100),
                       fmt(r.vs_center["avg_score"]), fmt(r.vs_center["fcr_rate"], 100)]
                      for r in rows)))


def register(app: typer.Typer) -> None:
    app.command("review-queue")(review_queue)
    app.command()(suggestions)
    app.command()(report)
