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


def call_in_scope_keys(session: Session, scope: Scope) -> ColumnElement[bool]:
    """`call_in_scope(scope)` with the teams and agents looked up first (two small indexed
    queries), so that the condition holds their keys as values: the planner then knows how
    few calls a team leader or an agent sees, and reads them by index rather than walking
    the whole table newest first."""
    if scope.everything:
        return true()
    teams: list[int] = []
    if scope.team_ids:
        teams = list(session.scalars(select(Team.id).where(
            Team.team_id.in_(sorted(scope.team_ids)))))
    condition: ColumnElement[bool] = Agent.team_pk.in_(teams) if teams else false()
    if scope.agent_id is not None:
        condition = or_(condition, Agent.agent_id == scope.agent_id)
    agents = list(session.scalars(select(Agent.id).where(condition))) if (
        teams or scope.agent_id is not None) else []
    conditions = [c for c in (Call.team_pk.in_(teams) if teams else None,
                              Call.agent_pk.in_(agents) if agents else None) if c is not None]
    return or_(*conditions) if conditions else false()


def visible_agent_ids(session: Session, scope: Scope) -> set[str] | None:
    """The agents whose flags, queue items and suggestions `scope` may see (None: all): an
    agent user's own, and a team leader's teams' agents with every agent who took calls in
    those teams (read from `ix_calls_team_agent` alone, never by scanning the calls)."""
    if scope.everything:
        return None
    found: set[str] = set()
    if scope.agent_id is not None:
        found.add(scope.agent_id)
    if scope.team_ids:
        teams = select(Team.id).where(Team.team_id.in_(sorted(scope.team_ids)))
        took_calls = select(Call.agent_pk).where(Call.team_pk.in_(teams),
                                                 Call.agent_pk.is_not(None))
        found.update(session.scalars(select(Agent.agent_id).where(
            or_(Agent.team_pk.in_(teams), Agent.id.in_(took_calls)))))
    return found


def visible_team_ids(session: Session, scope: Scope) -> list[str]:
    """The teams `scope` may see, in order: every stored team for everything, else its own."""
    if scope.everything:
        return list(session.scalars(select(Team.team_id).order_by(Team.team_id)))
    return sorted(scope.team_ids)
