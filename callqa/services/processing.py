"""Processing stored calls: claim them, transcribe, score. The CLI, the flows and the web
service all run it from here.

Processing is two stages per call, each a library call the flows wrap in a task:
`transcribe_stage` (recording → transcript, diarization, roles, metrics) and `score_stage`
(transcript → score, outside cause). A stage whose key (callqa.services.stages) is already done for
the call's content is skipped, so a re-run redoes only what changed. A call with bad input
ends `failed` with its reason and the others go on; what was stored stays stored.

`work_plan` orders a claimed batch into steps; `process_calls` runs them in a plain loop (the
benchmark's baseline), `callqa.flows.process.process_calls` submits the same steps as Prefect
tasks. Period analysis (FCR, flags, the review queue) is in `callqa.services.analysis`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain.errors import CallqaError
from callqa.domain.metadata import parse_metadata
from callqa.domain.progress import Progress, no_progress
from callqa.models import store
from callqa.models import store_claims as claims
from callqa.models.tables import Call
from callqa.pipeline.redact import RedactedSpan, redact_transcript
from callqa.scoring import Scorecard, ScoreResult, choose_scorecard, score_call
from callqa.scoring.causes import outside_cause
from callqa.services.errors import is_transient
from callqa.services.stages import (
    SCORE,
    SCORE_VERSION,
    StageKey,
    score_key,
    scorecards_for,
    transcribe_key,
)
from callqa.support.batching import chunks
from callqa.support.gc_pause import gc_paused

logger = logging.getLogger(__name__)

Outcome = Literal["done", "skipped", "failed"]
"""`done`: the stage ran. `skipped`: already done under the same key (or the call is no
longer this run's). `failed`: bad input; the call is stored failed with its reason."""


@dataclass(frozen=True)
class Batch:
    """The calls one run claimed, split by the work they need."""

    worker: str
    transcribe: list[str]
    """Call ids whose transcript is missing or was made under another transcribe key."""
    score: list[str]
    """Call ids with a current transcript: scoring at most."""
    requeued: list[str] = field(default_factory=list)
    """Calls a dead worker had left in `processing`, put back before claiming."""

    def __len__(self) -> int:
        return len(self.transcribe) + len(self.score)


@dataclass
class ProcessReport:
    processed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(call_id, reason) of each call that failed."""
    transcribed: list[str] = field(default_factory=list)
    """Calls whose transcription ran in this run (not skipped)."""
    scored: list[str] = field(default_factory=list)
    """Calls whose scoring ran in this run (not skipped)."""
    requeued: list[str] = field(default_factory=list)

    def add_transcription(self, call_id: str, outcome: Outcome, reason: str | None) -> None:
        if outcome == "done":
            self.transcribed.append(call_id)
        elif outcome == "failed":
            self.failed.append((call_id, reason or "transcription failed"))

    def add_scores(self, outcomes: dict[str, tuple[Outcome, str | None]]) -> None:
        for call_id, (outcome, reason) in outcomes.items():
            if outcome == "failed":
                self.failed.append((call_id, reason or "scoring failed"))
                continue
            if outcome == "done":
                self.scored.append(call_id)
            self.processed.append(call_id)


def claim_calls(sessions: sessionmaker[Session], settings: Settings, worker: str,
                limit: int | None = None) -> tuple[int, list[str]]:
    """Requeue calls abandoned by dead workers, then claim up to `limit` pending calls for
    `worker`: (calls claimed, call ids requeued)."""
    timeout = timedelta(seconds=settings.flows.claim_timeout_seconds)
    with sessions.begin() as session:
        requeued = claims.requeue_abandoned(session, timeout)
    if requeued:
        logger.warning("requeued %d call(s) left in processing by a worker that is gone",
                       len(requeued))
    with sessions.begin() as session:
        return claims.claim_pending(session, worker, limit), requeued


def claimed_batch(sessions: sessionmaker[Session], settings: Settings, worker: str,
                  requeued: Sequence[str] = ()) -> Batch:
    """The calls `worker` holds, split into those needing transcription and the rest."""
    key = transcribe_key(settings)
    with sessions() as session:
        calls = claims.claimed_calls(session, worker)
        audio = [c for c in calls if c.source == "audio"]
        done = store.done_contents(session, (c.content_sha256 for c in audio), key.stage,
                                    key.version, key.options_hash)
        stored = claims.with_transcript(session, (c.id for c in calls))
        needs = {c.call_id for c in calls if c.id not in stored
                 or (c.source == "audio" and c.content_sha256 not in done)}
        return Batch(worker, [c.call_id for c in calls if c.call_id in needs],
                     [c.call_id for c in calls if c.call_id not in needs], list(requeued))


def claim_batch(sessions: sessionmaker[Session], settings: Settings, limit: int | None = None,
                worker: str | None = None) -> Batch:
    """`claim_calls`, then `claimed_batch`."""
    worker = worker or claims.worker_id()
    _, requeued = claim_calls(sessions, settings, worker, limit)
    return claimed_batch(sessions, settings, worker, requeued)


def transcribe_stage(sessions: sessionmaker[Session], call_id: str, settings: Settings,
                     worker: str | None = None) -> tuple[Outcome, str | None]:
    """Transcribe one claimed call and store its transcript and metrics (one transaction).

    Bad input (a corrupt recording, broken metadata) marks the call failed with the reason.
    Anything else (the database or the archive out of reach) is raised: the caller may retry.
    """
    from callqa.pipeline.calls import transcribe_call
    from callqa.pipeline.transcribe import get_transcriber
    from callqa.services.archive import local_copy

    key = transcribe_key(settings)
    with sessions() as session:
        call = _claimed(session, call_id, worker)
        if call is None:
            return "skipped", None
        if call.source != "audio" or (
                store.stage_done(session, call.content_sha256, *_key(key))
                and claims.with_transcript(session, [call.id])):
            return "skipped", None
        sha, uri, raw_metadata = call.content_sha256, call.recording_uri, call.call_metadata
        store.record_stage(session, sha, *_key(key), "running")
        session.commit()  # no transaction stays open while the model runs
    try:
        metadata = parse_metadata(raw_metadata, f"call {call_id} metadata")
        with local_copy(uri) as path:
            transcript = transcribe_call(path, metadata, settings,
                                         get_transcriber(settings.transcription))
            # Card numbers, codes and personal data never reach the store (or the audio kept).
            transcript, spans = redact_transcript(transcript, settings.redaction)
            kept = silenced_recording(path, sha, spans, settings)
    except CallqaError as exc:
        if is_transient(exc):
            raise  # the archive out of reach: the task's retries handle it
        with sessions.begin() as session:
            return _fail(session, call_id, key, str(exc)), str(exc)
    with sessions() as session:
        call = _claimed(session, call_id, worker)
        if call is None:  # taken over meanwhile (claim timeout): the other worker saves it
            return "skipped", None
        store.save_transcript(session, call, transcript)
        if transcript.metrics is not None:
            store.save_metrics(session, call, transcript.metrics)
        if kept is not None:
            call.recording_uri = store.file_uri(kept)
        store.record_stage(session, sha, *_key(key), "done")
        session.commit()
    return "done", None


def silenced_recording(path: Path, sha: str, spans: Sequence[RedactedSpan],
                       settings: Settings) -> Path | None:
    """With `redaction.audio` set to silence or tone and something redacted: a copy of the
    recording with those spans silenced on every channel, kept in `<data_dir>/redacted/`
    instead of the original (which the archive keeps; callqa no longer points at it)."""
    if settings.redaction.audio == "original" or not spans:
        return None
    from callqa.pipeline.silence import write_silenced_copy

    target = Path(settings.data_dir) / "redacted" / f"{sha}{path.suffix.lower() or '.wav'}"
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_silenced_copy(path, target, spans, settings.redaction)


def score_stage(sessions: sessionmaker[Session], call_ids: Sequence[str], settings: Settings,
                worker: str | None = None) -> dict[str, tuple[Outcome, str | None]]:
    """Score claimed calls from their stored transcripts and mark them processed.

    One transaction for the lot: each call is judged on its own (a call whose transcript or
    metadata is bad is stored failed with its reason, the others go on), then the results
    are written together.
    """
    outcomes: dict[str, tuple[Outcome, str | None]] = {}
    transcript_key = transcribe_key(settings).options_hash
    scorecards = scorecards_for(settings)
    cards: dict[str | None, Scorecard] = {}
    with sessions() as session, gc_paused():
        calls = claims.calls_by_id(session, call_ids)
        pks = [call.id for call in calls.values()]
        texts = store.transcript_texts(session, pks)
        done = store.done_keys(session, (c.content_sha256 for c in calls.values()), SCORE,
                                SCORE_VERSION)
        scored = store.scored_with(session, pks)
        results: list[tuple[Call, ScoreResult, str | None, StageKey]] = []
        finished: list[Call] = []
        failures: list[tuple[str, StageKey | None, str]] = []
        for call_id in call_ids:
            call = calls.get(call_id)
            if call is None or not _holds(call, worker):
                outcomes[call_id] = ("skipped", None)
                continue
            key: StageKey | None = None
            try:
                metadata = parse_metadata(call.call_metadata, f"call {call.call_id} metadata")
                if metadata.call_type not in cards:
                    cards[metadata.call_type] = choose_scorecard(metadata.call_type, scorecards)
                scorecard = cards[metadata.call_type]
                key = score_key(scorecard, transcript_key if call.source == "audio"
                                else call.content_sha256)
                if ((call.content_sha256, key.options_hash) in done
                        and (call.id, scorecard.id) in scored):
                    outcomes[call_id] = ("skipped", None)
                else:
                    transcript = store.parse_transcript(call, texts.get(call.id))
                    result = score_call(transcript, scorecard, metadata)
                    results.append((call, result, outside_cause(transcript), key))
                    outcomes[call_id] = ("done", None)
                finished.append(call)
            except CallqaError as exc:
                if is_transient(exc):
                    raise
                failures.append((call_id, key, str(exc)))
                outcomes[call_id] = ("failed", str(exc))
        store.save_scores(session, [(call, result) for call, result, _, _ in results])
        store.record_stages(session, [(call.content_sha256, *_key(key))
                                      for call, _, _, key in results])
        for call, _, cause, _ in results:
            call.outside_cause = cause
        for call in finished:
            call.status, call.failure_reason = "processed", None
        for call_id, failed_key, reason in failures:
            _fail(session, call_id, failed_key, reason)
        session.commit()
    return outcomes


def fail_call(sessions: sessionmaker[Session], call_id: str, reason: str) -> None:
    """Store a call as failed with `reason` (a stage that gave up after its retries)."""
    with sessions() as session:
        call = store.get_call(session, call_id)
        if call is not None and call.status == "processing":
            store.mark_failed(session, call, reason)
            session.commit()


@dataclass(frozen=True)
class Step:
    """One unit of work: transcribe one call, or score one or more calls."""

    kind: Literal["transcribe", "score"]
    call_ids: list[str]
    after: int | None = None
    """Index of the step this one waits for (a call's scoring waits for its transcription)."""


def work_plan(batch: Batch, score_chunk_size: int) -> list[Step]:
    """The steps of a claimed batch, in order: each call to transcribe followed by its
    scoring, then the calls that need only scoring, in chunks."""
    steps: list[Step] = []
    for call_id in batch.transcribe:
        steps.append(Step("transcribe", [call_id]))
        steps.append(Step("score", [call_id], after=len(steps) - 1))
    steps.extend(Step("score", list(chunk))
                 for chunk in chunks(batch.score, score_chunk_size))
    return steps


def process_calls(
    sessions: sessionmaker[Session], settings: Settings, limit: int | None = None,
    progress: Progress = no_progress,
) -> ProcessReport:
    """The plain loop: claim pending calls, transcribe those that need it, score them all."""
    batch = claim_batch(sessions, settings, limit)
    report = ProcessReport(requeued=batch.requeued)
    failed: set[str] = set()
    done = 0
    for step in work_plan(batch, settings.flows.score_chunk_size):
        if step.kind == "transcribe":
            outcome, reason = transcribe_stage(sessions, step.call_ids[0], settings,
                                               batch.worker)
            report.add_transcription(step.call_ids[0], outcome, reason)
            if outcome == "failed":
                failed.add(step.call_ids[0])
            continue
        scored = [call_id for call_id in step.call_ids if call_id not in failed]
        if scored:
            report.add_scores(score_stage(sessions, scored, settings, batch.worker))
        done += len(step.call_ids)
        progress("process", done, len(batch))
    for call_id, reason in report.failed:
        logger.warning("call %s failed: %s", call_id, reason)
    return report


def _claimed(session: Session, call_id: str, worker: str | None) -> Call | None:
    """The call, if it is still in `processing` (under `worker`'s claim, when given)."""
    call = store.get_call(session, call_id)
    return call if call is not None and _holds(call, worker) else None


def _holds(call: Call, worker: str | None) -> bool:
    return call.status == "processing" and (worker is None
                                            or call.claimed_by in (worker, None))


def _key(key: StageKey) -> tuple[str, str, str]:
    return key.stage, key.version, key.options_hash


def _fail(session: Session, call_id: str, key: StageKey | None, reason: str) -> Outcome:
    """Store the call failed with `reason` (and the stage, when known); no commit."""
    call = store.get_call(session, call_id)
    assert call is not None
    store.mark_failed(session, call, reason)
    if key is not None:
        store.record_stage(session, call.content_sha256, *_key(key), "failed", reason)
    return "failed"
