"""`callqa ingest | process | reprocess | flags`: the batch commands. Each runs its Prefect
flow (callqa.flows) in this process, on Prefect's temporary local server unless
PREFECT_API_URL names a server, and shows progress. The store is checked before a flow
starts: only `ingest` creates one, an unreachable one is one message. Exit codes: README."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from callqa.cli.console import (
    DatabaseOption,
    EndOption,
    JsonOption,
    StartOption,
    err,
    estimate_text,
    flow_database,
    flow_progress,
    out,
    parse_date,
    person,
    print_json,
    print_table,
    table,
    verdict,
    with_names,
)
from callqa.domain.errors import ExitCode

if TYPE_CHECKING:
    from callqa.services.processing import ProcessReport
    from callqa.services.reprocessing import ReprocessPlan


def ingest(
    source: Annotated[str, typer.Argument(
        help="A folder of recordings with <name>.json sidecars, a JSONL manifest, or an fsspec "
             "URL of either (s3://bucket/calls/).")],
    database: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add recordings (or transcripts) to the store; idempotent by content hash."""
    from callqa.services.ingest import check_source
    from callqa.services.store import check_reachable, store_url

    url = store_url(database)
    check_source(source)  # a wrong path or missing credentials: one message, at once
    check_reachable(url)
    from callqa.flows.ingest import ingest_archive  # Prefect loads only for real work
    with flow_progress("ingesting"):
        report = ingest_archive(source=source, database_url=flow_database(url))
    if as_json:
        print_json([{"added": report.added, "already_present": report.already_present,
                     "failed": [str(f) for f in report.failures],
                     "warnings": [str(w) for w in report.warnings]}])
    else:
        for warning in report.warnings:
            err.print(f"[yellow]warning[/yellow] {warning}", highlight=False, soft_wrap=True)
        for failure in report.failures:
            err.print(f"[red]skipped[/red] {failure}", highlight=False, soft_wrap=True)
        out.print(f"ingest {source}: {report.summary()}")
        if report.failures and not report.added and not report.already_present:
            err.print(f"nothing was added: all {report.failed} file(s) or line(s) failed",
                      highlight=False)
    if report.failures:
        raise typer.Exit(ExitCode.SOME_FAILED)


def process(
    limit: Annotated[int | None, typer.Option(min=1, help="Process at most N calls.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Transcribe, diarize, measure and score the pending calls (resumable: a run that was
    killed is picked up where it stopped)."""
    from callqa.flows.process import process_calls
    from callqa.services.store import open_store, store_url

    url = store_url(database)
    open_store(url, mode="write")
    with flow_progress("processing calls"):
        report = process_calls(database_url=flow_database(url), limit=limit)
    if report.requeued:
        out.print(f"resumed {len(report.requeued)} call(s) left unfinished by a stopped run")
    _print_processed(report)


def reprocess(
    start: StartOption = None, end: EndOption = None,
    agent: Annotated[str | None, typer.Option(help="Only this agent's calls.")] = None,
    team: Annotated[str | None, typer.Option(help="Only this team's calls.")] = None,
    call_type: Annotated[str | None, typer.Option("--call-type",
                                                  help="Only calls of this type.")] = None,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Also queue calls that failed (after fixing their input).")
    ] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only say what would be redone; nothing is written.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Redo what a scorecard, model or option change made out of date: rescore from stored
    transcripts, or transcribe again when the model or its options changed."""
    from callqa.domain.queries import CallFilter
    from callqa.services.store import open_store, store_url

    url = store_url(database)
    filters = CallFilter(parse_date(start, "--from"), parse_date(end, "--to"), agent, team,
                         call_type)
    if dry_run:
        from callqa.configs.settings import load_settings
        from callqa.services.reprocessing import queue_reprocess

        settings = load_settings()
        plan = queue_reprocess(open_store(url, settings, mode="read"), settings, filters,
                               retry_failed, dry_run=True)
        _print_plan(plan, retry_failed)
        if plan.queued:
            out.print(f"would queue {plan.queued} call(s); run without --dry-run to redo them")
        return
    from callqa.flows.reprocess import reprocess as reprocess_flow

    open_store(url, mode="write")
    with flow_progress("reprocessing"):
        plan, report = reprocess_flow(
            start=filters.start, end=filters.end, agent_id=agent, team_id=team,
            call_type=call_type, retry_failed=retry_failed,
            database_url=flow_database(url))
    _print_plan(plan, retry_failed)
    if report is not None:
        _print_processed(report)


def flags(
    start: StartOption = None, end: EndOption = None, database: DatabaseOption = None,
    as_json: JsonOption = False,
    show_all: Annotated[bool, typer.Option("--all", help="Also agents not flagged.")] = False,
) -> None:
    """Compute FCR, flags, process issues and the review queue for a period."""
    from callqa.flows.analysis import compute_fcr_and_flags
    from callqa.services.analysis import agent_names
    from callqa.services.store import open_store, store_url

    url = store_url(database)
    names = agent_names(open_store(url, mode="write"))
    analysis = compute_fcr_and_flags(start=parse_date(start, "--from"),
                                     end=parse_date(end, "--to"),
                                     database_url=flow_database(url))
    shown = [f for f in analysis.flags
             if show_all or f.status in ("flagged", "watch", "process_issue")]
    if as_json:
        plan = ([{"review_plan": analysis.plan.model_dump(mode="json", exclude={"items"})}]
                if analysis.plan is not None else [])
        print_json([*with_names(shown, names), *analysis.process_issues, *plan])
        return
    if not analysis.calls:
        out.print("no calls in the period: nothing to analyse (ingest and process calls "
                  "first, or widen --from/--to)")
        return
    out.print(f"period {analysis.period[0]} .. {analysis.period[1]}: {analysis.calls} calls; "
              f"FCR {analysis.fcr_counts}")
    print_table(table("flags", ["agent", "kind", "criterion", "status", "calls", "events",
                                "expected", "estimate (interval)", "P(worse)", "why"],
                      ([person(f.agent_id, names), f.kind, f.criterion_id, f.status, f.calls,
                        f.events, f"{f.expected:.1f}", estimate_text(f),
                        "" if f.prob_worse is None else f"{f.prob_worse:.0%}",
                        verdict(f)]
                       for f in shown)))
    for issue in analysis.process_issues:
        what = "FCR" if issue.kind == "fcr" else issue.criterion_id
        out.print(f"process issue ({what}): {issue.scope} {issue.scope_id}: {issue.reasons[0]}")
    out.print(f"review queue: {analysis.queue_size} calls (callqa review-queue)")
    if analysis.plan is not None:
        for reason in analysis.plan.reasons:
            out.print(f"  {reason}")


def _print_plan(plan: ReprocessPlan, retry_failed: bool) -> None:
    out.print(f"{plan.matched} calls matched: {plan.retranscribe} to transcribe again, "
              f"{plan.rescore} to rescore, {plan.unchanged} up to date"
              + (f", {plan.failed_retried} failed to retry" if retry_failed else ""))


def _print_processed(report: ProcessReport) -> None:
    """The outcome of a processing run; some calls failed: exit 1."""
    for call_id, reason in report.failed:
        err.print(f"[red]failed[/red] {call_id}: {reason}", highlight=False, soft_wrap=True)
    out.print(f"processed {len(report.processed)} calls, {len(report.failed)} failed "
              f"({len(report.transcribed)} transcribed, {len(report.scored)} scored)")
    if report.failed:
        raise typer.Exit(ExitCode.SOME_FAILED)


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(process)
    app.command()(reprocess)
    app.command()(flags)
