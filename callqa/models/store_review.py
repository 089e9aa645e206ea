"""The store API of the review layer: FCR outcomes, agent flags, the QA review queue.

Bulk writes replace what a previous run of the same computation wrote (same calls, same
period), so scheduled re-runs never pile up rows. The caller owns the transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, delete, false, select
from sqlalchemy.orm import Session

from callqa.domain.errors import StoreError
from callqa.domain.review import FcrOutcome, Flag, ReviewItem, ReviewPlan
from callqa.models._sql import (
    bind_value,
    dialect_of,
    executemany_raw,
    insert_for,
    pks_by_external_id,
    require_all,
)
from callqa.models.base import UtcDateTime, table_of, utc_now
from callqa.models.result_tables import (
    FCR_STATUSES,
    NO_CRITERION,
    FcrRow,
    FlagRow,
    ReviewItemRow,
    ReviewPlanRow,
)
from callqa.models.tables import Agent, Call
from callqa.support.gc_pause import gc_paused

PG_CHUNK = 50_000
"""Rows per PostgreSQL bulk statement (arrays through unnest)."""
_INGEST_FIRST = "ingest the calls first, or compute from the calls in this database"


def save_fcr(session: Session, outcomes: Iterable[FcrOutcome]) -> int:
    """Store each call's FCR outcome, replacing the previous one. Returns the rows written."""
    with gc_paused():
        rows = [(o.call_id, o.status.value, o.callback_call_id, o.hours_to_callback)
                for o in outcomes]
        return _save_fcr_rows(session, rows)


def save_fcr_frame(session: Session, frame: pd.DataFrame) -> int:
    """`save_fcr` for the DataFrame `callqa.scoring.fcr.compute_fcr` returns (call_id,
    fcr_status, callback_call_id, hours_to_callback), without a record per call."""
    hours = frame["hours_to_callback"].astype(float)
    callbacks = frame["callback_call_id"].astype(object)
    with gc_paused():
        rows = list(zip(
            frame["call_id"].astype(str).tolist(), frame["fcr_status"].astype(str).tolist(),
            [None if pd.isna(v) else str(v) for v in callbacks.tolist()],
            [None if v != v else float(v) for v in hours.tolist()], strict=True))
        return _save_fcr_rows(session, rows)


def _save_fcr_rows(session: Session, rows: list[tuple[str, str, str | None, float | None]]
                   ) -> int:
    if not rows:
        return 0
    unknown_status = {r[1] for r in rows} - set(FCR_STATUSES)
    if unknown_status:
        raise StoreError(f"FCR status {sorted(unknown_status)[0]!r} is not one of "
                         f"{', '.join(FCR_STATUSES)}", "pass compute_fcr's statuses")
    if len({r[0] for r in rows}) != len(rows):
        twice = sorted(k for k, n in Counter(r[0] for r in rows).items() if n > 1)
        raise StoreError(f"{len(twice)} calls have two FCR outcomes (e.g. {twice[0]})",
                         "pass one outcome per call")
    call = table_of(Call)
    pks = pks_by_external_id(session, call.c.id, call.c.call_id, (r[0] for r in rows))
    require_all(pks, (r[0] for r in rows), "call ids in the FCR outcomes", _INGEST_FIRST)
    dialect = dialect_of(session)
    now = bind_value(dialect, UtcDateTime(), utc_now())
    table = FcrRow.__tablename__
    columns = "call_pk, status, callback_call_id, hours_to_callback, computed_at"
    on_conflict = ("ON CONFLICT (call_pk) DO UPDATE SET status = excluded.status, "
                   "callback_call_id = excluded.callback_call_id, "
                   "hours_to_callback = excluded.hours_to_callback, "
                   "computed_at = excluded.computed_at")
    if dialect.name == "postgresql":
        # One statement per chunk: the columns travel as arrays, unnest() turns them into
        # rows. Far faster than executemany's round trip per row.
        sql = (f"INSERT INTO {table} ({columns}) SELECT u.*, %s FROM unnest("
               "%s::int[], %s::text[], %s::text[], %s::float8[]) AS u "
               f"{on_conflict}")
        cursor = session.connection().connection.cursor()
        try:
            for start in range(0, len(rows), PG_CHUNK):
                chunk = rows[start:start + PG_CHUNK]
                cursor.execute(sql, (now, [pks[r[0]] for r in chunk], [r[1] for r in chunk],
                                     [r[2] for r in chunk], [r[3] for r in chunk]))
        finally:
            cursor.close()
    else:
        executemany_raw(
            session, f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, ?) {on_conflict}",
            [(pks[r[0]], r[1], r[2], r[3], now) for r in rows])
    return len(rows)


def save_flags(session: Session, flags: Sequence[Flag], period: tuple[date, date]) -> int:
    """Replace the flags of `period` (every flag must be of that period) with `flags`."""
    keys: set[tuple[str, str, str]] = set()
    for flag in flags:
        if (flag.period_start, flag.period_end) != period:
            raise StoreError(
                f"flag of agent {flag.agent_id} is for {flag.period_start}..{flag.period_end},"
                f" not the period being saved {period[0]}..{period[1]}",
                "save each period's flags with that period")
        key = (flag.agent_id, flag.kind, flag.criterion_id or NO_CRITERION)
        if key in keys:
            raise StoreError(f"two flags for agent {key[0]}, kind {key[1]}, criterion "
                             f"{key[2] or '-'} in one period", "pass one flag per key")
        keys.add(key)
    agents = _agent_pks(session, (f.agent_id for f in flags))
    session.execute(delete(FlagRow).where(FlagRow.period_start == period[0],
                                          FlagRow.period_end == period[1]))
    if flags:
        now = utc_now()
        session.execute(insert_for(session, table_of(FlagRow)), [{
            "agent_pk": agents[f.agent_id], "kind": f.kind,
            "criterion_id": f.criterion_id or NO_CRITERION, "status": f.status,
            "period_start": f.period_start, "period_end": f.period_end, "calls": f.calls,
            "events": f.events, "expected": f.expected, "ratio": f.ratio,
            "p_value": f.p_value, "q_value": f.q_value, "estimate": f.estimate,
            "interval_low": f.interval_low, "interval_high": f.interval_high,
            "prob_worse": f.prob_worse, "calls_to_settle": f.calls_to_settle,
            "reasons": list(f.reasons), "computed_at": now,
        } for f in flags])
    return len(flags)


def load_flags(session: Session, period: tuple[date, date] | None = None,
               status: str | None = None) -> list[Flag]:
    """Stored flags (of one period, of one status), by agent, kind and criterion."""
    f, a = table_of(FlagRow), table_of(Agent)
    stmt = select(a.c.agent_id, f).join(a, a.c.id == f.c.agent_pk)
    if period is not None:
        stmt = stmt.where(f.c.period_start == period[0], f.c.period_end == period[1])
    if status is not None:
        stmt = stmt.where(f.c.status == status)
    stmt = stmt.order_by(f.c.period_start, a.c.agent_id, f.c.kind, f.c.criterion_id)
    return [Flag(
        agent_id=row.agent_id, kind=row.kind, criterion_id=row.criterion_id or None,
        status=row.status, period_start=row.period_start, period_end=row.period_end,
        calls=row.calls, events=row.events, expected=row.expected, ratio=row.ratio,
        p_value=row.p_value, q_value=row.q_value, reasons=tuple(row.reasons),
        estimate=row.estimate, interval_low=row.interval_low, interval_high=row.interval_high,
        prob_worse=row.prob_worse, calls_to_settle=row.calls_to_settle,
    ) for row in session.execute(stmt)]


def save_review_items(session: Session, items: Sequence[ReviewItem],
                      period: tuple[date, date] | None = None) -> int:
    """Replace the review queue of `period` (None: the whole queue) with `items`, kept in
    their order for equal priorities. A call already queued for another period under the
    same kind moves to this one (one row per call and kind)."""
    seen: set[tuple[str, str]] = set()
    for item in items:
        if (item.call_id, item.kind) in seen:
            raise StoreError(f"call {item.call_id} appears twice as {item.kind} in the queue",
                             "pass each call once per kind")
        seen.add((item.call_id, item.kind))
    call = table_of(Call)
    calls = pks_by_external_id(session, call.c.id, call.c.call_id, (i.call_id for i in items))
    require_all(calls, (i.call_id for i in items), "call ids in the review queue",
                _INGEST_FIRST)
    agents = _agent_pks(session, (i.agent_id for i in items))
    r = table_of(ReviewItemRow)
    where: ColumnElement[bool] | None = None
    if period is not None:
        where = and_(r.c.period_start == period[0], r.c.period_end == period[1])
    session.execute(delete(ReviewItemRow).where(where) if where is not None
                    else delete(ReviewItemRow))
    if not items:
        return 0
    now = utc_now()
    stmt = insert_for(session, r)
    stmt = stmt.on_conflict_do_update(
        index_elements=["call_pk", "kind"],
        set_={c: stmt.excluded[c] for c in ("agent_pk", "priority", "reasons", "control",
                                            "expected_yield", "period_start", "period_end",
                                            "created_at")})
    session.execute(stmt, [{
        "call_pk": calls[i.call_id], "agent_pk": agents[i.agent_id], "priority": i.priority,
        "reasons": list(i.reasons), "control": i.control, "kind": i.kind,
        "expected_yield": i.expected_yield, "period_start": period[0] if period else None,
        "period_end": period[1] if period else None,
        "created_at": i.created_at or now,
    } for i in items])
    return len(items)


PLAN_FIELDS = ("budget", "targeted", "controls", "unused", "expected_found", "expected_random",
               "expected_per_agent", "targeted_share", "random_share")


def save_review_plan(session: Session, plan: ReviewPlan,
                     period: tuple[date, date] | None = None) -> None:
    """Keep how an analysis spent the review budget (its items go to `save_review_items`)."""
    session.add(ReviewPlanRow(
        period_start=period[0] if period else None, period_end=period[1] if period else None,
        reasons=list(plan.reasons), created_at=utc_now(),
        **{name: getattr(plan, name) for name in PLAN_FIELDS}))


def latest_review_plan(session: Session) -> ReviewPlan | None:
    """The plan of the last analysis, without its items (read them with `review_queue`)."""
    row = session.scalars(select(ReviewPlanRow).order_by(ReviewPlanRow.id.desc()).limit(1)
                          ).first()
    if row is None:
        return None
    return ReviewPlan(items=(), reasons=tuple(row.reasons),
                      **{name: getattr(row, name) for name in PLAN_FIELDS})


def review_queue(session: Session, limit: int = 50, agent_id: str | None = None,
                 include_control: bool = True, agents: Collection[str] | None = None,
                 offset: int = 0) -> list[ReviewItem]:
    """The highest-priority queued calls (ties in the order they were saved); `agents`:
    only these agents' calls (a person's scope); `offset`: skip the first ones (pages)."""
    agent_pk = None
    if agent_id is not None:
        agent = table_of(Agent)
        agent_pk = session.scalar(select(agent.c.id).where(agent.c.agent_id == agent_id))
        if agent_pk is None:
            return []
    return [ReviewItem(call_id=row.call_id, agent_id=row.agent_id, priority=row.priority,
                       reasons=tuple(row.reasons), control=row.control, kind=row.kind,
                       expected_yield=row.expected_yield, created_at=row.created_at)
            for row in session.execute(
                queue_select(limit, agent_pk, include_control, agents, offset))]


def queue_select(limit: int, agent_pk: int | None = None, include_control: bool = True,
                 agents: Collection[str] | None = None, offset: int = 0) -> Select[Any]:
    """The SELECT behind `review_queue`. The top `limit` rows are taken from `review_items`
    alone, walking a priority index (`ix_review_items_priority`, `..._control_priority` or
    `..._agent_priority`), and only they are joined to calls and agents: the answer takes
    the same time with a thousand calls stored or a million."""
    r, c, a = table_of(ReviewItemRow), table_of(Call), table_of(Agent)
    top = select(r.c.id, r.c.call_pk, r.c.agent_pk, r.c.priority, r.c.reasons, r.c.control,
                 r.c.kind, r.c.expected_yield, r.c.created_at)
    if agent_pk is not None:
        top = top.where(r.c.agent_pk == agent_pk)
    if agents is not None:
        top = top.where(r.c.agent_pk.in_(select(a.c.id).where(a.c.agent_id.in_(sorted(agents)))))
    if not include_control:
        top = top.where(r.c.control == false())  # '=', not IS: an index can serve it
    ranked = (top.order_by(r.c.priority.desc(), r.c.id).offset(offset).limit(limit)
              .subquery("top"))
    return (select(c.c.call_id, a.c.agent_id, ranked.c.priority, ranked.c.reasons,
                   ranked.c.control, ranked.c.kind, ranked.c.expected_yield,
                   ranked.c.created_at)
            .select_from(ranked.join(c, c.c.id == ranked.c.call_pk)
                         .join(a, a.c.id == ranked.c.agent_pk))
            .order_by(ranked.c.priority.desc(), ranked.c.id))


def _agent_pks(session: Session, agent_ids: Iterable[str]) -> dict[str, int]:
    wanted = list(agent_ids)
    agent = table_of(Agent)
    found = pks_by_external_id(session, agent.c.id, agent.c.agent_id, wanted)
    require_all(found, wanted, "agent ids", _INGEST_FIRST)
    return found


def agent_names(session: Session, agent_ids: Collection[str] | None = None) -> dict[str, str]:
    """agent_id -> the name the calls' metadata gave (agents without one are left out), of
    every agent or of `agent_ids` only (a page of records: no scan of every agent)."""
    stmt = select(Agent.agent_id, Agent.name).where(Agent.name.is_not(None))
    if agent_ids is not None:
        if not agent_ids:
            return {}
        stmt = stmt.where(Agent.agent_id.in_(sorted(agent_ids)))
    rows = session.execute(stmt)
    return {agent_id: name for agent_id, name in rows if name is not None}
