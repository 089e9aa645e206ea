"""Typed errors of every layer. Each names the file or field at fault, the cause, and the fix.

Each kind carries the exit code the `callqa` command ends with (README, "Exit codes"):
2 for what the user gave (a file, a field, an option), 3 for the environment (a database or
storage out of reach, missing credentials, a model that cannot be loaded). 1 is not an
error: a batch finished and some of its items failed, each recorded with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import ClassVar

from pydantic import ValidationError


class ExitCode(IntEnum):
    """What the `callqa` command's exit status means, the same for every command."""

    OK = 0
    SOME_FAILED = 1
    """The batch ran; some items failed and were recorded with their reasons."""
    INPUT = 2
    """Usage or input error: nothing was done with the bad input."""
    ENVIRONMENT = 3
    """The store, the storage or a model is out of reach or refused: fix the environment."""
    INTERNAL = 4
    """A bug in callqa: the message says how to see the traceback."""


class CallqaError(Exception):
    """Base class of every error callqa raises on purpose."""

    exit_code: ClassVar[ExitCode] = ExitCode.INPUT


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


def validation_problems(exc: ValidationError, limit: int | None = None, *,
                        as_fields: bool = False, with_input: bool = False) -> str:
    """pydantic's complaints on one line, `where: what; ...` (`as_fields`: `field 'where'`;
    `with_input`: the value given, too)."""
    parts = []
    for error in exc.errors()[:limit]:
        where = ".".join(str(p) for p in error["loc"]) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        given = f" (got {error.get('input')!r})" if with_input else ""
        parts.append(f"{f'field {where!r}' if as_fields else where}: {message}{given}")
    return "; ".join(parts)


class AudioDecodeError(InputError):
    """The recording cannot be turned into audio samples."""


class MetadataError(InputError):
    """A call-metadata sidecar is missing, not JSON, or has an invalid field."""


class ModelError(CallqaError):
    """The speech model cannot be found, verified or loaded."""

    exit_code = ExitCode.ENVIRONMENT


class SettingsError(CallqaError):
    """The settings (environment or YAML file) are invalid."""


class TransientError(CallqaError):
    """A failure worth retrying: a service out of reach for a moment (the flows retry it)."""

    exit_code = ExitCode.ENVIRONMENT


class StorageAccessError(CallqaError):
    """The storage refused access (missing or wrong credentials): retrying will not help."""

    exit_code = ExitCode.ENVIRONMENT


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

    exit_code = ExitCode.ENVIRONMENT


class StoreUnavailableError(StoreError):
    """The database cannot be reached (server down, wrong host or credentials)."""

    exit_code = ExitCode.ENVIRONMENT


class NoStoreError(StoreError):
    """A command that only reads or updates found no store at the URL (it never creates one)."""


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
        listing = "".join(f"\n  {problem}" for problem in problems)
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(
            path,
            f"invalid scorecard, {count}",
            "correct the fields named below; docs/score-format.md describes every field",
        )
        # One line that says what and how to fix it, then one line per problem.
        self.args = (f"{self.args[0]}{listing}",)


class ScorecardNotFoundError(CallqaError):
    """No scorecard fits the call (no scorecard for its call type and no `default`)."""


class UnsupportedLanguageError(CallqaError):
    """The call's language has no phrase sets in the chosen scorecard."""


class TranscriptFileError(InputError):
    """A transcript file given to `callqa score` is unreadable or not `callqa.transcript/1`."""
