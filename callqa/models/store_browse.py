"""Browsing calls in a scope: pages of calls with their people and current score, one
call's row, its recording. Every query is limited by the scope (`callqa.models.scope`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session, aliased

from callqa.domain.queries import CallQuery, Scope
from callqa.models.people import User
from callqa.models.result_tables import ScoreRow
from callqa.models.scope import call_in_scope, call_in_scope_keys, visible_calls
from callqa.models.tables import Agent, Call, Team, TranscriptRow

CALL_ROW_COLUMNS = ("pk", "call_id", "agent_id", "agent_name", "team_id", "call_type",
                    "started_at", "status", "failure_reason", "score", "for_feedback",
                    "submitted_by")


def call_rows(session: Session, scope: Scope, query: CallQuery, limit: int,
              before_pk: int | None = None) -> list[dict[str, Any]]:
    """Up to `limit` calls in scope matching `query`, newest first (by pk), from `before_pk`
    down (keyset pagination: as fast on page 1,000 as on page 1).

    The page is chosen from `calls` alone (the scope and filters as conditions on its own
    columns, served by `pk_calls`, `ix_calls_agent_id` or `ix_calls_team_agent`), and only
    its rows are joined to their people and score."""
    page = select(Call.id).where(call_in_scope_keys(session, scope))
    page = _filtered(page, query)
    if before_pk is not None:
        page = page.where(Call.id < before_pk)
    chosen = page.order_by(Call.id.desc()).limit(limit).subquery("page")
    submitter = aliased(User)
    stmt = (select(Call.id, Call.call_id, Agent.agent_id, Agent.name, Team.team_id,
                   Call.call_type, Call.started_at, Call.status, Call.failure_reason,
                   ScoreRow.score, Call.for_feedback, submitter.username)
            .select_from(chosen)
            .join(Call, Call.id == chosen.c.id)
            .outerjoin(Agent, Agent.id == Call.agent_pk)
            .outerjoin(Team, Team.id == Call.team_pk)
            .outerjoin(ScoreRow, (ScoreRow.call_pk == Call.id) & ScoreRow.is_current)
            .outerjoin(submitter, submitter.id == Call.submitted_by_pk)
            .order_by(Call.id.desc()))
    return [dict(zip(CALL_ROW_COLUMNS, row, strict=True)) for row in session.execute(stmt)]


def _filtered(stmt: Any, query: CallQuery) -> Any:
    """`query`'s filters as conditions on `calls`' own columns (an agent or a team by its
    key, looked up in a scalar subquery: an index can serve `agent_pk = ...`)."""
    if query.agent_id is not None:
        stmt = stmt.where(Call.agent_pk == select(Agent.id).where(
            Agent.agent_id == query.agent_id).scalar_subquery())
    if query.team_id is not None:
        stmt = stmt.where(Call.team_pk == select(Team.id).where(
            Team.team_id == query.team_id).scalar_subquery())
    if query.call_type is not None:
        stmt = stmt.where(Call.call_type == query.call_type)
    if query.status is not None:
        stmt = stmt.where(Call.status == query.status)
    if query.start is not None:
        stmt = stmt.where(Call.started_at >= datetime.combine(query.start, time.min, UTC))
    if query.end is not None:
        stmt = stmt.where(Call.started_at <= datetime.combine(query.end, time.max, UTC))
    if query.text:
        # Words anywhere in the stored transcript (case-insensitive). A scan: fine for a
        # team's calls; a centre-wide search wants a full-text index (PostgreSQL tsvector).
        stmt = stmt.where(Call.id.in_(select(TranscriptRow.call_pk).where(
            cast(TranscriptRow.contract, Text).ilike(f"%{_escaped(query.text)}%",
                                                     escape="\\"))))
    return stmt


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def call_in(session: Session, scope: Scope, call_id: str) -> Call | None:
    """The call, if `scope` may see it (None both when it does not exist and when it is out
    of scope: the caller cannot tell them apart)."""
    return session.scalars(visible_calls(scope).where(Call.call_id == call_id)).one_or_none()


def call_with_people(session: Session, scope: Scope, call_id: str
                     ) -> tuple[Call, dict[str, Any]] | None:
    """`call_in` and `call_people` in one query: the call in scope, and the ids and names
    behind its keys."""
    submitter = aliased(User)
    row = session.execute(
        select(Call, Agent.agent_id, Agent.name, Team.team_id, submitter.username)
        .outerjoin(Agent, Agent.id == Call.agent_pk)
        .outerjoin(Team, Team.id == Call.team_pk)
        .outerjoin(submitter, submitter.id == Call.submitted_by_pk)
        .where(call_in_scope(scope), Call.call_id == call_id)).one_or_none()
    if row is None:
        return None
    call, agent_id, agent_name, team_id, username = row
    return call, {"agent_id": agent_id, "agent_name": agent_name, "team_id": team_id,
                  "submitted_by": username}


def call_people(session: Session, call: Call) -> dict[str, Any]:
    """The ids and names behind a call's keys, and who submitted it."""
    agent = session.get(Agent, call.agent_pk) if call.agent_pk is not None else None
    team = session.get(Team, call.team_pk) if call.team_pk is not None else None
    submitter = (session.get(User, call.submitted_by_pk)
                 if call.submitted_by_pk is not None else None)
    return {"agent_id": agent.agent_id if agent else None,
            "agent_name": agent.name if agent else None,
            "team_id": team.team_id if team else None,
            "submitted_by": submitter.username if submitter else None}


def mark_submission(session: Session, call: Call, submitter: str, for_feedback: bool,
                    note: str | None) -> None:
    """Record who uploaded `call` (and whether for feedback, with their note)."""
    user = session.scalars(select(User).where(User.username == submitter)).one()
    call.submitted_by_pk, call.for_feedback, call.note = user.id, for_feedback, note


def agent_ids_with_calls(session: Session, call_ids: Sequence[str]) -> dict[str, str | None]:
    """call_id -> agent_id of these calls."""
    rows = session.execute(select(Call.call_id, Agent.agent_id)
                           .outerjoin(Agent, Agent.id == Call.agent_pk)
                           .where(Call.call_id.in_(list(call_ids))))
    return dict(rows.all())
