"""Dialect-aware helpers of the store: upserts, bulk id lookups, and raw fetches that skip
per-row ORM and type processing for the million-row analytics queries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Dialect, Select, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine

from callqa.domain.errors import StoreError

LOOKUP_CHUNK = 900
"""Ids per `IN (...)` lookup: under SQLite's historical limit of 999 bound parameters."""
FETCH_CHUNK = 50_000
"""Rows per fetchmany in the raw reads."""
FULL_SCAN_ABOVE = 20_000
"""Past this many ids, reading the whole (external id -> pk) map is cheaper than lookups."""


def dialect_of(session: Session) -> Dialect:
    return session.get_bind().dialect


def insert_for(session: Session, table: Table) -> Any:
    """`INSERT` with `ON CONFLICT` support for the session's dialect."""
    name = dialect_of(session).name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise StoreError(f"upserts are not implemented for {name}",
                     "use SQLite or PostgreSQL")


def upsert(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], key: Sequence[str],
    update: Iterable[str] | None = None,
) -> None:
    """Insert `rows`; a row whose `key` exists replaces the `update` columns (default: all
    columns but the key). One executemany for all rows."""
    if not rows:
        return
    stmt = insert_for(session, table)
    columns = list(update) if update is not None else [c for c in rows[0] if c not in key]
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key), set_={c: stmt.excluded[c] for c in columns})
    session.execute(stmt, list(rows))


def bind_value(dialect: Dialect, type_: TypeEngine[Any], value: Any) -> Any:
    """`value` as the driver receives it for a column of `type_` (e.g. UTC text on SQLite)."""
    processor = type_.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None else value


def fetch_tuples(session: Session, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """Run `stmt` on the DBAPI cursor and return its rows as plain tuples, without type
    processing: a million rows arrive several times faster than through Result rows.
    Values are the driver's (SQLite: text timestamps, 0/1 booleans)."""
    rows: list[tuple[Any, ...]] = []
    for chunk in _fetch_chunks(session, stmt):
        rows.extend(chunk)
    return rows


def fetch_columns(session: Session, stmt: Select[Any], width: int) -> list[list[Any]]:
    """`fetch_tuples`, column by column: rows are turned into columns a chunk at a time, so
    a million rows never sit in memory as tuples."""
    columns: list[list[Any]] = [[] for _ in range(width)]
    for chunk in _fetch_chunks(session, stmt):
        for column, values in zip(columns, zip(*chunk, strict=True), strict=True):
            column.extend(values)
    return columns


def _fetch_chunks(session: Session, stmt: Select[Any]) -> Iterator[list[tuple[Any, ...]]]:
    connection = session.connection()
    dialect = connection.dialect
    compiled = stmt.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    params = compiled.construct_params() or {}
    processed = {
        name: bind_value(dialect, bind.type, params[name])
        for name, bind in compiled.binds.items() if name in params
    }
    args: Any
    if dialect.positional:
        positions = getattr(compiled, "positiontup", None) or []
        args = tuple(processed[name] for name in positions)
    else:
        args = processed
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.string, args)
        while chunk := cursor.fetchmany(FETCH_CHUNK):
            yield list(chunk)
    finally:
        cursor.close()


def executemany_raw(session: Session, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """The driver's executemany: the fastest portable bulk write (no per-row dicts)."""
    if not rows:
        return
    cursor = session.connection().connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def lookup(
    session: Session, key: ColumnElement[Any], value: ColumnElement[Any], keys: Iterable[Any],
) -> dict[Any, Any]:
    """`{key: value}` for the rows whose `key` is in `keys` (absent keys are left out; with
    many keys the whole table is read, so the answer may hold more than was asked)."""
    wanted = set(keys)
    wanted.discard(None)
    if not wanted:
        return {}
    if len(wanted) > FULL_SCAN_ABOVE:
        return dict(fetch_tuples(session, select(key, value)))
    found: dict[Any, Any] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start:start + LOOKUP_CHUNK]
        for k, v in session.execute(select(key, value).where(key.in_(chunk))):
            found[k] = v
    return found


def pks_by_external_id(
    session: Session, pk: ColumnElement[Any], external: ColumnElement[Any],
    values: Iterable[str],
) -> dict[str, int]:
    """Surrogate keys of the rows whose outside id is in `values` (missing ones absent)."""
    return lookup(session, external, pk, values)


def require_all(found: Mapping[str, int], values: Iterable[str], what: str, fix: str) -> None:
    missing = sorted(set(values) - found.keys())
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5
                                          else "")
        raise StoreError(f"{len(missing)} unknown {what}: {shown}", fix)
