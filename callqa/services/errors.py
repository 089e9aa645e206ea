"""Which failures are worth retrying: the policy the flows and the processing service share."""

from __future__ import annotations

from callqa.domain.errors import TransientError


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
