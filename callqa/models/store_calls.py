"""The store API of single calls: ingest, status, transcript, metrics, score, stage markers.

Every function takes a `Session` and neither commits nor rolls back: the caller owns the
transaction (one call per transaction in the process loop, one row per transaction in
ingest). Writes are idempotent: the same input twice leaves the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from pydantic import ValidationError
from sqlalchemy import Table, Text, cast, delete, func, select, update
from sqlalchemy.orm import Session

from callqa.domain.errors import DuplicateCallError, StoreError
from callqa.domain.records import CallMetadata, ConversationMetrics, Role, Transcript
from callqa.domain.scores import (
    CriterionResult,
    ScorecardRef,
    ScoreResult,
    SectionResult,
)
from callqa.models._sql import LOOKUP_CHUNK, insert_for, upsert
from callqa.models.base import table_of, utc_now
from callqa.models.result_tables import CriterionRow, ScoreRow
from callqa.models.tables import (
    CALL_SOURCES,
    Agent,
    Call,
    Customer,
    MetricsRow,
    Team,
    TranscriptRow,
)
from callqa.support.batching import chunks

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def upsert_call(
    session: Session, metadata: CallMetadata, *, content_sha256: str, recording_uri: str,
    source: str = "audio",
) -> tuple[Call, bool]:
    """The call for this content, created (with its team, agent and customer) when new.

    Idempotent by content hash: the same content again returns the stored call and `False`,
    whatever its metadata says now. The same `call_id` with other content is refused.
    """
    if not SHA256.match(content_sha256):
        raise StoreError(f"content_sha256 {content_sha256!r} is not a sha256 hex digest",
                         "pass hashlib.sha256(content).hexdigest()")
    if source not in CALL_SOURCES:
        raise StoreError(f"source {source!r} is not one of {', '.join(CALL_SOURCES)}",
                         "use 'audio' for a recording, 'transcript' for a transcript file")
    if not metadata.call_id:
        raise StoreError(f"the call at {recording_uri} has no call_id",
                         "give call_id in its metadata (ingest uses the file name)")
    existing = session.scalars(
        select(Call).where(Call.content_sha256 == content_sha256)).one_or_none()
    if existing is not None:
        return existing, False
    clash = session.scalars(select(Call).where(Call.call_id == metadata.call_id)).one_or_none()
    if clash is not None:
        raise DuplicateCallError(
            f"call_id {metadata.call_id!r} is already stored for other content "
            f"(stored: sha256 {clash.content_sha256[:12]}... from {clash.recording_uri}; "
            f"new: sha256 {content_sha256[:12]}... from {recording_uri})",
            "give the new recording its own call_id, or delete the stored call first if "
            "the new file replaces it",
        )
    team_pk = _ensure(session, table_of(Team), "team_id", metadata.team_id, {})
    agent_pk = _ensure(session, table_of(Agent), "agent_id", metadata.agent_id,
                       {"name": metadata.agent_name, "team_pk": team_pk})
    customer_pk = _ensure(session, table_of(Customer), "customer_id", metadata.customer_id,
                          {"name": metadata.customer_name})
    call = Call(
        call_id=metadata.call_id,
        content_sha256=content_sha256,
        source=source,
        recording_uri=recording_uri,
        agent_pk=agent_pk,
        team_pk=team_pk,
        customer_pk=customer_pk,
        call_type=metadata.call_type,
        started_at=metadata.started_at,
        direction=metadata.direction,
        language=metadata.language,
        channel_layout=metadata.channel_layout.value if metadata.channel_layout else None,
        call_metadata=metadata.model_dump(mode="json", exclude_none=True),
        status="pending",
        attempts=0,
    )
    session.add(call)
    session.flush()
    return call, True


def _ensure(session: Session, table: Table, key: str, value: str | None,
            fields: dict[str, Any]) -> int | None:
    """The id of the row whose `key` is `value`, inserted if missing (race-free: INSERT ...
    ON CONFLICT). A name or team given now fills or updates the stored one."""
    if value is None:
        return None
    stmt = insert_for(session, table).values({key: value, "created_at": utc_now(), **fields})
    # COALESCE: a call without the name (or team) keeps what an earlier call gave.
    updates = {name: func.coalesce(stmt.excluded[name], table.c[name]) for name in fields}
    stmt = stmt.on_conflict_do_update(index_elements=[key],
                                      set_=updates or {key: stmt.excluded[key]})
    pk: int = session.execute(stmt.returning(table.c.id)).scalar_one()
    return pk


def ensure_team(session: Session, team_id: str) -> int:
    """The pk of team `team_id`, created when new."""
    pk = _ensure(session, table_of(Team), "team_id", team_id, {})
    assert pk is not None
    return pk


def get_call(session: Session, call_id: str) -> Call | None:
    return session.scalars(select(Call).where(Call.call_id == call_id)).one_or_none()


def pending_calls(session: Session, limit: int | None = 100) -> list[Call]:
    """The oldest calls waiting for processing (failed and finished calls never block them)."""
    stmt = select(Call).where(Call.status == "pending").order_by(Call.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def mark_processing(session: Session, call: Call) -> None:
    call.status = "processing"
    call.attempts += 1
    call.failure_reason = None
    session.flush()


def mark_processed(session: Session, call: Call) -> None:
    call.status = "processed"
    call.failure_reason = None
    session.flush()


def mark_failed(session: Session, call: Call, reason: str) -> None:
    """Record why the call failed (kept until it is processed again)."""
    call.status = "failed"
    call.failure_reason = reason
    session.flush()


def mark_pending(session: Session, call: Call) -> None:
    """Queue a call again (a retry after a fix, or a reprocess)."""
    call.status = "pending"
    session.flush()


def save_outside_cause(session: Session, call: Call, cause: str | None) -> None:
    """Record the outside cause the call names (None: none), replacing the previous one."""
    call.outside_cause = cause
    session.flush()


def recording_path(call: Call) -> Path:
    """The local file of the call's recording (or transcript file, for source=transcript).

    Only for a `file://` recording_uri (a StoreError otherwise). A recording may live in a
    remote archive (`s3://...`): processing code reads it through
    `callqa.services.archive.local_copy(call.recording_uri)`, which yields this same path for a
    local file and a temporary download for any other fsspec URL.
    """
    return local_path(call.recording_uri)


def file_uri(path: Path) -> str:
    """The `recording_uri` of a local file: an absolute `file://` URI."""
    return path.resolve().as_uri()


def local_path(uri: str) -> Path:
    """The local file of a `file://` URI (or of a plain path)."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "" or len(parsed.scheme) == 1:  # a plain path (or C:\... on Windows)
        return Path(uri)
    raise StoreError(f"recording {uri} is not a local file",
                     "read it through callqa.services.archive.local_copy (any fsspec URL)")


def save_transcript(session: Session, call: Call, transcript: Transcript) -> None:
    """Store the call's transcript, replacing the previous one."""
    upsert(session, table_of(TranscriptRow), [{
        "call_pk": call.id,
        "contract": transcript.model_dump(mode="json", by_alias=True),
        "model_id": transcript.model.id,
        "options_hash": transcript.model.options_hash,
        "language": transcript.language,
        "duration": transcript.duration,
        "diarization": transcript.diarization,
        "created_at": utc_now(),
    }], key=["call_pk"])


def load_transcript(session: Session, call: Call) -> Transcript:
    return parse_transcript(call, transcript_texts(session, [call.id]).get(call.id))


def transcript_texts(session: Session, call_pks: Sequence[int]) -> dict[int, str]:
    """The stored transcripts of these calls as JSON text (parsed by pydantic in one pass,
    which is faster than the driver's JSON decoding followed by validation)."""
    found: dict[int, str] = {}
    for chunk in chunks(call_pks, LOOKUP_CHUNK):
        found.update((pk, text) for pk, text in session.execute(
            select(TranscriptRow.call_pk, cast(TranscriptRow.contract, Text))
            .where(TranscriptRow.call_pk.in_(chunk))))
    return found


def parse_transcript(call: Call, text: str | None) -> Transcript:
    if text is None:
        raise StoreError(f"call {call.call_id} has no stored transcript",
                         "process the call first (callqa process)")
    try:
        return Transcript.model_validate_json(text)
    except ValidationError as exc:
        raise StoreError(f"the stored transcript of call {call.call_id} is not a valid "
                         f"callqa.transcript/1 document ({exc.error_count()} problems, first: "
                         f"{exc.errors()[0]['msg']})",
                         "transcribe the call again (callqa reprocess --call-type ...) or "
                         "ingest a corrected transcript") from exc


def scored_with(session: Session, call_pks: Sequence[int]) -> set[tuple[int, str]]:
    """(call pk, scorecard id) of the scores stored for these calls."""
    found: set[tuple[int, str]] = set()
    for chunk in chunks(call_pks, LOOKUP_CHUNK):
        found.update((pk, card) for pk, card in session.execute(
            select(ScoreRow.call_pk, ScoreRow.scorecard_id)
            .where(ScoreRow.call_pk.in_(chunk))))
    return found


_CALL_COLUMNS = ("handle_time", "talk_time", "non_talk_time", "non_talk_share",
                 "longest_silence", "overtalk_time", "overtalk_count")
"""The whole-call measures the metrics row holds as columns (never null)."""


def save_metrics(session: Session, call: Call, metrics: ConversationMetrics) -> None:
    """Store the call's conversation measures, replacing the previous ones. A call with a
    whole-call measure unknown (an import without timings) has no row, as a call never
    measured: its transcript keeps what is known."""
    if any(getattr(metrics, name) is None for name in _CALL_COLUMNS):
        session.execute(delete(MetricsRow).where(MetricsRow.call_pk == call.id))
        return
    agent = metrics.by_role.get(Role.AGENT)
    customer = metrics.by_role.get(Role.CUSTOMER)
    upsert(session, table_of(MetricsRow), [{
        "call_pk": call.id,
        "handle_time": metrics.handle_time,
        "talk_time": metrics.talk_time,
        "non_talk_time": metrics.non_talk_time,
        "non_talk_share": metrics.non_talk_share,
        "longest_silence": metrics.longest_silence,
        "overtalk_time": metrics.overtalk_time,
        "overtalk_count": metrics.overtalk_count,
        "agent_talk_share": agent.talk_share if agent else None,
        "customer_talk_share": customer.talk_share if customer else None,
        "agent_interruptions": agent.interruptions if agent else None,
        "customer_interruptions": customer.interruptions if customer else None,
        "agent_longest_monologue": agent.longest_monologue if agent else None,
        "customer_longest_monologue": customer.longest_monologue if customer else None,
        "agent_words_per_minute": agent.words_per_minute if agent else None,
        "customer_words_per_minute": customer.words_per_minute if customer else None,
        "metrics": metrics.model_dump(mode="json"),
        "computed_at": utc_now(),
    }], key=["call_pk"])


def save_score(session: Session, call: Call, score: ScoreResult) -> None:
    """Store the call's result for `score.scorecard.id`, replacing that scorecard's previous
    rows (never adding to them), and make it the call's current score."""
    save_scores(session, [(call, score)])


def save_scores(session: Session, scored: Sequence[tuple[Call, ScoreResult]]) -> None:
    """`save_score` for many calls in a few statements (a chunk of a rescore)."""
    if not scored:
        return
    by_card: dict[str, list[int]] = {}
    for call, score in scored:
        by_card.setdefault(score.scorecard.id, []).append(call.id)
    for card_id, pks in by_card.items():
        for chunk in chunks(pks, LOOKUP_CHUNK):
            # Explicitly, not only by ON DELETE CASCADE: that needs foreign keys on in SQLite.
            session.execute(delete(CriterionRow).where(CriterionRow.call_pk.in_(chunk),
                                                       CriterionRow.scorecard_id == card_id))
            session.execute(delete(ScoreRow).where(ScoreRow.call_pk.in_(chunk),
                                                   ScoreRow.scorecard_id == card_id))
    for chunk in chunks([call.id for call, _ in scored], LOOKUP_CHUNK):
        session.execute(update(ScoreRow).where(ScoreRow.call_pk.in_(chunk))
                        .values(is_current=False).execution_options(synchronize_session=False))
    now = utc_now()
    score_pks = session.scalars(
        insert_for(session, table_of(ScoreRow)).returning(
            table_of(ScoreRow).c.id, sort_by_parameter_order=True),
        [{"call_pk": call.id, "scorecard_id": score.scorecard.id,
          "scorecard_version": score.scorecard.version,
          "scorecard_digest": score.scorecard.digest, "call_type": score.call_type,
          "language": score.language, "score": score.score,
          "compliance_score": score.compliance_score, "critical_failed": score.critical_failed,
          "passed": score.passed, "is_current": True,
          "sections": [s.model_dump(mode="json") for s in score.sections],
          "summary": score.summary, "scored_at": now} for call, score in scored]).all()
    criteria = [{
        "score_pk": score_pk, "call_pk": call.id, "scorecard_id": score.scorecard.id,
        "scorecard_version": score.scorecard.version, "criterion_id": c.id,
        "section": c.section, "kind": c.kind, "outcome": c.outcome, "points": c.points,
        "max_points": c.max_points, "critical": c.critical, "compliance": c.compliance,
        "reason": c.reason, "evidence": [e.model_dump(mode="json") for e in c.evidence],
        "value": c.value,
    } for score_pk, (call, score) in zip(score_pks, scored, strict=True) for c in score.criteria]
    if criteria:
        session.execute(insert_for(session, table_of(CriterionRow)), criteria)


def load_score(session: Session, call: Call, scorecard_id: str | None = None
               ) -> ScoreResult | None:
    """The call's current score (or its score against `scorecard_id`), None if not scored."""
    stmt = select(ScoreRow).where(ScoreRow.call_pk == call.id)
    stmt = stmt.where(ScoreRow.scorecard_id == scorecard_id if scorecard_id
                      else ScoreRow.is_current)
    row = session.scalars(stmt).one_or_none()
    if row is None:
        return None
    criteria = session.scalars(select(CriterionRow).where(CriterionRow.score_pk == row.id)
                               .order_by(CriterionRow.id))
    return ScoreResult(
        call_id=call.call_id,
        scorecard=ScorecardRef(id=row.scorecard_id, version=row.scorecard_version,
                               digest=row.scorecard_digest),
        call_type=row.call_type, language=row.language,
        criteria=tuple(CriterionResult.model_validate({
            "id": c.criterion_id, "section": c.section, "kind": c.kind, "outcome": c.outcome,
            "points": c.points, "max_points": c.max_points, "critical": c.critical,
            "compliance": c.compliance, "reason": c.reason, "evidence": c.evidence,
            "value": c.value}) for c in criteria),
        sections=tuple(SectionResult.model_validate(s) for s in row.sections),
        score=row.score, compliance_score=row.compliance_score,
        critical_failed=row.critical_failed, passed=row.passed, summary=row.summary,
    )
