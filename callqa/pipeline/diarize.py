"""Who spoke when: one interface, three backends.

- `channels`: a stereo recording with one party per channel needs no diarization; each
  channel is a speaker (handled in `callqa.pipeline.calls`).
- `embedded` (default for mono, offline, CPU): Silero VAD, Resemblyzer speaker embeddings on
  short sliding windows, spectral clustering (`callqa.pipeline.diarize_embedded`).
- `pyannote`: pyannote.audio's pipeline from a local directory or the Hugging Face hub
  (`callqa.pipeline.diarize_pyannote`, the `pyannote` extra).

Every backend returns an *exclusive* diarization (no overlapping turns), made for giving
each word to one speaker.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from callqa.configs.settings import DiarizationSettings
from callqa.domain import ChannelLayout
from callqa.errors import CallqaError

Backend = Literal["channels", "embedded", "pyannote"]


@dataclass(frozen=True)
class SpeakerTurn:
    start: float
    end: float
    speaker: str


@dataclass(frozen=True)
class Diarization:
    turns: tuple[SpeakerTurn, ...]
    """Exclusive turns ordered by start: at most one speaker at any time."""
    speakers: tuple[str, ...]
    backend: Backend
    overlapping: tuple[SpeakerTurn, ...] | None = None
    """Turns with overlapping speech kept, where the backend finds it (pyannote); talk time
    and overtalk are measured on these."""

    @property
    def talk_turns(self) -> tuple[SpeakerTurn, ...]:
        return self.overlapping if self.overlapping is not None else self.turns


class Diarizer(Protocol):
    backend: Backend

    def __call__(
        self,
        samples: np.ndarray,
        speech: Sequence[tuple[float, float]],
        num_speakers: int | None,
    ) -> Diarization: ...


class DiarizationError(CallqaError):
    """Diarization cannot run as configured."""


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


def turns_from_labels(
    labels: np.ndarray, frame_seconds: float, min_turn: float, names: Sequence[str]
) -> tuple[SpeakerTurn, ...]:
    """Frame labels (-1: nobody) to exclusive turns; turns under `min_turn` seconds are
    relabelled with the longer of their neighbours."""
    runs = _runs(labels)
    min_frames = round(min_turn / frame_seconds)
    changed = True
    while changed:  # absorb short speaker runs into their neighbours until stable
        changed = False
        for i, (label, start, stop) in enumerate(runs):
            if label < 0 or stop - start >= min_frames:
                continue
            neighbours = [runs[j] for j in (i - 1, i + 1)
                          if 0 <= j < len(runs) and runs[j][0] >= 0 and runs[j][2] - runs[j][1]
                          >= stop - start and _touching(runs[j], (label, start, stop))]
            if neighbours:
                longest = max(neighbours, key=lambda r: r[2] - r[1])
                labels[start:stop] = longest[0]
                runs = _runs(labels)
                changed = True
                break
    return tuple(
        SpeakerTurn(round(start * frame_seconds, 3), round(stop * frame_seconds, 3), names[label])
        for label, start, stop in runs
        if label >= 0
    )


def _touching(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return a[2] == b[1] or b[2] == a[1]


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """(label, start, stop) for each run of equal labels."""
    if labels.size == 0:
        return []
    edges = np.flatnonzero(np.diff(labels)) + 1
    starts = np.concatenate([[0], edges])
    stops = np.concatenate([edges, [labels.size]])
    return [(int(labels[a]), int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


_lock = threading.Lock()


@functools.lru_cache(maxsize=4)
def _cached(backend: Backend, settings_json: str) -> Diarizer:
    settings = DiarizationSettings.model_validate_json(settings_json)
    if backend == "embedded":
        from callqa.pipeline.diarize_embedded import EmbeddedDiarizer

        return EmbeddedDiarizer(settings)
    if backend == "pyannote":
        from callqa.pipeline.diarize_pyannote import PyannoteDiarizer

        return PyannoteDiarizer(settings)
    raise DiarizationError(f"backend {backend!r} has no diarizer: the channels are the speakers")


def get_diarizer(backend: Backend, settings: DiarizationSettings) -> Diarizer:
    """The process-wide diarizer for this backend and settings (models load once)."""
    with _lock:
        return _cached(backend, settings.model_dump_json())
