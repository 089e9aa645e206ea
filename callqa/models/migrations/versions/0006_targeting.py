"""Graded targeting (issue 11): each flag's estimate against peers with its interval, the
probability that the agent is worse and the calls that would settle it; the statuses
`watch` and `normal`; each review item's expected yield (the chance that the call's repeat
was caused by the agent's handling); the review plan of each analysis (the budget and what
the selection is expected to find against random monitoring).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callqa.models.base import JsonDocument, UtcDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('flagged', 'insufficient_evidence', 'not_flagged', 'process_issue')"
NEW_STATUSES = ("status IN ('flagged', 'watch', 'insufficient_evidence', 'normal', "
                "'process_issue', 'not_flagged')")


def upgrade() -> None:
    with op.batch_alter_table("flags") as batch:
        batch.add_column(sa.Column("estimate", sa.Float(), nullable=True))
        batch.add_column(sa.Column("interval_low", sa.Float(), nullable=True))
        batch.add_column(sa.Column("interval_high", sa.Float(), nullable=True))
        batch.add_column(sa.Column("prob_worse", sa.Float(), nullable=True))
        batch.add_column(sa.Column("calls_to_settle", sa.Integer(), nullable=True))
        batch.drop_constraint(op.f("ck_flags_status"), type_="check")
        batch.create_check_constraint(op.f("ck_flags_status"), NEW_STATUSES)
    with op.batch_alter_table("review_items") as batch:
        batch.add_column(sa.Column("expected_yield", sa.Float(), nullable=True))
    op.create_table(
        "review_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("budget", sa.Integer(), nullable=False),
        sa.Column("targeted", sa.Integer(), nullable=False),
        sa.Column("controls", sa.Integer(), nullable=False),
        sa.Column("unused", sa.Integer(), nullable=False),
        sa.Column("expected_found", sa.Float(), nullable=False),
        sa.Column("expected_random", sa.Float(), nullable=False),
        sa.Column("expected_per_agent", sa.Float(), nullable=False),
        sa.Column("targeted_share", sa.Float(), nullable=True),
        sa.Column("random_share", sa.Float(), nullable=True),
        sa.Column("reasons", JsonDocument, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_plans")),
    )


def downgrade() -> None:
    op.drop_table("review_plans")
    with op.batch_alter_table("review_items") as batch:
        batch.drop_column("expected_yield")
    op.execute("DELETE FROM flags WHERE status IN ('watch', 'normal')")
    with op.batch_alter_table("flags") as batch:
        batch.drop_constraint(op.f("ck_flags_status"), type_="check")
        batch.create_check_constraint(op.f("ck_flags_status"), OLD_STATUSES)
        for column in ("calls_to_settle", "prob_worse", "interval_high", "interval_low",
                       "estimate"):
            batch.drop_column(column)
