"""Transcribe a folder of recordings with their metadata sidecars; bad files never stop it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from callqa.configs.settings import Settings
from callqa.domain import Transcript
from callqa.errors import InputError
from callqa.metadata import load_metadata, sidecar_path
from callqa.pipeline.calls import Hook, no_hook, transcribe_call
from callqa.pipeline.transcribe import get_transcriber

logger = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".ogg", ".opus", ".mp3", ".gsm", ".m4a", ".au"})


@dataclass(frozen=True)
class CallOutcome:
    path: Path
    transcript: Transcript | None
    failure: str | None
    """Why the call failed (file, cause, fix), or None when it was transcribed."""


def find_recordings(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES)


def transcribe_folder(
    folder: Path, settings: Settings, hook: Hook = no_hook
) -> Iterator[CallOutcome]:
    transcriber = get_transcriber(settings.transcription)
    for path in find_recordings(folder):
        try:
            sidecar = sidecar_path(path)
            metadata = load_metadata(sidecar) if sidecar.is_file() else None
            transcript = transcribe_call(path, metadata, settings, transcriber, hook)
        except InputError as exc:
            logger.warning("call failed: %s", exc)
            yield CallOutcome(path, None, str(exc))
        else:
            yield CallOutcome(path, transcript, None)
