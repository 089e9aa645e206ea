"""Indexes for the web service at a million calls: one agent's calls newest first, and a
team's calls with the agents who took them (which replaces the index on `team_pk` alone).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_calls_agent_newest", "calls", ["agent_pk", "id"])
    op.create_index("ix_calls_team_agent", "calls", ["team_pk", "agent_pk"])
    op.drop_index("ix_calls_team_pk", table_name="calls")


def downgrade() -> None:
    op.create_index("ix_calls_team_pk", "calls", ["team_pk"])
    op.drop_index("ix_calls_team_agent", table_name="calls")
    op.drop_index("ix_calls_agent_newest", table_name="calls")
