"""The human review loop: reviews and their criteria (and the per-day agreement counts the
trust report reads), the append-only audit trail,
acknowledgements, disputes, calibration sessions and the exemplary-call library.

`audit_events` refuses UPDATE and DELETE by triggers (SQLite: RAISE(ABORT); PostgreSQL: a
trigger function that raises), so no code path, and no one at the SQL prompt without
dropping the trigger, can rewrite the trail.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from callqa.models.base import UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOME_CHECK = "outcome IN ('pass', 'fail', 'na')"


def _json() -> sa.JSON:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "audit_events",
        _id(),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=True),
        sa.Column("before", _json(), nullable=True),
        sa.Column("after", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_call", "audit_events", ["call_id", "id"])
    op.create_index("ix_audit_events_entity", "audit_events", ["entity", "entity_id", "id"])
    _append_only("audit_events")

    op.create_table(
        "calibrations",
        _id(),
        sa.Column("lead_pk", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_calibrations_status")),
        sa.ForeignKeyConstraint(["lead_pk"], ["users.id"],
                                name=op.f("fk_calibrations_lead_pk_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibrations")),
    )
    op.create_table(
        "calibration_calls",
        _id(),
        sa.Column("calibration_pk", sa.Integer(), nullable=False),
        sa.Column("call_pk", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["calibration_pk"], ["calibrations.id"], ondelete="CASCADE",
                                name=op.f("fk_calibration_calls_calibration_pk_calibrations")),
        sa.ForeignKeyConstraint(["call_pk"], ["calls.id"], ondelete="CASCADE",
                                name=op.f("fk_calibration_calls_call_pk_calls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_calls")),
        sa.UniqueConstraint("calibration_pk", "call_pk",
                            name=op.f("uq_calibration_calls_calibration_pk_call_pk")),
    )
    op.create_index(op.f("ix_calibration_calls_call_pk"), "calibration_calls", ["call_pk"])
    op.create_table(
        "calibration_reviewers",
        _id(),
        sa.Column("calibration_pk", sa.Integer(), nullable=False),
        sa.Column("user_pk", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calibration_pk"], ["calibrations.id"], ondelete="CASCADE",
            name=op.f("fk_calibration_reviewers_calibration_pk_calibrations")),
        sa.ForeignKeyConstraint(["user_pk"], ["users.id"],
                                name=op.f("fk_calibration_reviewers_user_pk_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_reviewers")),
        sa.UniqueConstraint("calibration_pk", "user_pk",
                            name=op.f("uq_calibration_reviewers_calibration_pk_user_pk")),
    )
    op.create_index(op.f("ix_calibration_reviewers_user_pk"), "calibration_reviewers",
                    ["user_pk"])

    op.create_table(
        "reviews",
        _id(),
        sa.Column("call_pk", sa.Integer(), nullable=False),
        sa.Column("reviewer_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("calibration_pk", sa.Integer(), nullable=True),
        sa.Column("scorecard_id", sa.String(length=100), nullable=False),
        sa.Column("scorecard_version", sa.String(length=50), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("time_spent_seconds", sa.Float(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("(kind = 'calibration') = (calibration_pk IS NOT NULL)",
                           name=op.f("ck_reviews_calibration_kind")),
        sa.CheckConstraint("kind IN ('review', 'self', 'calibration')",
                           name=op.f("ck_reviews_kind")),
        sa.ForeignKeyConstraint(["calibration_pk"], ["calibrations.id"], ondelete="CASCADE",
                                name=op.f("fk_reviews_calibration_pk_calibrations")),
        sa.ForeignKeyConstraint(["call_pk"], ["calls.id"], ondelete="CASCADE",
                                name=op.f("fk_reviews_call_pk_calls")),
        sa.ForeignKeyConstraint(["reviewer_pk"], ["users.id"],
                                name=op.f("fk_reviews_reviewer_pk_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_index("ix_reviews_call_kind", "reviews", ["call_pk", "kind"])
    op.create_index("ix_reviews_kind_updated", "reviews", ["kind", "updated_at"])
    op.create_index("ix_reviews_calibration", "reviews", ["calibration_pk"])
    op.create_table(
        "review_criteria",
        _id(),
        sa.Column("review_pk", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("automatic_outcome", sa.String(length=8), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(OUTCOME_CHECK, name=op.f("ck_review_criteria_outcome")),
        sa.ForeignKeyConstraint(["review_pk"], ["reviews.id"], ondelete="CASCADE",
                                name=op.f("fk_review_criteria_review_pk_reviews")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_criteria")),
        sa.UniqueConstraint("review_pk", "criterion_id",
                            name=op.f("uq_review_criteria_review_pk_criterion_id")),
    )
    op.create_table(
        "agreement_counts",
        _id(),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scorecard_id", sa.String(length=100), nullable=False),
        sa.Column("scorecard_version", sa.String(length=50), nullable=False),
        sa.Column("criterion_id", sa.String(length=100), nullable=False),
        sa.Column("reviewed", sa.Integer(), nullable=False),
        sa.Column("agreed", sa.Integer(), nullable=False),
        sa.Column("last_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_counts")),
        sa.UniqueConstraint("day", "scorecard_id", "scorecard_version", "criterion_id",
                            name=op.f("uq_agreement_counts_key")),
    )

    op.create_table(
        "acknowledgements",
        _id(),
        sa.Column("call_pk", sa.Integer(), nullable=False),
        sa.Column("user_pk", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["call_pk"], ["calls.id"], ondelete="CASCADE",
                                name=op.f("fk_acknowledgements_call_pk_calls")),
        sa.ForeignKeyConstraint(["user_pk"], ["users.id"],
                                name=op.f("fk_acknowledgements_user_pk_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acknowledgements")),
        sa.UniqueConstraint("call_pk", "user_pk",
                            name=op.f("uq_acknowledgements_call_pk_user_pk")),
    )
    op.create_table(
        "disputes",
        _id(),
        sa.Column("call_pk", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.String(length=100), nullable=False),
        sa.Column("agent_pk", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("disputed_outcome", sa.String(length=8), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column("resolution_comment", sa.Text(), nullable=True),
        sa.Column("resolved_by_pk", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'accepted', 'partial', 'rejected')",
                           name=op.f("ck_disputes_status")),
        sa.ForeignKeyConstraint(["agent_pk"], ["users.id"],
                                name=op.f("fk_disputes_agent_pk_users")),
        sa.ForeignKeyConstraint(["call_pk"], ["calls.id"], ondelete="CASCADE",
                                name=op.f("fk_disputes_call_pk_calls")),
        sa.ForeignKeyConstraint(["resolved_by_pk"], ["users.id"],
                                name=op.f("fk_disputes_resolved_by_pk_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index("ix_disputes_call", "disputes", ["call_pk", "criterion_id"])
    op.create_index("ix_disputes_agent_created", "disputes", ["agent_pk", "created_at"])
    op.create_index("ix_disputes_status", "disputes", ["status"])
    op.create_table(
        "library_entries",
        _id(),
        sa.Column("call_pk", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.String(length=100), nullable=True),
        sa.Column("call_type", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("marked_by_pk", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("criterion_id IS NOT NULL OR call_type IS NOT NULL",
                           name=op.f("ck_library_entries_says_what_for")),
        sa.ForeignKeyConstraint(["call_pk"], ["calls.id"], ondelete="CASCADE",
                                name=op.f("fk_library_entries_call_pk_calls")),
        sa.ForeignKeyConstraint(["marked_by_pk"], ["users.id"],
                                name=op.f("fk_library_entries_marked_by_pk_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_entries")),
    )
    op.create_index("ix_library_entries_criterion", "library_entries", ["criterion_id"])
    op.create_index("ix_library_entries_call_type", "library_entries", ["call_type"])


def _append_only(table: str) -> None:
    """Triggers that refuse UPDATE and DELETE on `table`."""
    message = f"{table} is append-only: events are never changed or deleted"
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION {table}_append_only() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{message}'; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()")
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def downgrade() -> None:
    op.drop_table("library_entries")
    op.drop_table("disputes")
    op.drop_table("acknowledgements")
    op.drop_table("agreement_counts")
    op.drop_table("review_criteria")
    op.drop_table("reviews")
    op.drop_table("calibration_reviewers")
    op.drop_table("calibration_calls")
    op.drop_table("calibrations")
    op.drop_table("audit_events")  # its triggers go with it
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
