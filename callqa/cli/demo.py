"""`callqa demo`: the main job on the sample calls, and what it found."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from callqa.cli.console import (
    err,
    flow_progress,
    out,
    person,
    print_table,
    settings_with,
    table,
    verdict,
)
from callqa.domain.errors import CallqaError
from callqa.domain.records import CallMetadata, ChannelLayout

DEFAULT_SAMPLES = Path("samples/calls")

if TYPE_CHECKING:  # the service imports the flows: loaded only when the command runs
    from callqa.flows.demo import DemoResult


def demo(
    samples: Annotated[Path, typer.Option(help="Folder of sample calls.")] = DEFAULT_SAMPLES,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write results.")] = (
        Path("demo-output")
    ),
) -> None:
    """Run the main job on the sample calls: ingest, process, FCR, flags, queue, report."""
    from callqa.flows.demo import run_demo
    from callqa.pipeline.exports import to_text
    from callqa.services.ingest import find_recordings

    settings = settings_with()
    if not find_recordings(samples):
        raise CallqaError(f"{samples}: no recordings found; run from the repository root")
    with flow_progress("processing sample calls"):
        result = run_demo(samples, output, settings)
    for failure in result.ingest.failures:
        err.print(f"[red]not ingested[/red] {failure}", highlight=False, soft_wrap=True)
    for call_id, reason in result.processed.failed:
        err.print(f"[red]failed[/red] {call_id}: {reason}", highlight=False, soft_wrap=True)
    for call in result.calls:
        out.rule(f"{call.call_id}  ·  {_describe(call.transcript.metadata)}"
                 f"  ·  score {call.score if call.score is not None else '-'}")
        out.print(to_text(call.transcript), highlight=False, markup=False)
    _print_outcome(result, output)
    if not result.processed.processed:
        raise typer.Exit(1)


def _print_outcome(result: DemoResult, output: Path) -> None:
    analysis = result.analysis
    out.rule("first-contact resolution, flags and review")
    out.print(f"{len(result.processed.processed)} sample calls processed "
              f"({len(result.processed.failed)} failed), plus {result.history_calls} calls of "
              f"synthetic history (callqa.scoring.simulate) so that FCR has volume; period "
              f"{analysis.period[0]} .. {analysis.period[1]}; FCR {analysis.fcr_counts}")
    names = result.agent_names
    flagged = [f for f in analysis.flags if f.status == "flagged"]
    print_table(table("flagged agents",
                      ["agent", "kind", "criterion", "calls", "events", "expected", "why"],
                      ([person(f.agent_id, names), f.kind, f.criterion_id, f.calls, f.events,
                        f"{f.expected:.1f}", verdict(f)] for f in flagged)))
    for issue in analysis.process_issues:
        what = "FCR" if issue.kind == "fcr" else issue.criterion_id
        out.print(f"process issue ({what}, {issue.scope} {issue.scope_id}): {issue.reasons[0]}")
    print_table(table("review queue (top 8)", ["call", "agent", "priority", "kind", "why"],
                      ([item.call_id, person(item.agent_id, names), f"{item.priority:.1f}",
                        item.kind, "; ".join(item.reasons)] for item in result.queue)))
    database = f"sqlite:///{output}/callqa.db"
    out.print(f"results in {output}/ (transcripts, callqa.db); more: callqa review-queue, "
              f"callqa suggestions --agent a02, callqa report, each with --database "
              f"{database}")
    out.rule("the web service")
    out.print("open it over these results (a user first, then the server):\n"
              f"  echo 'a long password' | .venv/bin/callqa users add admin --role admin "
              f"--password-stdin --database {database}\n"
              f"  .venv/bin/callqa serve --database {database}\n"
              "then http://127.0.0.1:8000/docs (README: \"The web service\")",
              highlight=False, soft_wrap=True)


def _describe(metadata: CallMetadata | None) -> str:
    if metadata is None:
        return "no metadata"
    layout = metadata.channel_layout or ChannelLayout.MONO
    return f"{metadata.call_type} · agent {metadata.agent_name} · {layout.value}"
