"""The `callqa` command: a thin layer over the library."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from callqa import __version__
from callqa.cli_flows import register as register_flow_commands
from callqa.cli_review import register as register_review_commands
from callqa.configs.settings import Settings, load_settings
from callqa.domain import CallMetadata, ChannelLayout
from callqa.errors import CallqaError
from callqa.privacy import disable_telemetry
from callqa.scoring.cli import score, scorecards_app

app = typer.Typer(
    name="callqa",
    help="Speech-analytics quality monitoring for call centers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

DEFAULT_SAMPLES = Path("samples/calls")
DEVICES = ("auto", "cpu", "cuda")
DIARIZATION_BACKENDS = ("auto", "channels", "embedded", "pyannote")


def _version(value: bool) -> None:
    if value:
        out.print(f"callqa {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """callqa: transcribe, score and select calls for human review."""


def _settings(
    model: str | None,
    device: str | None,
    language: str | None,
    diarization: str | None = None,
    speakers: int | None = None,
) -> Settings:
    settings = load_settings()
    if diarization is not None or speakers is not None:
        changes = {"backend": diarization, "num_speakers": speakers}
        diarization_settings = settings.diarization.model_validate(
            {**settings.diarization.model_dump(),
             **{k: v for k, v in changes.items() if v is not None}}
        )
        settings = settings.model_copy(update={"diarization": diarization_settings})
    changes = {
        key: value
        for key, value in (("model", model), ("device", device), ("language", language))
        if value is not None
    }
    if changes:
        transcription = settings.transcription.model_validate(
            {**settings.transcription.model_dump(), **changes}
        )
        settings = settings.model_copy(update={"transcription": transcription})
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    return settings


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal,
    )


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command()
def transcribe(
    audio: Annotated[Path, typer.Argument(help="The recording (WAV, FLAC, OGG, MP3, GSM...).")],
    metadata: Annotated[
        Path | None, typer.Option(help="Call metadata JSON (default: AUDIO's .json sidecar).")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Model name, CTranslate2 directory or bundled:tiny.en.")
    ] = None,
    device: Annotated[str | None, typer.Option(help="auto, cpu or cuda.")] = None,
    language: Annotated[str | None, typer.Option(help="Language code; default: detect.")] = None,
    diarization: Annotated[
        str | None, typer.Option(help="auto, channels, embedded or pyannote.")
    ] = None,
    speakers: Annotated[
        int | None, typer.Option(min=1, help="Speakers in a mono call (default 2).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="json, vtt, srt, rttm or txt.")
    ] = "json",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (default: stdout).")
    ] = None,
) -> None:
    """Transcribe one call: who said what, when."""
    from callqa.metadata import load_metadata, sidecar_path
    from callqa.pipeline.calls import transcribe_call
    from callqa.pipeline.exports import EXPORTERS
    from callqa.pipeline.transcribe import get_transcriber

    if fmt not in EXPORTERS:
        raise typer.BadParameter(f"choose one of {', '.join(EXPORTERS)}", param_hint="--format")
    for value, allowed, hint in ((device, DEVICES, "--device"),
                                 (diarization, DIARIZATION_BACKENDS, "--diarization")):
        if value is not None and value not in allowed:
            raise typer.BadParameter(f"choose one of {', '.join(allowed)}", param_hint=hint)
    settings = _settings(model, device, language, diarization, speakers)
    meta_path = metadata or (sidecar_path(audio) if sidecar_path(audio).is_file() else None)
    call_metadata = load_metadata(meta_path) if meta_path else None
    with progress_bar() as progress:
        task = progress.add_task(f"transcribing {audio.name}", total=None)
        transcriber = get_transcriber(settings.transcription)
        transcript = transcribe_call(
            audio, call_metadata, settings, transcriber,
            hook=lambda _step, done, total: progress.update(task, completed=done, total=total),
        )
    text = EXPORTERS[fmt](transcript)
    if output is None:
        sys.stdout.write(text)
    else:
        _write_atomically(output, text)
        err.print(f"wrote {output}")


@app.command()
def demo(
    samples: Annotated[Path, typer.Option(help="Folder of sample calls.")] = DEFAULT_SAMPLES,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write results.")] = (
        Path("demo-output")
    ),
) -> None:
    """Run the main job on the sample calls: ingest, process, FCR, flags, queue, report."""
    from callqa.cli_flows import progress, quiet_prefect
    from callqa.demo import run_demo
    from callqa.models import store
    from callqa.models.ingest import find_recordings
    from callqa.pipeline.exports import to_json, to_text

    settings = _settings(None, None, None)
    recordings = find_recordings(samples)
    if not recordings:
        raise CallqaError(f"{samples}: no recordings found; run from the repository root")
    quiet_prefect()
    with progress("processing sample calls"):
        result = run_demo(samples, output, settings)
    for failure in result.ingest.failures:
        err.print(f"[red]not ingested[/red] {failure}", highlight=False, soft_wrap=True)
    for call_id, reason in result.processed.failed:
        err.print(f"[red]failed[/red] {call_id}: {reason}", highlight=False, soft_wrap=True)
    from callqa.flows.runtime import sessions_for

    with sessions_for(f"sqlite:///{result.database.resolve()}")() as session:
        for call_id in result.processed.processed:
            call = store.get_call(session, call_id)
            assert call is not None
            transcript = store.load_transcript(session, call)
            _write_atomically(output / f"{call_id}.transcript.json", to_json(transcript))
            _write_atomically(output / f"{call_id}.txt", to_text(transcript))
            score = store.load_score(session, call)
            out.rule(f"{call_id}  ·  {_describe(transcript.metadata)}"
                     f"  ·  score {score.score if score else '-'}")
            out.print(to_text(transcript), highlight=False, markup=False)
        queue = store.review_queue(session, limit=8)
    _print_outcome(result, queue, output)
    if not result.processed.processed:
        raise typer.Exit(1)


def _print_outcome(result: Any, queue: list[Any], output: Path) -> None:
    analysis = result.analysis
    out.rule("first-contact resolution, flags and review")
    out.print(f"{len(result.processed.processed)} sample calls processed "
              f"({len(result.processed.failed)} failed), plus {result.history_calls} calls of "
              f"synthetic history (callqa.simulate) so that FCR has volume; period "
              f"{analysis.period[0]} .. {analysis.period[1]}; FCR {analysis.fcr_counts}")
    flagged = [f for f in analysis.flags if f.status == "flagged"]
    table = Table(title="flagged agents")
    for column in ("agent", "kind", "criterion", "calls", "events", "expected", "why"):
        table.add_column(column)
    for f in flagged:
        table.add_row(f.agent_id, f.kind, f.criterion_id or "", str(f.calls), str(f.events),
                      f"{f.expected:.1f}", f.reasons[-1])
    out.print(table)
    for issue in analysis.process_issues:
        out.print(f"process issue ({issue.scope} {issue.scope_id}): {issue.reasons[0]}")
    table = Table(title="review queue (top 8)")
    for column in ("call", "agent", "priority", "kind", "why"):
        table.add_column(column)
    for item in queue:
        table.add_row(item.call_id, item.agent_id, f"{item.priority:.1f}", item.kind,
                      "; ".join(item.reasons))
    out.print(table)
    out.print(f"results in {output}/ (transcripts, callqa.db); more: callqa review-queue, "
              f"callqa suggestions --agent a02, callqa report, each with --database "
              f"sqlite:///{output}/callqa.db")


def _describe(metadata: CallMetadata | None) -> str:
    if metadata is None:
        return "no metadata"
    layout = metadata.channel_layout or ChannelLayout.MONO
    return f"{metadata.call_type} · agent {metadata.agent_name} · {layout.value}"


app.command()(score)
app.add_typer(scorecards_app, name="scorecards")
register_flow_commands(app)
register_review_commands(app)


def main() -> None:
    disable_telemetry()
    try:
        app()
    except CallqaError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
