"""Bulk-load calls that were scored elsewhere (a QA history export, or a synthetic archive
from `callqa.scoring.simulate`) straight into the store: SQLAlchemy Core executemany in chunks, one
transaction, no ORM object per row. Used by the demo's history and the review benchmark."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select

from callqa.models.base import table_of
from callqa.models.result_tables import CriterionRow, ScoreRow
from callqa.models.tables import Agent, Call, Customer, Team
from callqa.support.batching import chunks

CHUNK = 20_000


def load_scored_calls(
    engine: Engine, calls: pd.DataFrame, criteria: pd.DataFrame | None = None,
    scorecard_id: str = "imported", scorecard_version: str = "1", source_uri: str = "import:",
) -> int:
    """Insert `calls` (call_id, agent_id, team_id, customer_id, call_type, started_at,
    score, compliance_score, critical_failed, outside_cause) as processed calls with their
    scores, and `criteria` (call_id, criterion_id, outcome) as criterion results.
    Calls already stored (same call_id) are skipped. Returns the number of calls added."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        known = set(connection.scalars(select(Call.call_id)).all())
        new = calls[~calls["call_id"].isin(known)]
        if new.empty:
            return 0
        team_pk = _ensure(connection, Team, "team_id", new["team_id"], now)
        team_of = new.drop_duplicates("agent_id").set_index("agent_id")["team_id"].to_dict()
        agent_pk = _ensure(connection, Agent, "agent_id", new["agent_id"], now,
                           extra=lambda a: {"team_pk": team_pk.get(team_of.get(a))})
        customer_pk = _ensure(connection, Customer, "customer_id", new["customer_id"], now)
        # Whole microseconds: Python datetimes hold no nanoseconds (pandas warns otherwise).
        started = pd.to_datetime(new["started_at"], utc=True).dt.floor("us")
        call_rows = [
            {"call_id": r.call_id, "content_sha256": hashlib.sha256(
                f"{source_uri}{r.call_id}".encode()).hexdigest(),
             "source": "transcript", "recording_uri": f"{source_uri}{r.call_id}",
             "agent_pk": agent_pk.get(r.agent_id), "team_pk": team_pk.get(r.team_id),
             "customer_pk": customer_pk.get(r.customer_id), "call_type": r.call_type,
             "started_at": when.to_pydatetime(), "metadata": {"call_id": r.call_id},
             "status": "processed", "attempts": 1,
             # pandas holds a missing cause as NaN, which PostgreSQL would keep as 'NaN'.
             "outside_cause": r.outside_cause if isinstance(r.outside_cause, str) else None,
             "created_at": now, "updated_at": now}
            for r, when in zip(new.itertuples(index=False), started, strict=True)
        ]
        for chunk in chunks(call_rows, CHUNK):
            connection.execute(insert(table_of(Call)), chunk)
        call_pk = dict(connection.execute(
            select(Call.call_id, Call.id).where(Call.source == "transcript")).all())
        score_rows = [
            {"call_pk": call_pk[r.call_id], "scorecard_id": scorecard_id,
             "scorecard_version": scorecard_version, "scorecard_digest": "0" * 16,
             "call_type": r.call_type, "language": "en", "score": _number(r.score),
             "compliance_score": _number(r.compliance_score),
             "critical_failed": bool(r.critical_failed), "passed": None, "is_current": True,
             "sections": [], "summary": "imported", "scored_at": now}
            for r in new.itertuples(index=False)
        ]
        for chunk in chunks(score_rows, CHUNK):
            connection.execute(insert(table_of(ScoreRow)), chunk)
        if criteria is not None and not criteria.empty:
            score_pk = dict(connection.execute(
                select(ScoreRow.call_pk, ScoreRow.id).where(
                    ScoreRow.scorecard_id == scorecard_id)).all())
            rows = criteria[criteria["call_id"].isin(new["call_id"])]
            criterion_rows = [
                {"score_pk": score_pk[call_pk[r.call_id]], "call_pk": call_pk[r.call_id],
                 "scorecard_id": scorecard_id, "scorecard_version": scorecard_version,
                 "criterion_id": r.criterion_id, "section": r.criterion_id, "kind": "imported",
                 "outcome": r.outcome, "points": 1.0 if r.outcome == "pass" else 0.0,
                 "max_points": 1.0, "critical": False, "compliance": False,
                 "reason": "imported", "evidence": [], "value": None}
                for r in rows.itertuples(index=False)
            ]
            for chunk in chunks(criterion_rows, CHUNK):
                connection.execute(insert(table_of(CriterionRow)), chunk)
    return len(new)


def _number(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def _ensure(connection: Any, table: Any, key: str, values: pd.Series, now: datetime,
            extra: Any = None) -> dict[str, int]:
    wanted = sorted({str(v) for v in values.dropna().unique()})
    column = getattr(table, key)
    existing = dict(connection.execute(select(column, table.id)).all())
    missing = [v for v in wanted if v not in existing]
    rows = [{key: v, "created_at": now, **(extra(v) if extra else {})} for v in missing]
    for chunk in chunks(rows, CHUNK):
        connection.execute(insert(table_of(table)), chunk)
    return dict(connection.execute(select(column, table.id)).all())
