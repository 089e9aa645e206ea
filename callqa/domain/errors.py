"""Typed errors of every layer. Each names the file or field at fault, the cause, and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CallqaError(Exception):
    """Base class of every error callqa raises on purpose."""


class InputError(CallqaError):
    """A user-supplied file is wrong: the message says which file, why, and how to fix it."""

    def __init__(self, path: str | Path, cause: str, fix: str) -> None:
        self.path = str(path)
        self.cause = cause
        self.fix = fix
        super().__init__(f"{self.path}: {cause}. Fix: {fix}")


def read_input(path: Path, what: str, error: type[InputError]) -> bytes:
    """The bytes of a user-supplied file; `error` names the file and the fix when it cannot
    be read (`what`: "transcript", "metadata file"...)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise error(path, f"cannot read the {what} ({exc.strerror})", "check the path") from exc


class AudioDecodeError(InputError):
    """The recording cannot be turned into audio samples."""


class MetadataError(InputError):
    """A call-metadata sidecar is missing, not JSON, or has an invalid field."""


class ModelError(CallqaError):
    """The speech model cannot be found, verified or loaded."""


class SettingsError(CallqaError):
    """The settings (environment or YAML file) are invalid."""


class TransientError(CallqaError):
    """A failure worth retrying: a service out of reach for a moment (the flows retry it)."""



# The store
class StoreError(CallqaError):
    """The database cannot do what was asked: the message names the cause and the fix."""

    def __init__(self, cause: str, fix: str) -> None:
        self.cause = cause
        self.fix = fix
        super().__init__(f"{cause}. Fix: {fix}")


class DuplicateCallError(StoreError):
    """A call_id already stored with other content (a different recording)."""


class SchemaError(StoreError):
    """The database has no callqa tables, or an older or newer schema than this code."""


# Scorecards and scoring
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
