"""Tables of the human review loop: reviews and their criteria, the append-only audit trail,
acknowledgements, disputes, calibration sessions and the exemplary-call library.

Automatic verdicts stay in `criterion_results`, untouched; a review keeps the automatic
outcome it saw beside its own. `audit_events` is append-only: the migration adds triggers
that refuse UPDATE and DELETE on both SQLite and PostgreSQL, and it has no foreign keys, so
that nothing deleted elsewhere can take an event with it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
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
from callqa.models.result_tables import OUTCOMES

REVIEW_KINDS = ("review", "self", "calibration")
DISPUTE_STATUSES = ("open", "accepted", "partial", "rejected")
CALIBRATION_STATUSES = ("open", "closed")


class CalibrationRow(Base):
    __tablename__ = "calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_pk: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (CheckConstraint(one_of("status", CALIBRATION_STATUSES), name="status"),)


class CalibrationCall(Base):
    __tablename__ = "calibration_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    calibration_pk: Mapped[int] = mapped_column(
        ForeignKey("calibrations.id", ondelete="CASCADE"))
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         index=True)

    __table_args__ = (UniqueConstraint("calibration_pk", "call_pk"),)


class CalibrationReviewer(Base):
    __tablename__ = "calibration_reviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    calibration_pk: Mapped[int] = mapped_column(
        ForeignKey("calibrations.id", ondelete="CASCADE"))
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    __table_args__ = (UniqueConstraint("calibration_pk", "user_pk"),)


class ReviewRow(Base):
    """A person's verdicts on one call: a review, a self-assessment or calibration verdicts.
    A reviewer has one of each kind per call (per session for calibration); giving it again
    changes it, and the change is an audit event."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    reviewer_pk: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    calibration_pk: Mapped[int | None] = mapped_column(
        ForeignKey("calibrations.id", ondelete="CASCADE"))
    scorecard_id: Mapped[str] = mapped_column(String(100))
    scorecard_version: Mapped[str] = mapped_column(String(50))
    """The scorecard of the automatic verdicts the reviewer saw (its current score then)."""
    comment: Mapped[str | None] = mapped_column(Text)
    time_spent_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint(one_of("kind", REVIEW_KINDS), name="kind"),
        CheckConstraint("(kind = 'calibration') = (calibration_pk IS NOT NULL)",
                        name="calibration_kind"),
        Index("ix_reviews_call_kind", "call_pk", "kind"),
        # The agreement report: reviews of a kind changed in a period.
        Index("ix_reviews_kind_updated", "kind", "updated_at"),
        Index("ix_reviews_calibration", "calibration_pk"),
    )


class AgreementCountRow(Base):
    """Per day (of the review's last change), scorecard version and criterion: reviewed
    verdicts of kind `review` and how many equal the automatic verdict the reviewer saw.
    Kept in the same transaction as each review change (`store_reviews.save_review`), so
    the trust report reads days x criteria rows, not every verdict; `rebuild_agreement_counts`
    recomputes it from the reviews."""

    __tablename__ = "agreement_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    scorecard_id: Mapped[str] = mapped_column(String(100))
    scorecard_version: Mapped[str] = mapped_column(String(50))
    criterion_id: Mapped[str] = mapped_column(String(100))
    reviewed: Mapped[int] = mapped_column(Integer, default=0)
    agreed: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """The latest review counted here: which scorecard version was reviewed last."""

    __table_args__ = (
        UniqueConstraint("day", "scorecard_id", "scorecard_version", "criterion_id",
                         name="uq_agreement_counts_key"),  # the default name is too long
    )


class ReviewCriterionRow(Base):
    __tablename__ = "review_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_pk: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    criterion_id: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(8))
    automatic_outcome: Mapped[str | None] = mapped_column(String(8))
    """The automatic verdict when the review was given (None: the criterion was not scored)."""
    comment: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("review_pk", "criterion_id"),
        CheckConstraint(one_of("outcome", OUTCOMES), name="outcome"),
    )


class AuditEventRow(Base):
    """One change: who (a username, or `cli:<login>` for the command line), when, what,
    and the record before and after. Append-only (see the module's docstring)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    actor: Mapped[str] = mapped_column(String(ID_LENGTH))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    call_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    """The outside id of the call the change concerns (no foreign key: see above)."""
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)

    __table_args__ = (
        Index("ix_audit_events_call", "call_id", "id"),
        Index("ix_audit_events_entity", "entity", "entity_id", "id"),
    )


class AcknowledgementRow(Base):
    __tablename__ = "acknowledgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (UniqueConstraint("call_pk", "user_pk"),)


class DisputeRow(Base):
    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    criterion_id: Mapped[str] = mapped_column(String(100))
    agent_pk: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    disputed_outcome: Mapped[str | None] = mapped_column(String(8))
    outcome: Mapped[str | None] = mapped_column(String(8))
    resolution_comment: Mapped[str | None] = mapped_column(Text)
    resolved_by_pk: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint(one_of("status", DISPUTE_STATUSES), name="status"),
        Index("ix_disputes_call", "call_pk", "criterion_id"),
        Index("ix_disputes_agent_created", "agent_pk", "created_at"),
        Index("ix_disputes_status", "status"),
    )


class LibraryEntryRow(Base):
    """A call marked exemplary for a criterion or a call type, with a note."""

    __tablename__ = "library_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    criterion_id: Mapped[str | None] = mapped_column(String(100))
    call_type: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    marked_by_pk: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (
        CheckConstraint("criterion_id IS NOT NULL OR call_type IS NOT NULL",
                        name="says_what_for"),
        Index("ix_library_entries_criterion", "criterion_id"),
        Index("ix_library_entries_call_type", "call_type"),
    )
