"""Set-level reads for analytics (FCR, flags, review, reports) as pandas DataFrames.

One SELECT each, fetched as plain tuples from the driver a chunk at a time and turned into
typed columns: no ORM object per row. Agents, teams and customers are read as their keys and
named from one small lookup each (joining them in SQL for every call costs more than the
rest of the query together), so a million calls take seconds and well under a gigabyte.
Rows come in call order (`calls.id`) so that seeded sampling downstream is reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Select, Table, and_, select
from sqlalchemy.orm import Session

from callqa.models._sql import fetch_columns, lookup
from callqa.models.base import table_of
from callqa.models.result_tables import CriterionRow, FcrRow, ScoreRow
from callqa.models.tables import Agent, Call, Customer, MetricsRow, Team
from callqa.support.gc_pause import gc_paused

CALLS_COLUMNS = ("call_id", "agent_id", "team_id", "customer_id", "call_type", "started_at",
                 "status", "handle_time", "score", "compliance_score", "critical_failed",
                 "passed", "outside_cause")
CRITERION_COLUMNS = ("call_id", "agent_id", "team_id", "call_type", "criterion_id", "outcome")
FCR_COLUMNS = ("call_id", "fcr_status", "callback_call_id", "hours_to_callback")


def calls_frame(session: Session, start: datetime | None = None,
                end: datetime | None = None) -> pd.DataFrame:
    """One row per call started in [start, end) (all calls when both are None; a call
    without a start time only then): its people, type, status, handle time and current
    score, and the outside cause it names. Strings are pandas `str` (missing: NaN);
    `started_at` datetime64 UTC; scores and handle time float (NaN: none); `critical_failed`
    and `passed` nullable booleans."""
    with gc_paused():
        return _calls_frame(session, calls_select(start, end))


def _calls_frame(session: Session, stmt: Select[Any]) -> pd.DataFrame:
    (call_id, agent, team, customer, call_type, started, status, handle, score, compliance,
     critical, passed, cause) = fetch_columns(session, stmt, len(CALLS_COLUMNS))
    return pd.DataFrame({
        "call_id": _strings(call_id),
        "agent_id": _named(session, Agent, "agent_id", agent),
        "team_id": _named(session, Team, "team_id", team),
        "customer_id": _named(session, Customer, "customer_id", customer),
        "call_type": _strings(call_type, shared=True),
        "started_at": _utc_times(started),
        "status": _strings(status, shared=True),
        "handle_time": _floats(handle),
        "score": _floats(score),
        "compliance_score": _floats(compliance),
        "critical_failed": _booleans(critical),
        "passed": _booleans(passed),
        "outside_cause": _strings(cause, shared=True),
    }, columns=list(CALLS_COLUMNS))


def calls_select(start: datetime | None = None, end: datetime | None = None) -> Select[Any]:
    """The SELECT behind `calls_frame` (people as keys; benchmarks time its raw fetch)."""
    c, m, s = table_of(Call), table_of(MetricsRow), table_of(ScoreRow)
    stmt = (
        select(c.c.call_id, c.c.agent_pk, c.c.team_pk, c.c.customer_pk, c.c.call_type,
               c.c.started_at, c.c.status, m.c.handle_time, s.c.score, s.c.compliance_score,
               s.c.critical_failed, s.c.passed, c.c.outside_cause)
        .select_from(
            c.outerjoin(m, m.c.call_pk == c.c.id)
            .outerjoin(s, and_(s.c.call_pk == c.c.id, s.c.is_current)))
        .order_by(c.c.id)
    )
    return _in_period(stmt, start, end)


def criterion_frame(session: Session, start: datetime | None = None,
                    end: datetime | None = None) -> pd.DataFrame:
    """One row per criterion verdict of each call's current score, calls as in
    `calls_frame`; `outcome` is pass, fail or na."""
    c, cr, s = table_of(Call), table_of(CriterionRow), table_of(ScoreRow)
    stmt = (
        select(c.c.call_id, c.c.agent_pk, c.c.team_pk, c.c.call_type, cr.c.criterion_id,
               cr.c.outcome)
        .select_from(
            cr.join(s, and_(s.c.id == cr.c.score_pk, s.c.is_current))
            .join(c, c.c.id == cr.c.call_pk))
        .order_by(c.c.id, cr.c.id)
    )
    with gc_paused():
        call_id, agent, team, call_type, criterion_id, outcome = fetch_columns(
            session, _in_period(stmt, start, end), 6)
        return pd.DataFrame({
            "call_id": _strings(call_id, shared=True),
            "agent_id": _named(session, Agent, "agent_id", agent),
            "team_id": _named(session, Team, "team_id", team),
            "call_type": _strings(call_type, shared=True),
            "criterion_id": _strings(criterion_id, shared=True),
            "outcome": _strings(outcome, shared=True),
        }, columns=list(CRITERION_COLUMNS))


def fcr_frame(session: Session, start: datetime | None = None,
              end: datetime | None = None) -> pd.DataFrame:
    """The stored FCR outcome of each call (the columns `compute_fcr` returns)."""
    c, f = table_of(Call), table_of(FcrRow)
    stmt = (select(c.c.call_id, f.c.status, f.c.callback_call_id, f.c.hours_to_callback)
            .select_from(f.join(c, c.c.id == f.c.call_pk)).order_by(c.c.id))
    with gc_paused():
        call_id, status, callback, hours = fetch_columns(
            session, _in_period(stmt, start, end), 4)
        return pd.DataFrame({
            "call_id": _strings(call_id),
            "fcr_status": _strings(status, shared=True),
            "callback_call_id": _strings(callback),
            "hours_to_callback": _floats(hours),
        }, columns=list(FCR_COLUMNS))


def _in_period(stmt: Select[Any], start: datetime | None, end: datetime | None) -> Select[Any]:
    started = table_of(Call).c.started_at
    conditions: list[ColumnElement[bool]] = []
    if start is not None:
        conditions.append(started >= start)
    if end is not None:
        conditions.append(started < end)
    return stmt.where(*conditions) if conditions else stmt


def _strings(values: Sequence[Any], shared: bool = False) -> Any:
    """A pandas `str` array. `shared`: one string object per distinct value (the driver makes
    a new one per row, which for a few call types over a million rows is ~60 MB wasted)."""
    if shared:
        distinct: dict[Any, Any] = {}
        values = [distinct.setdefault(v, v) for v in values]
    return pd.array(values, dtype="str")


def _named(session: Session, model: type[Agent] | type[Team] | type[Customer], key: str,
           pks: Sequence[int | None]) -> Any:
    """The outside ids of `pks` as a `str` array, through one lookup and a numpy take (ids
    start at 1 in both databases, so slot 0 stands for a missing key)."""
    table: Table = table_of(model)
    names = lookup(session, table.c.id, table.c[key], pks)
    by_pk = np.full(max(names, default=0) + 1, None, dtype=object)
    if names:
        by_pk[np.fromiter(names.keys(), dtype=np.int64, count=len(names))] = list(names.values())
    codes = np.fromiter((0 if pk is None else pk for pk in pks), dtype=np.int64, count=len(pks))
    return pd.array(by_pk[codes], dtype="str")


def _floats(values: Sequence[Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.array(values, dtype=np.float64)  # None -> NaN


def _booleans(values: Sequence[Any]) -> Any:
    # The driver's booleans: bool on PostgreSQL, 0/1 on SQLite; None is missing.
    return pd.array([None if v is None else bool(v) for v in values], dtype="boolean")


def _utc_times(values: Sequence[Any]) -> Any:
    """SQLite hands back UTC text ('2026-11-02 09:15:00.000000'), PostgreSQL aware datetimes;
    both become datetime64[us, UTC] (missing: NaT)."""
    series = pd.Series(values, dtype="object")
    sample = next((v for v in values if v is not None), None)
    parsed = (pd.to_datetime(series, format="ISO8601", utc=True) if isinstance(sample, str)
              else pd.to_datetime(series, utc=True))
    return parsed.astype("datetime64[us, UTC]").array
