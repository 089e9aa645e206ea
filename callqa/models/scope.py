"""Scope as a query: every list, detail, audio and export of calls starts from
`visible_calls(scope)`, so a call out of scope is simply not found (404, like one that does
not exist)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from callqa.domain.queries import Scope
from callqa.models.tables import Agent, Call, Team


def visible_calls(scope: Scope) -> Select[Call]:
    """SELECT of the calls `scope` may see."""
    return select(Call).where(call_in_scope(scope))


def call_in_scope(scope: Scope) -> ColumnElement[bool]:
    """The condition on `calls` rows that `scope` may see."""
    if scope.everything:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if scope.agent_id is not None:
        conditions.append(Call.agent_pk.in_(
            select(Agent.id).where(Agent.agent_id == scope.agent_id)))
    if scope.team_ids:
        teams = select(Team.id).where(Team.team_id.in_(sorted(scope.team_ids)))
        conditions.append(Call.team_pk.in_(teams))
        conditions.append(Call.agent_pk.in_(select(Agent.id).where(Agent.team_pk.in_(teams))))
    return or_(*conditions) if conditions else false()


def visible_agent_ids(session: Session, scope: Scope) -> set[str] | None:
    """The agents whose flags, queue items and suggestions `scope` may see (None: all)."""
    if scope.everything:
        return None
    agents = select(Agent.agent_id).where(Agent.id.in_(
        select(Call.agent_pk).where(call_in_scope(scope), Call.agent_pk.is_not(None))))
    found = set(session.scalars(agents))
    if scope.agent_id is not None:
        found.add(scope.agent_id)
    if scope.team_ids:
        found.update(session.scalars(select(Agent.agent_id).join(Team, Team.id == Agent.team_pk)
                                     .where(Team.team_id.in_(sorted(scope.team_ids)))))
    return found
