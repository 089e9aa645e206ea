"""Typed errors. Each names the file or field at fault, the cause, and the fix."""

from __future__ import annotations

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


def is_transient(exc: BaseException) -> bool:
    """Whether retrying may help: the database or the archive out of reach, a GPU out of
    memory for a moment. Bad input never is (it fails the call with its reason at once)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(exc, TransientError | ConnectionError):
        return True
    if isinstance(exc, OperationalError):
        return True  # lost connection, server restart, SQLite busy past its timeout
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()
