"""`callqa audit` and `callqa agreement`: the review loop's audit trail and how far the
automatic scorer agrees with reviewers. Both only read the store."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from callqa.cli.console import (
    DatabaseOption,
    EndOption,
    JsonOption,
    StartOption,
    out,
    parse_date,
    print_json,
    print_table,
    table,
)
from callqa.configs.settings import load_settings


def audit(
    call: Annotated[str | None, typer.Option("--call", help="One call's events.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="One user's events (added, "
                                             "disabled).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="The newest N events.")] = 200,
    database: DatabaseOption = None, as_json: JsonOption = False,
) -> None:
    """The audit trail, oldest first: who changed what, when, before and after."""
    from callqa.services.audit import audit_events
    from callqa.services.store import open_store

    events = audit_events(open_store(database, mode="read"), call_id=call,
                          entity="user" if user else None, entity_id=user, limit=limit)
    if as_json:
        print_json(events)
        return
    if not events:
        out.print("no audit events" + (f" for call {call}" if call else ""), highlight=False)
        return
    print_table(table("audit trail", ["at", "actor", "action", "what", "before", "after"],
                      ([f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action,
                        f"{e.entity} {e.entity_id}", _short(e.before), _short(e.after)]
                       for e in events)))


def agreement(
    start: StartOption = None, end: EndOption = None, database: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Per criterion: how often the automatic verdict matches reviewers, n, a confidence
    interval, and whether it is trusted to drive flags."""
    from callqa.services.agreement import agreement_report
    from callqa.services.store import open_store

    settings = load_settings()
    report = agreement_report(open_store(database, settings, "read"), settings,
                              parse_date(start, "--from"), parse_date(end, "--to"))
    if as_json:
        print_json([report])
        return

    def pct(value: float | None) -> str:
        return "" if value is None else f"{value * 100:.0f}"

    print_table(table(
        f"agreement {report.period_start:%Y-%m-%d} to {report.period_end:%Y-%m-%d} "
        f"(threshold {report.threshold:.0%}, at least {report.min_reviews} reviews)",
        ["criterion", "n", "agree %", "CI low", "CI high", "status", "scorecards"],
        ([c.criterion_id, c.n, pct(c.agreement), pct(c.ci_low), pct(c.ci_high), c.status,
          ", ".join(c.scorecards)] for c in report.criteria)))


def _short(value: object, width: int = 60) -> str:
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[:width - 1] + "…"


def register(app: typer.Typer) -> None:
    app.command()(audit)
    app.command()(agreement)
