"""Errors of scorecard loading and scoring. Each names what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from callqa.errors import CallqaError, InputError


@dataclass(frozen=True)
class ScorecardProblem:
    """One thing wrong in a scorecard file: where (file, line, field) and what."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field or '(top level)'}: {self.message}"


class ScorecardError(InputError):
    """A scorecard YAML file is unreadable or invalid; `problems` lists every fault found."""

    def __init__(self, path: str | Path, problems: tuple[ScorecardProblem, ...]) -> None:
        self.problems = problems
        listing = "\n".join(f"  {problem}" for problem in problems)
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(
            path,
            f"invalid scorecard, {count}:\n{listing}\n",
            "correct the fields named above; docs/score-format.md describes every field",
        )


class ScorecardNotFoundError(CallqaError):
    """No scorecard fits the call (no scorecard for its call type and no `default`)."""


class UnsupportedLanguageError(CallqaError):
    """The call's language has no phrase sets in the chosen scorecard."""


class TranscriptFileError(InputError):
    """A transcript file given to `callqa score` is unreadable or not `callqa.transcript/1`."""
