"""Tables of who and what was called: teams, agents, customers, calls, their transcripts and
conversation metrics, and the stage-completion markers that let re-runs skip finished work.

Every table has an integer surrogate key (`id`) and keeps the outside world's identifier
(`call_id`, `agent_id`...) under a UNIQUE constraint: ingesting the same thing twice finds the
existing row instead of adding one. Results of later stages live in `result_tables`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callqa.models.base import ID_LENGTH, Base, JsonDocument, UtcDateTime, one_of, utc_now

CALL_STATUSES = ("pending", "processing", "processed", "failed")
CALL_SOURCES = ("audio", "transcript")
"""`audio`: a recording to transcribe. `transcript`: a `callqa.transcript/1` file from
elsewhere (or a chat); the call skips ASR and goes straight to scoring."""
STAGE_STATUSES = ("running", "done", "failed")

class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    name: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    team_pk: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    """The team of the latest ingested call that names one (each call keeps its own)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    team: Mapped[Team | None] = relationship(lazy="raise")


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    name: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Call(Base):
    """One recorded (or transcribed elsewhere) call and where it stands in processing."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    """sha256 of the recording's bytes (or of the transcript file): the idempotency key."""
    source: Mapped[str] = mapped_column(String(16))
    recording_uri: Mapped[str] = mapped_column(Text)
    agent_pk: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    team_pk: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    customer_pk: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    call_type: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    direction: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(16))
    channel_layout: Mapped[str | None] = mapped_column(String(16))
    call_metadata: Mapped[dict[str, Any]] = mapped_column("metadata", JsonDocument)
    """The whole `CallMetadata`, unknown fields included (the attribute name `metadata` is
    taken by SQLAlchemy)."""
    outside_cause: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    """A cause outside the agent's control the call names (an outage, the back office, a
    courier), found when it is processed: its repeat ranks lower in the review queue."""
    status: Mapped[str] = mapped_column(String(16), default="pending")
    failure_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Times processing started: a call stuck in `processing` after a crash shows here."""
    claimed_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    """`host:pid:run` of the worker processing the call; a dead worker's claims are requeued."""
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    submitted_by_pk: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """The user who uploaded the call through the web service (None: ingested)."""
    for_feedback: Mapped[bool] = mapped_column(Boolean, default=False)
    """An agent submitted their own call for feedback."""
    note: Mapped[str | None] = mapped_column(Text)
    """The uploader's note (what they would like feedback on)."""
    legal_hold_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """Set: the call is under legal hold since then, and neither `callqa delete` nor the
    retention purge may remove it (docs/privacy.md)."""
    legal_hold_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    agent: Mapped[Agent | None] = relationship(lazy="raise")
    team: Mapped[Team | None] = relationship(lazy="raise")
    customer: Mapped[Customer | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint(one_of("status", CALL_STATUSES), name="status"),
        CheckConstraint(one_of("source", CALL_SOURCES), name="source"),
        # FCR: a customer's calls in time order; reports: an agent's calls in a period.
        Index("ix_calls_customer_started", "customer_pk", "started_at"),
        Index("ix_calls_agent_started", "agent_pk", "started_at"),
        Index("ix_calls_started", "started_at"),
        # `pending_calls`: the oldest pending calls first, without sorting the whole table.
        Index("ix_calls_status", "status", "id"),
        # The web service: one agent's calls newest first (an agent's own list, a filter);
        # a team's calls, and the agents who took them (a team leader's scope), from the
        # index alone.
        Index("ix_calls_agent_newest", "agent_pk", "id"),
        Index("ix_calls_team_agent", "team_pk", "agent_pk"),
    )

    def __repr__(self) -> str:
        return f"Call(call_id={self.call_id!r}, status={self.status!r}, source={self.source!r})"


class CallErasure(Base):
    """A call erased from the store: who (a username, `cli:<login>`, `retention`...),
    when, and the call's outside id. Nothing else of the call is kept. No foreign key: the
    call is gone. Its rows also let the erasure delete the call's audit events, which are
    otherwise append-only (migration 0007)."""

    __tablename__ = "call_erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    erased_by: Mapped[str] = mapped_column(String(ID_LENGTH))
    erased_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (Index("ix_call_erasures_call", "call_id", "erased_at"),)


class TranscriptRow(Base):
    """The current `callqa.transcript/1` of a call (one row per call, replaced on redo)."""

    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    contract: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    model_id: Mapped[str] = mapped_column(String(300))
    options_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    duration: Mapped[float] = mapped_column(Float)
    diarization: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class MetricsRow(Base):
    """Conversation measures of a call: the usual ones as columns for SQL, all of them in JSON."""

    __tablename__ = "call_metrics"

    call_pk: Mapped[int] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    handle_time: Mapped[float] = mapped_column(Float)
    talk_time: Mapped[float] = mapped_column(Float)
    non_talk_time: Mapped[float] = mapped_column(Float)
    non_talk_share: Mapped[float] = mapped_column(Float)
    longest_silence: Mapped[float] = mapped_column(Float)
    overtalk_time: Mapped[float] = mapped_column(Float)
    overtalk_count: Mapped[int] = mapped_column(Integer)
    agent_talk_share: Mapped[float | None] = mapped_column(Float)
    customer_talk_share: Mapped[float | None] = mapped_column(Float)
    agent_interruptions: Mapped[int | None] = mapped_column(Integer)
    customer_interruptions: Mapped[int | None] = mapped_column(Integer)
    agent_longest_monologue: Mapped[float | None] = mapped_column(Float)
    customer_longest_monologue: Mapped[float | None] = mapped_column(Float)
    agent_words_per_minute: Mapped[float | None] = mapped_column(Float)
    customer_words_per_minute: Mapped[float | None] = mapped_column(Float)
    metrics: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class StageRun(Base):
    """Completion marker of one stage on one content: a re-run skips what is `done` under the
    same stage version and options, and redoes only what changed."""

    __tablename__ = "stage_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(64))
    stage_version: Mapped[str] = mapped_column(String(64))
    options_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("content_sha256", "stage", "stage_version", "options_hash"),
        CheckConstraint(one_of("status", STAGE_STATUSES), name="status"),
    )
