"""Errors of the store. Each says what is wrong and how to fix it."""

from __future__ import annotations

from callqa.errors import CallqaError


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
