"""`callqa transcribe`: one recording to a transcript (JSON, VTT, SRT, RTTM or text)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from callqa.cli.console import err, progress_bar, settings_with
from callqa.support.files import write_atomically

DEVICES = ("auto", "cpu", "cuda")
DIARIZATION_BACKENDS = ("auto", "channels", "embedded", "pyannote")


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
    from callqa.pipeline.exports import EXPORTERS
    from callqa.services.transcription import transcribe_file

    if fmt not in EXPORTERS:
        raise typer.BadParameter(f"choose one of {', '.join(EXPORTERS)}", param_hint="--format")
    for value, allowed, hint in ((device, DEVICES, "--device"),
                                 (diarization, DIARIZATION_BACKENDS, "--diarization")):
        if value is not None and value not in allowed:
            raise typer.BadParameter(f"choose one of {', '.join(allowed)}", param_hint=hint)
    settings = settings_with(model, device, language, diarization, speakers)
    with progress_bar() as progress:
        task = progress.add_task(f"transcribing {audio.name}", total=None)
        transcript = transcribe_file(
            audio, metadata, settings,
            lambda _step, done, total: progress.update(task, completed=done, total=total),
        )
    text = EXPORTERS[fmt](transcript)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomically(output, text)
        err.print(f"wrote {output}")
