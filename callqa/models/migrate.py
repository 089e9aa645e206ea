"""Run the Alembic migrations from code: no `alembic.ini` needed, the scripts ship inside the
package. `upgrade` is idempotent (at head it does nothing) and safe to call at every start.

    python -m callqa.models.migrate upgrade            # CALLQA_DATABASE_URL or sqlite:///callqa.db
    python -m callqa.models.migrate current --url postgresql+psycopg://user@host/db
    python -m callqa.models.migrate upgrade --sql --url postgresql+psycopg://u@h/db  # DDL only
    python -m callqa.models.migrate revision -m "add x" # autogenerate against an upgraded DB
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, text

from callqa.domain.errors import SchemaError
from callqa.models.engine import default_database_url, make_engine

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
ADVISORY_LOCK_ID = 0x63616C6C7161
"""PostgreSQL advisory lock held while migrating, so that workers starting together do not
race to create the same tables ('callqa' in hex)."""


def target_metadata() -> MetaData:
    """The ORM's metadata with every table registered (what migrations must produce)."""
    from callqa.models import people, result_tables, reviews, tables  # noqa: F401  (registers them)
    from callqa.models.base import Base

    return Base.metadata


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        # ConfigParser interpolation: a '%' in a password must be doubled.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def _engine(target: Engine | str) -> Iterator[Engine]:
    if isinstance(target, Engine):
        yield target
        return
    engine = make_engine(target)
    try:
        yield engine
    finally:
        engine.dispose()


def upgrade(target: Engine | str, revision: str = "head") -> None:
    """Bring the database to `revision` (default: the newest). Does nothing when it is there."""
    with _engine(target) as engine, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(target: Engine | str) -> str | None:
    with _engine(target) as engine, engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no migration scripts in {MIGRATIONS}"
    return head


def check_schema(target: Engine | str) -> None:
    """Raise `SchemaError` unless the database is at the newest revision."""
    current, head = current_revision(target), head_revision()
    if current == head:
        return
    where = target if isinstance(target, str) else target.url.render_as_string()
    if current is None:
        raise SchemaError(f"the database {where} has no callqa tables",
                          "run callqa.models.migrate.upgrade(engine) "
                          "(or `python -m callqa.models.migrate upgrade`) first")
    raise SchemaError(
        f"the database {where} is at schema revision {current}, this callqa expects {head}",
        "run `python -m callqa.models.migrate upgrade` (if the database is newer, upgrade "
        "callqa instead)",
    )


def revision(message: str, url: str | None = None) -> None:
    """Write a new migration script by comparing the ORM with an upgraded database. Check it
    by hand (Alembic does not see CHECK constraint changes) before committing it."""
    with _engine(url or default_database_url()) as engine, engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m callqa.models.migrate")
    parser.add_argument("action", choices=("upgrade", "current", "revision"))
    parser.add_argument("--url", default=None, help="database URL (default: "
                        "CALLQA_DATABASE_URL or sqlite:///callqa.db)")
    parser.add_argument("-m", "--message", default="change", help="revision message")
    parser.add_argument("--sql", action="store_true",
                        help="upgrade: print the DDL for the URL's dialect instead of running it")
    args = parser.parse_args(argv)
    url = args.url or default_database_url()
    if args.action == "upgrade" and args.sql:
        command.upgrade(alembic_config(url), "head", sql=True)
    elif args.action == "upgrade":
        upgrade(url)
        print(f"{url}: at revision {current_revision(url)}")
    elif args.action == "current":
        print(f"{url}: at revision {current_revision(url)} (newest: {head_revision()})")
    else:
        revision(args.message, url)


if __name__ == "__main__":
    main()
