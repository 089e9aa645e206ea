"""Users and the teams they lead: the SQL behind `callqa users` and sign-in."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.domain.errors import StoreError
from callqa.models.base import table_of
from callqa.models.people import LedTeam, User
from callqa.models.store_calls import ensure_team
from callqa.models.tables import Team


def add_user(session: Session, username: str, password_hash: str, role: str,
             agent_id: str | None, teams: Sequence[str]) -> User:
    """A new user; an agent's first team is their team, a team leader leads every team
    given (teams are created when new)."""
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise StoreError(f"user {username!r} already exists",
                         "choose another username, or disable the old user first")
    team_pks = [ensure_team(session, team) for team in teams]
    user = User(username=username, password_hash=password_hash, role=role,
                agent_id=agent_id, team_pk=team_pks[0] if role == "agent" and team_pks
                else None, disabled=False)
    session.add(user)
    session.flush()
    if role == "team_leader":
        session.add_all(LedTeam(user_pk=user.id, team_pk=pk) for pk in team_pks)
    return user


def get_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def set_password_hash(session: Session, user: User, password_hash: str) -> None:
    user.password_hash = password_hash


def user_teams(session: Session, user: User) -> list[str]:
    """The team ids a team leader leads, or an agent user's team."""
    team = table_of(Team)
    if user.role == "team_leader":
        led = table_of(LedTeam)
        return list(session.scalars(
            select(team.c.team_id).join(led, led.c.team_pk == team.c.id)
            .where(led.c.user_pk == user.id).order_by(team.c.team_id)))
    if user.team_pk is not None:
        return list(session.scalars(select(team.c.team_id).where(team.c.id == user.team_pk)))
    return []
