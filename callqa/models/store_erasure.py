"""The SQL of retention and erasure: legal holds, calls past their retention, and removing a
call from every table (docs/privacy.md).

`erase_call` finds what to delete from the ORM's metadata, not from a list: every table
with a foreign key to `calls` (and every table under those, children first), so a table
added later cannot be forgotten. What refers to a call by its outside id rather than a key
is handled by name: the audit events about it (deleted; an event that lists it beside
other calls is written again with the id replaced), other calls' FCR outcomes that name it
as their callback (with their queue items), the stage markers of its content, and its
customer when no other call has them. The caller owns the transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    and_,
    cast,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from callqa.models._sql import LOOKUP_CHUNK
from callqa.models.base import table_of
from callqa.models.migrate import target_metadata
from callqa.models.result_tables import FcrRow, ReviewItemRow
from callqa.models.reviews import AgreementCountRow, AuditEventRow, ReviewCriterionRow, ReviewRow
from callqa.models.store_reviews import append_event
from callqa.models.tables import Call, CallErasure, Customer, StageRun

ERASED = "[erased]"
"""What replaces an erased call's id in an audit event that also names other calls."""


@dataclass(frozen=True)
class ExpiredCalls:
    """Calls of one call type past their retention: how many, and how many of those are
    under legal hold (kept)."""

    call_type: str | None
    days: int
    expired: int
    held: int


# --- finding calls ------------------------------------------------------------------------------

def call_for_change(session: Session, call_id: str) -> Call | None:
    """The call, locked against a concurrent hold or erasure (FOR UPDATE on PostgreSQL;
    SQLite has one writer at a time)."""
    return session.scalars(select(Call).where(Call.call_id == call_id).with_for_update()
                           ).one_or_none()


def set_hold(session: Session, call: Call, by: str, reason: str, at: datetime) -> None:
    call.legal_hold_at, call.legal_hold_by, call.legal_hold_reason = at, by, reason
    session.flush()


def release_hold(session: Session, call: Call) -> None:
    call.legal_hold_at = call.legal_hold_by = call.legal_hold_reason = None
    session.flush()


def stored_contents(session: Session, shas: list[str]) -> set[str]:
    """The content hashes among `shas` that a stored call has."""
    found: set[str] = set()
    for start in range(0, len(shas), LOOKUP_CHUNK):
        found.update(session.scalars(select(Call.content_sha256).where(
            Call.content_sha256.in_(shas[start:start + LOOKUP_CHUNK]))))
    return found


def held_calls(session: Session, limit: int = 1000) -> list[Call]:
    return list(session.scalars(select(Call).where(Call.legal_hold_at.is_not(None))
                                .order_by(Call.id).limit(limit)))


def _expired(days_by_type: dict[str, int | None], default_days: int | None, now: datetime
             ) -> ColumnElement[bool]:
    """Calls whose age (from `started_at`, else when stored) passed their type's retention."""
    age_from = func.coalesce(Call.started_at, Call.created_at)
    conditions: list[ColumnElement[bool]] = []
    for call_type, days in sorted(days_by_type.items()):
        if days is not None:
            conditions.append(and_(Call.call_type == call_type,
                                   age_from < now - timedelta(days=days)))
    if default_days is not None:
        other = (Call.call_type.is_(None) | Call.call_type.not_in(sorted(days_by_type))
                 if days_by_type else literal(True))
        conditions.append(and_(other, age_from < now - timedelta(days=default_days)))
    return or_(*conditions) if conditions else literal(False)


def expired_by_type(session: Session, days_by_type: dict[str, int | None],
                    default_days: int | None, now: datetime) -> list[ExpiredCalls]:
    """Per call type: the calls past retention and, of those, the ones under legal hold."""
    rows = session.execute(select(Call.call_type, func.count(), func.count(Call.legal_hold_at))
                           .where(_expired(days_by_type, default_days, now))
                           .group_by(Call.call_type).order_by(Call.call_type)).all()
    found = []
    for call_type, expired, kept in rows:
        days = days_by_type.get(call_type) if call_type in days_by_type else default_days
        assert days is not None
        found.append(ExpiredCalls(call_type, days, expired, kept))
    return found


def expired_call_ids(session: Session, days_by_type: dict[str, int | None],
                     default_days: int | None, now: datetime, limit: int,
                     after_pk: int = 0) -> list[tuple[int, str]]:
    """(pk, call_id) of up to `limit` calls past retention and not held, oldest key first
    from `after_pk` on."""
    return [(pk, call_id) for pk, call_id in session.execute(
        select(Call.id, Call.call_id)
        .where(_expired(days_by_type, default_days, now), Call.legal_hold_at.is_(None),
               Call.id > after_pk)
        .order_by(Call.id).limit(limit))]


# --- erasing -------------------------------------------------------------------------------------

def erase_call(session: Session, call: Call, actor: str, at: datetime, action: str
               ) -> dict[str, int]:
    """Remove `call` from every table; returns the rows deleted per table. The erasure
    record (who, when, which id) is written first: it is what lets the audit trigger
    accept deleting the call's events. Ends with the one event that stays, `action` by
    `actor` at `at`, which holds nothing but the call id."""
    call_id, pk, sha, customer_pk = call.call_id, call.id, call.content_sha256, call.customer_pk
    session.add(CallErasure(call_id=call_id, erased_by=actor, erased_at=at))
    session.flush()
    deleted: Counter[str] = Counter()
    deleted["audit_events"] += _erase_events(session, call_id)
    deleted.update(_forget_as_callback(session, call_id))
    _uncount_reviews(session, pk)
    session.expunge(call)
    deleted.update(_delete_tree(session, table_of(Call), table_of(Call).c.id == pk, set()))
    deleted["stage_runs"] += _rowcount(session.execute(
        delete(StageRun).where(StageRun.content_sha256 == sha)))
    if customer_pk is not None:
        deleted["customers"] += _rowcount(session.execute(delete(Customer).where(
            Customer.id == customer_pk, ~exists().where(Call.customer_pk == customer_pk))))
    append_event(session, actor, action, "call", call_id, call_id, at=at)
    return {table: n for table, n in sorted(deleted.items()) if n}


def _rowcount(result: Any) -> int:
    count: int = result.rowcount
    return max(count, 0)


def _dependents(table: Table) -> Iterator[tuple[Table, Any, Any]]:
    """(table, its column, the referred column) of every foreign key into `table`."""
    for child in target_metadata().sorted_tables:
        for key in child.foreign_keys:
            if key.column.table is table:
                yield child, key.parent, key.column


def _delete_tree(session: Session, table: Table, where: ColumnElement[bool],
                 path: set[str]) -> Counter[str]:
    """Delete the rows of `table` matching `where`, and first every row that refers to them
    (explicitly, not by ON DELETE CASCADE alone: a table added without it must go too)."""
    deleted: Counter[str] = Counter()
    for child, column, referred in _dependents(table):
        if child.name in path:
            continue  # a cycle: its rows go with the first table of the cycle
        rows = column.in_(select(referred).where(where))
        deleted.update(_delete_tree(session, child, rows, path | {table.name}))
    deleted[table.name] += _rowcount(session.execute(delete(table).where(where)))
    return deleted


def _mentions(column: Any, call_id: str) -> ColumnElement[bool]:
    """A JSON column whose text holds the call id as a JSON string (as the trigger tests)."""
    needle = '"' + call_id + '"'
    return func.coalesce(cast(column, String), "").contains(needle, autoescape=True)


def _erase_events(session: Session, call_id: str) -> int:
    """Delete the audit events about the call; an event naming it only in a list beside
    other calls (a calibration session's calls) is written again, same id and time, with
    the id replaced by `ERASED`."""
    events = table_of(AuditEventRow)
    # Events of other calls never list this one: only events about no call (a calibration
    # session, users, scorecards: few) are searched for it, not the whole trail.
    rows = session.execute(select(events).where(or_(
        events.c.call_id == call_id,
        events.c.call_id.is_(None) & or_(_mentions(events.c.before, call_id),
                                         _mentions(events.c.after, call_id))))
    ).mappings().all()
    if not rows:
        return 0
    session.execute(delete(events).where(events.c.id.in_([r["id"] for r in rows])))
    kept = [dict(r) for r in rows if r["call_id"] != call_id
            and not _about(r["before"], call_id) and not _about(r["after"], call_id)]
    for row in kept:
        row["before"] = _scrubbed(row["before"], call_id)
        row["after"] = _scrubbed(row["after"], call_id)
    if kept:
        session.execute(events.insert(), kept)
    return len(rows) - len(kept)


def _about(document: Any, call_id: str) -> bool:
    """A snapshot of one of the call's records (its top-level `call_id` is the call)."""
    return isinstance(document, dict) and document.get("call_id") == call_id


def _scrubbed(document: Any, call_id: str) -> Any:
    if isinstance(document, str):
        return ERASED if document == call_id else document
    if isinstance(document, dict):
        return {_scrubbed(k, call_id): _scrubbed(v, call_id) for k, v in document.items()}
    if isinstance(document, list):
        return [_scrubbed(v, call_id) for v in document]
    return document


def _forget_as_callback(session: Session, call_id: str) -> Counter[str]:
    """Other calls whose FCR outcome is a repeat because of this call lose that outcome
    (and their FCR queue items, whose reasons name it) until the next analysis recomputes
    FCR from the calls that remain."""
    earlier = select(FcrRow.call_pk).where(FcrRow.callback_call_id == call_id)
    deleted: Counter[str] = Counter()
    deleted["review_items"] += _rowcount(session.execute(delete(ReviewItemRow).where(
        ReviewItemRow.call_pk.in_(earlier), ReviewItemRow.kind == "fcr_repeat")))
    deleted["fcr_status"] += _rowcount(session.execute(
        delete(FcrRow).where(FcrRow.callback_call_id == call_id)))
    return deleted


def _uncount_reviews(session: Session, call_pk: int) -> None:
    """Take the call's reviews out of the per-day agreement counts (the trust report), as
    `store_reviews.save_review` put them in."""
    rows = session.execute(
        select(ReviewRow.updated_at, ReviewRow.scorecard_id, ReviewRow.scorecard_version,
               ReviewCriterionRow.criterion_id,
               ReviewCriterionRow.outcome == ReviewCriterionRow.automatic_outcome)
        .join(ReviewCriterionRow, ReviewCriterionRow.review_pk == ReviewRow.id)
        .where(ReviewRow.call_pk == call_pk, ReviewRow.kind == "review",
               ReviewCriterionRow.automatic_outcome.is_not(None))).all()
    deltas: Counter[tuple[Any, ...]] = Counter()
    agreed: Counter[tuple[Any, ...]] = Counter()
    for updated_at, scorecard_id, version, criterion_id, same in rows:
        key = (updated_at.date(), scorecard_id, version, criterion_id)
        deltas[key] += 1
        agreed[key] += bool(same)
    counts = AgreementCountRow
    for slot, n in deltas.items():
        day, scorecard_id, version, criterion_id = slot
        match = and_(counts.day == day, counts.scorecard_id == scorecard_id,
                     counts.scorecard_version == version, counts.criterion_id == criterion_id)
        session.execute(update(counts).where(match).values(
            reviewed=counts.reviewed - n, agreed=counts.agreed - agreed[slot]))
        session.execute(delete(counts).where(match, counts.reviewed <= 0))


def erasures(session: Session, call_id: str | None = None, limit: int = 1000
             ) -> list[tuple[str, str, datetime]]:
    """(call id, by, at) of erased calls, newest first."""
    stmt = select(CallErasure.call_id, CallErasure.erased_by, CallErasure.erased_at)
    if call_id is not None:
        stmt = stmt.where(CallErasure.call_id == call_id)
    return [(found, by, at) for found, by, at in
            session.execute(stmt.order_by(CallErasure.id.desc()).limit(limit))]
