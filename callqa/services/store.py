"""Opening the store: one engine per database URL per process, migrated to the newest
schema once, and its session factory. The CLI, the flows (in every worker process) and the
web service all open it here."""

from __future__ import annotations

import functools

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings, load_settings
from callqa.models.engine import database_url, make_engine, session_factory
from callqa.models.migrate import upgrade


@functools.lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """The process's engine for `url`, migrated to the newest schema."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


@functools.lru_cache(maxsize=8)
def sessions_for(url: str) -> sessionmaker[Session]:
    """The process's session factory for `url` (the caller owns each transaction)."""
    return session_factory(engine_for(url))


def store_url(database: str | None, settings: Settings | None = None) -> str:
    """`database` if given, else the settings' URL (CALLQA_DATABASE_URL or the default)."""
    return database or database_url(settings or load_settings())


def open_store(database: str | None, settings: Settings | None = None) -> sessionmaker[Session]:
    """The session factory for `database`, or for the settings' database."""
    return sessions_for(store_url(database, settings))
