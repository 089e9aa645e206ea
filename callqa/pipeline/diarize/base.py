"""What every diarization backend shares: speaker turns, the exclusive diarization they
return (no overlapping turns, made for giving each word to one speaker), the `Diarizer`
protocol, and turning per-frame labels into turns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from callqa.domain.errors import CallqaError

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
