"""`callqa review-queue | suggestions | report`: reading what the analysis stored (the batch
commands are in callqa.cli.batch). `--json` prints one JSON object per line (shapes in
docs/review-format.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from callqa.cli.console import (
    DatabaseOption,
    EndOption,
    JsonOption,
    StartOption,
    out,
    parse_date,
    person,
    print_json,
    print_table,
    table,
    with_names,
)
from callqa.configs.settings import load_settings


def review_queue(
    limit: Annotated[int, typer.Option(min=1)] = 50,
    agent: Annotated[str | None, typer.Option(help="Only this agent's calls.")] = None,
    database: DatabaseOption = None, as_json: JsonOption = False,
) -> None:
    """The ranked calls QA should review (after `callqa flags`)."""
    from callqa.services.analysis import agent_names, last_review_plan, queued_reviews
    from callqa.services.store import open_store

    sessions = open_store(database, mode="read")
    items, names = queued_reviews(sessions, limit, agent), agent_names(sessions)
    plan = last_review_plan(sessions) if agent is None else None
    if as_json:
        summary = ([{"review_plan": plan.model_dump(mode="json", exclude={"items"})}]
                   if plan is not None else [])
        print_json([*with_names(items, names), *summary])
        return
    print_table(table("review queue", ["call", "agent", "priority", "kind",
                                       "P(agent caused the repeat)", "why"],
                      ([i.call_id, person(i.agent_id, names), f"{i.priority:.2f}", i.kind,
                        "" if i.expected_yield is None else f"{i.expected_yield:.0%}",
                        "; ".join(i.reasons)] for i in items)))
    if plan is not None:
        for reason in plan.reasons:
            out.print(reason)


def suggestions(
    agent: Annotated[str | None, typer.Option(help="One agent.")] = None,
    team: Annotated[str | None, typer.Option(help="Every agent of a team.")] = None,
    start: StartOption = None, end: EndOption = None, database: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Calls a team leader should listen to: instructive failures and an exemplary call."""
    from callqa.services.analysis import agent_names, suggested_calls
    from callqa.services.store import open_store

    settings = load_settings()
    sessions = open_store(database, settings, "read")
    picks = suggested_calls(sessions, settings, agent, team, parse_date(start, "--from"),
                            parse_date(end, "--to"))
    names = agent_names(sessions)
    if as_json:
        print_json(with_names(picks, names))
        return
    print_table(table("suggested calls", ["agent", "call", "purpose", "score", "why"],
                      ([person(s.agent_id, names), s.call_id, s.purpose, s.score, s.reasons[0]]
                       for s in picks)))


def report(
    start: StartOption = None, end: EndOption = None, database: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Per agent and team: calls, handle time, score, compliance, FCR, against the centre."""
    from callqa.services.analysis import period_report
    from callqa.services.store import open_store

    settings = load_settings()
    rows = period_report(open_store(database, settings, "read"), settings,
                         parse_date(start, "--from"), parse_date(end, "--to"))
    if as_json:
        print_json(rows)
        return

    def fmt(value: float | None, scale: float = 1.0) -> str:
        return "" if value is None else f"{value * scale:.1f}"

    print_table(table("report", ["scope", "id", "calls", "handle s", "score", "compliance",
                               "FCR %", "score vs centre", "FCR vs centre"],
                    ([r.scope, r.id, r.calls, fmt(r.avg_handle_time), fmt(r.avg_score),
                      fmt(r.compliance_score), fmt(r.fcr_rate, 100),
                      fmt(r.vs_center["avg_score"]), fmt(r.vs_center["fcr_rate"], 100)]
                     for r in rows)))


def register(app: typer.Typer) -> None:
    app.command("review-queue")(review_queue)
    app.command()(suggestions)
    app.command()(report)
