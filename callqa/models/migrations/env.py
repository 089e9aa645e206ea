"""Alembic environment: runs on the connection `callqa.models.migrate` hands over, or on the
URL of the Alembic config (or `CALLQA_DATABASE_URL`) when run by the `alembic` command."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from callqa.models.engine import default_database_url, make_engine
from callqa.models.migrate import target_metadata

config = context.config


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        # SQLite cannot ALTER most things: later migrations rebuild tables in batch mode.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or default_database_url())
    try:
        with engine.begin() as own_connection:
            _configure_and_run(own_connection)
    finally:
        engine.dispose()


def run_offline() -> None:
    """`--sql` mode: write the DDL instead of running it (for a DBA to apply)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or default_database_url(),
        target_metadata=target_metadata(),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
