"""What the web pages show beside a list the services already give: the facts of a handful
of calls (type, start, status, reviewed or not) for a page of the review queue or of
suggestions. Limited by the scope, like every call query."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from callqa.domain.queries import Scope
from callqa.models.result_tables import ScoreRow
from callqa.models.reviews import ReviewRow
from callqa.models.scope import call_in_scope
from callqa.models.tables import Agent, Call

CALL_FACT_COLUMNS = ("call_id", "agent_name", "call_type", "started_at", "status", "score",
                     "reviewed")


def call_facts(session: Session, scope: Scope, call_ids: Collection[str]
               ) -> dict[str, dict[str, Any]]:
    """call_id -> its facts, for the calls of `call_ids` in scope (a page's worth)."""
    if not call_ids:
        return {}
    reviewed = exists().where(ReviewRow.call_pk == Call.id, ReviewRow.kind == "review")
    stmt = (select(Call.call_id, Agent.name, Call.call_type, Call.started_at, Call.status,
                   ScoreRow.score, reviewed)
            .outerjoin(Agent, Agent.id == Call.agent_pk)
            .outerjoin(ScoreRow, (ScoreRow.call_pk == Call.id) & ScoreRow.is_current)
            .where(call_in_scope(scope), Call.call_id.in_(sorted(call_ids))))
    return {row[0]: dict(zip(CALL_FACT_COLUMNS, row, strict=True))
            for row in session.execute(stmt)}
