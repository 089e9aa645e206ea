"""Opening the store: one engine per database URL per process and its session factory. The
CLI, the flows (in every worker process) and the web service all open it here.

Three ways to open it, so that a command never does more than it says:
- `create`: a new SQLite file may be made, and the schema is migrated (ingest, the demo);
- `write`: the store must exist; the schema is migrated (process, reprocess, flags);
- `read`: the store must exist at the newest schema; nothing is written (review queue,
  report, suggestions, dry runs).
A database that cannot be reached raises `StoreUnavailableError` naming the URL (without its
password) and the fix; the driver's own traceback stays behind `--debug`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings, load_settings
from callqa.domain.errors import NoStoreError, StoreUnavailableError
from callqa.models.engine import DATABASE_URL_ENV, database_url, make_engine, session_factory
from callqa.models.migrate import check_schema, upgrade

OpenMode = Literal["create", "write", "read"]


_opened: set[str] = set()


@functools.lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    _opened.add(url)
    return make_engine(url)


@functools.lru_cache(maxsize=8)
def _migrated(url: str) -> Engine:
    engine = _engine(url)
    _reach(engine)
    upgrade(engine)
    return engine


def engine_for(url: str, mode: OpenMode = "create") -> Engine:
    """The process's engine for `url`, opened as `mode` says (see the module's docstring)."""
    if mode != "create":
        _require_existing(url)
    if mode == "read":
        engine = _engine(url)
        _reach(engine)
        check_schema(engine)
        return engine
    return _migrated(url)


def sessions_for(url: str, mode: OpenMode = "create") -> sessionmaker[Session]:
    """The process's session factory for `url` (the caller owns each transaction)."""
    return _sessions(url, mode)


@functools.lru_cache(maxsize=16)
def _sessions(url: str, mode: OpenMode) -> sessionmaker[Session]:
    return session_factory(engine_for(url, mode))


def store_url(database: str | None, settings: Settings | None = None) -> str:
    """`database` if given, else the settings' URL (CALLQA_DATABASE_URL or the default)."""
    return database or database_url(settings or load_settings())


def open_store(database: str | None, settings: Settings | None = None,
               mode: OpenMode = "create") -> sessionmaker[Session]:
    """The session factory for `database`, or for the settings' database."""
    return sessions_for(store_url(database, settings), mode)


def close_stores() -> None:
    """Dispose of every engine this process opened and forget them: the next open starts
    afresh (and migrates again). For a server's shutdown, and tests that reset a database."""
    for engine in {_engine(url) for url in _opened}:
        engine.dispose()
    _opened.clear()
    _engine.cache_clear()
    _migrated.cache_clear()
    _sessions.cache_clear()


def check_reachable(url: str) -> None:
    """Fail early, with one message, when a database server is out of reach (a SQLite file
    is created on the first write, by whichever command writes first)."""
    if make_url(url).get_backend_name() != "sqlite":
        _reach(_engine(url))


def shown_url(url: str) -> str:
    """The URL as it may be printed: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def _require_existing(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return  # a server's database: reaching it says whether it is there
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    if not Path(database).expanduser().is_file():
        raise NoStoreError(
            f"there is no callqa store at {shown_url(url)} (no file {database})",
            f"ingest calls first (callqa ingest FOLDER --database {shown_url(url)}), or point "
            f"--database or {DATABASE_URL_ENV} at an existing store")


def _reach(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreUnavailableError(
            f"cannot reach the database {engine.url.render_as_string(hide_password=True)} "
            f"({reason})",
            f"start the database server, or check --database / {DATABASE_URL_ENV} (host, "
            "port, name, user, password)") from exc
