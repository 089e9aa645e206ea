"""Users, the teams team leaders lead, and who submitted a call for feedback.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callqa.models.base import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=400), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.String(length=200), nullable=True),
        sa.Column("team_pk", sa.Integer(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'qa', 'team_leader', 'agent')",
                           name=op.f("ck_users_role")),
        sa.CheckConstraint("role != 'agent' OR agent_id IS NOT NULL",
                           name=op.f("ck_users_agent_has_agent_id")),
        sa.ForeignKeyConstraint(["team_pk"], ["teams.id"], name=op.f("fk_users_team_pk_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "led_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_pk", sa.Integer(), nullable=False),
        sa.Column("team_pk", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_pk"], ["teams.id"], ondelete="CASCADE",
                                name=op.f("fk_led_teams_team_pk_teams")),
        sa.ForeignKeyConstraint(["user_pk"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_led_teams_user_pk_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_led_teams")),
        sa.UniqueConstraint("user_pk", "team_pk", name=op.f("uq_led_teams_user_pk_team_pk")),
    )
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("submitted_by_pk", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("for_feedback", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch.create_foreign_key(op.f("fk_calls_submitted_by_pk_users"), "users",
                                 ["submitted_by_pk"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_constraint(op.f("fk_calls_submitted_by_pk_users"), type_="foreignkey")
        batch.drop_column("note")
        batch.drop_column("for_feedback")
        batch.drop_column("submitted_by_pk")
    op.drop_table("led_teams")
    op.drop_table("users")
