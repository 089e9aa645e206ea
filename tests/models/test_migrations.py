"""Migrations from empty on SQLite and PostgreSQL match the ORM exactly; engines and URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, Index, inspect, text

from callqa.domain.errors import SchemaError, StoreError
from callqa.models.base import POSTGRES_MAX_NAME
from callqa.models.engine import (
    DATABASE_URL_ENV,
    DEFAULT_DATABASE_URL,
    database_url,
    default_database_url,
    make_engine,
)
from callqa.models.migrate import (
    alembic_config,
    check_schema,
    current_revision,
    head_revision,
    target_metadata,
    upgrade,
)


def test_upgrade_from_empty_matches_the_orm(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, target_metadata()) == []
        # Alembic does not compare CHECK constraints: compare their names here.
        inspector = inspect(connection)
        for table in target_metadata().sorted_tables:
            expected = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
            found = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert found == expected, table.name


def test_upgrade_is_idempotent_and_takes_a_url(empty_engine: Engine) -> None:
    url = empty_engine.url.render_as_string(hide_password=False)
    upgrade(url)
    upgrade(url)
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    tables = set(inspect(empty_engine).get_table_names())
    assert {"calls", "review_items", "stage_runs", "alembic_version"} <= tables


def test_downgrade_to_empty_and_back(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    config = alembic_config()
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(empty_engine).get_table_names()) == {"alembic_version"}
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()


def test_an_unmigrated_database_is_refused_with_the_fix(empty_engine: Engine) -> None:
    with pytest.raises(SchemaError, match=r"has no callqa tables.*migrate"):
        check_schema(empty_engine)
    upgrade(empty_engine)
    check_schema(empty_engine)


def test_every_constraint_and_index_has_a_stable_name_postgres_accepts() -> None:
    for table in target_metadata().sorted_tables:
        items: list[Index | object] = [*table.constraints, *table.indexes]
        for item in items:
            name = getattr(item, "name", None)
            assert isinstance(name, str), f"{table.name}: unnamed {item!r}"
            assert len(name) <= POSTGRES_MAX_NAME, name


def test_sqlite_engine_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert (connection.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 1000
    engine.dispose()


def test_engine_urls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert default_database_url() == DEFAULT_DATABASE_URL == "sqlite:///callqa.db"
    assert database_url(None) == DEFAULT_DATABASE_URL
    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql+psycopg://u@h/db")
    assert database_url(None) == "postgresql+psycopg://u@h/db"
    # A bare postgresql:// URL gets psycopg 3 (SQLAlchemy's default driver is not installed).
    assert make_engine("postgresql://u@h/db").dialect.driver == "psycopg"
    with pytest.raises(StoreError, match=r"not supported.*Fix: use SQLite"):
        make_engine("mysql://u@h/db")
    with pytest.raises(StoreError, match=r"does not exist.*Fix: create"):
        make_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
