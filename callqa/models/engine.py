"""Engines and sessions. Nothing is built at import: the caller makes the engine once per
process and passes it (or its session factory) in.

    engine = make_engine(database_url(settings))
    upgrade(engine)                                   # callqa.models.migrate
    with session_factory(engine).begin() as session:  # the caller owns the transaction
        ...
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from callqa.domain.errors import StoreError

if TYPE_CHECKING:
    from callqa.configs.settings import Settings

DEFAULT_DATABASE_URL = "sqlite:///callqa.db"
DATABASE_URL_ENV = "CALLQA_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another process's write to finish before failing: several
workers share one SQLite file, and a batch commit can take seconds."""
SQLITE_WAL_LIMIT_BYTES = 64 * 2**20


def default_database_url() -> str:
    """`CALLQA_DATABASE_URL`, else a SQLite file `callqa.db` in the working directory."""
    return os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


def database_url(settings: Settings | None = None) -> str:
    """The URL from the settings' `database_url` field when it has one, else the default."""
    configured = getattr(settings, "database_url", None)
    return str(configured) if configured else default_database_url()


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for a SQLite file (WAL, foreign keys on, busy timeout) or PostgreSQL
    (`postgresql+psycopg://user@host/db`; a bare `postgresql://` uses psycopg 3 too)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"cannot parse the database URL {url!r}",
            "use sqlite:///path/to/callqa.db or postgresql+psycopg://user@host/dbname",
        ) from exc
    backend = parsed.get_backend_name()
    # Persian and Chinese transcripts stay readable (and a third of the size) in the JSON.
    options.setdefault("json_serializer", _json_dumps)
    if backend == "postgresql":
        # psycopg 3 is the driver callqa installs; SQLAlchemy's default would be psycopg2.
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        options.setdefault("pool_pre_ping", True)
        return create_engine(parsed, **options)
    if backend != "sqlite":
        raise StoreError(
            f"database {backend!r} is not supported (URL {parsed.render_as_string()})",
            "use SQLite (sqlite:///callqa.db) or PostgreSQL (postgresql+psycopg://...)",
        )
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().resolve().parent
        if not folder.is_dir():
            raise StoreError(
                f"the folder of the SQLite database {database} does not exist",
                f"create {folder}, or give another database (--database or "
                f"{DATABASE_URL_ENV})",
            )
    engine = create_engine(parsed, **options)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL: readers (reports, the API) do not block the writer, nor it them.
        cursor.execute("PRAGMA journal_mode=WAL")
        # SQLite leaves foreign keys off unless asked on every connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Safe with WAL (a crash may lose the last commits, never corrupt the file).
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A bulk write grows the WAL file; cut it back after each checkpoint.
        cursor.execute(f"PRAGMA journal_size_limit={SQLITE_WAL_LIMIT_BYTES}")
    finally:
        cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (ingest and the process loop hand
    rows from one transaction to the next)."""
    return sessionmaker(engine, expire_on_commit=False)
