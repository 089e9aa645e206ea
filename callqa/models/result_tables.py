"""Tables of judgements: scores and their criteria, first-contact resolution, agent flags and
the review queue. Each has the unique key that makes a re-run replace, never duplicate."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callqa.models.base import ID_LENGTH, Base, JsonDocument, UtcDateTime, one_of, utc_now

OUTCOMES = ("pass", "fail", "na")
FCR_STATUSES = ("resolved", "repeat", "continuation", "pending", "unknown")
FLAG_KINDS = ("fcr", "criterion")
FLAG_STATUSES = ("flagged", "watch", "insufficient_evidence", "normal", "process_issue",
                 "not_flagged")
"""`not_flagged` is only found on flags stored before graded targeting (migration 0006)."""
REVIEW_KINDS = ("fcr_repeat", "criterion", "control")
NO_CRITERION = ""
"""`flags.criterion_id` of an FCR flag. Not NULL: SQL unique keys treat NULLs as distinct,
so a NULL would let a re-run add a second FCR flag instead of replacing the first."""


class ScoreRow(Base):
    """One call judged against one scorecard (`callqa.score/1` without its criteria)."""

    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    scorecard_id: Mapped[str] = mapped_column(String(100))
    scorecard_version: Mapped[str] = mapped_column(String(50))
    scorecard_digest: Mapped[str] = mapped_column(String(32))
    call_type: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    compliance_score: Mapped[float | None] = mapped_column(Float)
    critical_failed: Mapped[bool] = mapped_column(Boolean)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    """The call's score for reports and analytics: the one saved last. Older rows of other
    scorecards stay for comparison."""
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)
    summary: Mapped[str] = mapped_column(Text)
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (UniqueConstraint("call_pk", "scorecard_id"),)


class CriterionRow(Base):
    """One criterion's verdict on one call, with its evidence."""

    __tablename__ = "criterion_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    score_pk: Mapped[int] = mapped_column(ForeignKey("scores.id", ondelete="CASCADE"))
    call_pk: Mapped[int] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), index=True
    )
    scorecard_id: Mapped[str] = mapped_column(String(100))
    scorecard_version: Mapped[str] = mapped_column(String(50))
    criterion_id: Mapped[str] = mapped_column(String(100))
    section: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(8))
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    critical: Mapped[bool] = mapped_column(Boolean)
    compliance: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)
    value: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint("score_pk", "criterion_id"),
        CheckConstraint(one_of("outcome", OUTCOMES), name="outcome"),
    )


class FcrRow(Base):
    """First-contact resolution of one call (recomputed as new calls arrive)."""

    __tablename__ = "fcr_status"

    call_pk: Mapped[int] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16))
    callback_call_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    """The outside id of the next contact, as users see it (no join needed to show it)."""
    hours_to_callback: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint(one_of("status", FCR_STATUSES), name="status"),
        Index("ix_fcr_status_status", "status"),
    )


class FlagRow(Base):
    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_pk: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    criterion_id: Mapped[str] = mapped_column(String(100), default=NO_CRITERION)
    status: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    calls: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    ratio: Mapped[float | None] = mapped_column(Float)
    p_value: Mapped[float | None] = mapped_column(Float)
    q_value: Mapped[float | None] = mapped_column(Float)
    estimate: Mapped[float | None] = mapped_column(Float)
    interval_low: Mapped[float | None] = mapped_column(Float)
    interval_high: Mapped[float | None] = mapped_column(Float)
    prob_worse: Mapped[float | None] = mapped_column(Float)
    calls_to_settle: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[list[str]] = mapped_column(JsonDocument)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (
        UniqueConstraint("agent_pk", "kind", "criterion_id", "period_start", "period_end"),
        CheckConstraint(one_of("kind", FLAG_KINDS), name="kind"),
        CheckConstraint(one_of("status", FLAG_STATUSES), name="status"),
        Index("ix_flags_period", "period_start", "period_end"),
    )


class ReviewItemRow(Base):
    """A call in the QA review queue, with why it is there."""

    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    agent_pk: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    priority: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JsonDocument)
    control: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(16))
    expected_yield: Mapped[float | None] = mapped_column(Float)
    """The chance that the call's repeat was caused by the agent's handling."""
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    """The queue's period; NULL for a queue saved without one."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (
        UniqueConstraint("call_pk", "kind"),
        CheckConstraint(one_of("kind", REVIEW_KINDS), name="kind"),
        # The queue is read highest priority first; a B-tree index is walked backwards for
        # ORDER BY priority DESC (both SQLite and PostgreSQL), so ascending indexes serve it
        # and keep Alembic's index comparison free of sort-order noise.
        Index("ix_review_items_priority", "priority"),
        Index("ix_review_items_control_priority", "control", "priority"),
        Index("ix_review_items_agent_priority", "agent_pk", "priority"),
        Index("ix_review_items_period", "period_start", "period_end"),
    )


class ReviewPlanRow(Base):
    """How the last analyses spent the review budget, and what the selection is expected to
    find against random monitoring (`domain.review.ReviewPlan` without its items)."""

    __tablename__ = "review_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    budget: Mapped[int] = mapped_column(Integer)
    targeted: Mapped[int] = mapped_column(Integer)
    controls: Mapped[int] = mapped_column(Integer)
    unused: Mapped[int] = mapped_column(Integer)
    expected_found: Mapped[float] = mapped_column(Float)
    expected_random: Mapped[float] = mapped_column(Float)
    expected_per_agent: Mapped[float] = mapped_column(Float)
    targeted_share: Mapped[float | None] = mapped_column(Float)
    random_share: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
