"""`callqa ingest | process | reprocess | flags`: the batch commands. Each runs its Prefect
flow (callqa.flows) in this process, on Prefect's temporary local server unless
PREFECT_API_URL names a server, and shows progress."""

from __future__ import annotations

from typing import Annotated

import typer

from callqa.cli.console import (
    DatabaseOption,
    EndOption,
    JsonOption,
    StartOption,
    err,
    flow_progress,
    out,
    parse_date,
    print_json,
    quiet_prefect,
    table,
)


def ingest(
    source: Annotated[str, typer.Argument(
        help="A folder of recordings with <name>.json sidecars, a JSONL manifest, or an fsspec "
             "URL of either (s3://bucket/calls/).")],
    database: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add recordings (or transcripts) to the store; idempotent by content hash."""
    quiet_prefect()
    from callqa.flows.ingest import ingest_archive

    with flow_progress("ingesting"):
        report = ingest_archive(source=source, database_url=database)
    if as_json:
        print_json([{"added": report.added, "already_present": report.already_present,
                      "failed": [str(f) for f in report.failures]}])
        return
    for failure in report.failures:
        err.print(f"[red]skipped[/red] {failure}", highlight=False, soft_wrap=True)
    out.print(f"ingest {source}: {report.summary()}")


def process(
    limit: Annotated[int | None, typer.Option(min=1, help="Process at most N calls.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Transcribe, diarize, measure and score the pending calls (resumable: a run that was
    killed is picked up where it stopped)."""
    quiet_prefect()
    from callqa.flows.process import process_calls

    with flow_progress("processing calls"):
        report = process_calls(database_url=database, limit=limit)
    if report.requeued:
        out.print(f"resumed {len(report.requeued)} call(s) left unfinished by a stopped run")
    for call_id, reason in report.failed:
        err.print(f"[red]failed[/red] {call_id}: {reason}", highlight=False, soft_wrap=True)
    out.print(f"processed {len(report.processed)} calls, {len(report.failed)} failed "
              f"({len(report.transcribed)} transcribed, {len(report.scored)} scored)")


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
        "--dry-run", help="Only say what would be redone.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Redo what a scorecard, model or option change made out of date: rescore from stored
    transcripts, or transcribe again when the model or its options changed."""
    quiet_prefect()
    from callqa.flows.reprocess import reprocess as reprocess_flow

    with flow_progress("reprocessing"):
        plan, report = reprocess_flow(
            start=parse_date(start, "--from"), end=parse_date(end, "--to"), agent_id=agent,
            team_id=team, call_type=call_type, retry_failed=retry_failed,
            process=not dry_run, database_url=database)
    out.print(f"{plan.matched} calls matched: {plan.retranscribe} to transcribe again, "
              f"{plan.rescore} to rescore, {plan.unchanged} up to date"
              + (f", {plan.failed_retried} failed retried" if retry_failed else ""))
    if dry_run and plan.queued:
        out.print(f"{plan.queued} call(s) queued; `callqa process` runs them")
    if report is not None:
        for call_id, reason in report.failed:
            err.print(f"[red]failed[/red] {call_id}: {reason}", highlight=False,
                      soft_wrap=True)
        out.print(f"processed {len(report.processed)} calls, {len(report.failed)} failed "
                  f"({len(report.transcribed)} transcribed, {len(report.scored)} scored)")


def flags(
    start: StartOption = None, end: EndOption = None, database: DatabaseOption = None,
    as_json: JsonOption = False,
    show_all: Annotated[bool, typer.Option("--all", help="Also agents not flagged.")] = False,
) -> None:
    """Compute FCR, flags, process issues and the review queue for a period."""
    quiet_prefect()
    from callqa.flows.analysis import compute_fcr_and_flags

    analysis = compute_fcr_and_flags(start=parse_date(start, "--from"), end=parse_date(end, "--to"),
                                     database_url=database)
    shown = [f for f in analysis.flags if show_all or f.status in ("flagged", "process_issue")]
    if as_json:
        print_json([*shown, *analysis.process_issues])
        return
    out.print(f"period {analysis.period[0]} .. {analysis.period[1]}: {analysis.calls} calls; "
              f"FCR {analysis.fcr_counts}")
    out.print(table("flags", ["agent", "kind", "criterion", "status", "calls", "events",
                               "expected", "q", "why"],
                     ([f.agent_id, f.kind, f.criterion_id, f.status, f.calls, f.events,
                       f"{f.expected:.1f}", f"{f.q_value:.2g}" if f.q_value is not None else "",
                       f.reasons[-1]] for f in shown)))
    for issue in analysis.process_issues:
        out.print(f"process issue: {issue.scope} {issue.scope_id}: {issue.reasons[0]}")
    out.print(f"review queue: {analysis.queue_size} calls (callqa review-queue)")


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(process)
    app.command()(reprocess)
    app.command()(flags)
