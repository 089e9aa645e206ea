"""Who spoke when in a mono call.

- `base`: the records (speaker turns, a diarization), the `Diarizer` protocol, helpers.
- `embedded`: speaker embeddings (Resemblyzer, weights in its wheel) over short sliding
  windows, spectral clustering; the offline default.
- `pyannote`: a pyannote.audio pipeline (the `pyannote` extra and its weights).

Stereo calls need none of this: each channel is a speaker (handled in `callqa.pipeline.calls`).
"""

from __future__ import annotations

import functools
import threading

from callqa.configs.settings import DiarizationSettings
from callqa.domain.records import ChannelLayout
from callqa.pipeline.diarize.base import (
    Backend,
    Diarization,
    DiarizationError,
    Diarizer,
    SpeakerTurn,
    turns_from_labels,
)

__all__ = [
    "Backend",
    "Diarization",
    "DiarizationError",
    "Diarizer",
    "SpeakerTurn",
    "choose_backend",
    "get_diarizer",
    "turns_from_labels",
]


def choose_backend(
    settings: DiarizationSettings, party_channels: int, layout: ChannelLayout | None
) -> Backend:
    """`party_channels`: distinct channels in the recording (identical ones count once)."""
    one_party_per_channel = party_channels == 2 and layout != ChannelLayout.MONO
    if settings.backend == "auto":
        return "channels" if one_party_per_channel else settings.mono_backend
    if settings.backend == "channels" and not one_party_per_channel:
        raise DiarizationError(
            "diarization backend 'channels' needs a stereo recording with one party per "
            f"channel, but this one has {party_channels} distinct channel(s)"
            f"{' and layout mono' if layout == ChannelLayout.MONO else ''}: use 'auto', "
            "'embedded' or 'pyannote'"
        )
    return settings.backend


_lock = threading.Lock()


@functools.lru_cache(maxsize=4)
def _cached(backend: Backend, settings_json: str) -> Diarizer:
    settings = DiarizationSettings.model_validate_json(settings_json)
    if backend == "embedded":
        from callqa.pipeline.diarize.embedded import EmbeddedDiarizer

        return EmbeddedDiarizer(settings)
    if backend == "pyannote":
        from callqa.pipeline.diarize.pyannote import PyannoteDiarizer

        return PyannoteDiarizer(settings)
    raise DiarizationError(f"backend {backend!r} has no diarizer: the channels are the speakers")


def get_diarizer(backend: Backend, settings: DiarizationSettings) -> Diarizer:
    """The process-wide diarizer for this backend and settings (models load once)."""
    with _lock:
        return _cached(backend, settings.model_dump_json())
