"""Who uses callqa: users with a role, the teams a team leader leads, and the agent an agent
user is. Scope (who may see which calls) is built from these rows in
`callqa.models.scope`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callqa.models.base import ID_LENGTH, Base, UtcDateTime, one_of, utc_now

ROLES = ("admin", "qa", "team_leader", "agent")


class User(Base):
    """A person who signs in. `agent_id` links an agent user to the calls whose metadata
    names them; `team_pk` is an agent user's team."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(400))
    role: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    team_pk: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint("role != 'agent' OR agent_id IS NOT NULL", name="agent_has_agent_id"),
    )


class LedTeam(Base):
    """A team a team leader leads (a leader may lead several)."""

    __tablename__ = "led_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    team_pk: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("user_pk", "team_pk"),)
