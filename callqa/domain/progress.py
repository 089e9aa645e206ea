"""The one progress protocol every long step reports through (a no-op by default), in the
manner of pyannote's hooks: progress bars, logs and timings all listen to the same calls."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """`progress(step, done, total)`: `done` of `total` units of `step` are finished (calls,
    files, or seconds of audio, as the step says); `total` is 0 while unknown."""

    def __call__(self, step: str, done: float, total: float, /) -> None: ...


def no_progress(step: str, done: float, total: float, /) -> None:
    """The default: report nothing."""
