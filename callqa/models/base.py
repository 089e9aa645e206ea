"""The declarative base and the column types every table shares.

- Constraint and index names come from one naming convention, so that the names in the
  database, in the ORM and in the migrations agree and Alembic's diffs stay clean.
- `UtcDateTime` stores instants in UTC and always reads them back time-zone aware, on SQLite
  (which has no time-zone type) as on PostgreSQL (`timestamptz`).
- `JsonDocument` is `JSON`, stored as `JSONB` on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Dialect, MetaData, Table
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
ID_LENGTH = 200
"""Outside identifiers (call, agent, team, customer ids): as long as `CallMetadata` allows."""
POSTGRES_MAX_NAME = 63
"""PostgreSQL truncates longer identifiers silently; a test keeps every name under it."""


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored as UTC; a naive value is refused rather than guessed at.

    On SQLite the value is stored as naive UTC text, so that text order is time order and the
    `started_at` indexes serve range queries.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} cannot be stored: give it a time zone, "
                "e.g. datetime(..., tzinfo=UTC)"
            )
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JsonDocument = JSON().with_variant(JSONB(), "postgresql")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a CHECK that `column` holds one of `values` (portable, unlike native enums,
    whose changes need their own migration steps on PostgreSQL)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The Core table of an ORM class (typed: `__table__` is declared as a FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
