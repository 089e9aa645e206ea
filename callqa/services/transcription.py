"""Transcribing one recording file (`callqa transcribe`): its metadata sidecar, the
process's model, the whole speech pipeline."""

from __future__ import annotations

from pathlib import Path

from callqa.configs.settings import Settings
from callqa.domain.metadata import load_metadata, sidecar_path
from callqa.domain.progress import Progress, no_progress
from callqa.domain.records import Transcript


def transcribe_file(audio: Path, metadata: Path | None, settings: Settings,
                    progress: Progress = no_progress) -> Transcript:
    """Transcribe `audio` with `metadata` (default: its `.json` sidecar, when there is one)."""
    from callqa.pipeline.calls import transcribe_call
    from callqa.pipeline.transcribe import get_transcriber

    meta_path = metadata or (sidecar_path(audio) if sidecar_path(audio).is_file() else None)
    call_metadata = load_metadata(meta_path) if meta_path else None
    transcriber = get_transcriber(settings.transcription)
    return transcribe_call(audio, call_metadata, settings, transcriber, hook=progress)
