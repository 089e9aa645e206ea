"""The batch jobs the CLI and the flows run: process stored calls, then analyse a period.

`process_calls`: each pending call through transcription (or its stored transcript),
diarization, roles, metrics and scoring, into the store, one transaction per call: a call
that fails is stored as failed with its reason and the others go on.
`analyse_period`: FCR over the period's calls, flags, process issues and the review queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain import Transcript
from callqa.errors import CallqaError
from callqa.metadata import parse_metadata
from callqa.models import store
from callqa.models.tables import Call
from callqa.scoring import choose_scorecard, score_call
from callqa.scoring.causes import outside_cause
from callqa.scoring.fcr import compute_fcr
from callqa.scoring.flags import criterion_flags, fcr_flags
from callqa.scoring.review import review_queue
from callqa.scoring.review_types import Flag, ProcessIssue

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""`progress(call_id, done, total)` after each call."""


@dataclass
class ProcessReport:
    processed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(call_id, reason) of each call that failed."""


def process_call(session: Session, call: Call, settings: Settings) -> Transcript:
    """One call: transcript (made or stored), score, outside cause; saved on `session`."""
    from callqa.pipeline.calls import transcribe_call
    from callqa.pipeline.transcribe import get_transcriber

    metadata = parse_metadata(call.call_metadata, f"call {call.call_id} metadata")
    if call.source == "transcript":
        transcript = store.load_transcript(session, call)
    else:
        transcript = transcribe_call(
            store.recording_path(call), metadata, settings,
            get_transcriber(settings.transcription))
        store.save_transcript(session, call, transcript)
    if transcript.metrics is not None:
        store.save_metrics(session, call, transcript.metrics)
    scorecard = choose_scorecard(metadata.call_type)
    store.save_score(session, call, score_call(transcript, scorecard, metadata))
    store.save_outside_cause(session, call, outside_cause(transcript))
    return transcript


def process_calls(
    sessions: sessionmaker[Session], settings: Settings, limit: int | None = None,
    progress: Progress | None = None,
) -> ProcessReport:
    report = ProcessReport()
    with sessions() as session:
        call_ids = [c.call_id for c in store.pending_calls(session, limit)]
    for done, call_id in enumerate(call_ids, start=1):
        with sessions() as session:
            call = store.get_call(session, call_id)
            if call is None:
                continue
            store.mark_processing(session, call)
            session.commit()
            try:
                process_call(session, call, settings)
                store.mark_processed(session, call)
                session.commit()
                report.processed.append(call_id)
            except CallqaError as exc:
                session.rollback()
                call = store.get_call(session, call_id)
                assert call is not None
                store.mark_failed(session, call, str(exc))
                session.commit()
                logger.warning("call %s failed: %s", call_id, exc)
                report.failed.append((call_id, str(exc)))
        if progress is not None:
            progress(call_id, done, len(call_ids))
    return report


@dataclass
class Analysis:
    period: tuple[date, date]
    calls: int
    fcr_counts: dict[str, int]
    flags: list[Flag]
    process_issues: list[ProcessIssue]
    queue_size: int


def analyse_period(
    sessions: sessionmaker[Session], settings: Settings, start: date | None = None,
    end: date | None = None,
) -> Analysis:
    """FCR, flags, process issues and the review queue for calls started in [start, end]."""
    begin = datetime.combine(start, time.min, UTC) if start else None
    finish = datetime.combine(end, time.max, UTC) if end else None
    with sessions() as session:
        calls = store.calls_frame(session, begin, finish)
        criteria = store.criterion_frame(session, begin, finish)
        if calls.empty:
            period = (start or date.today(), end or date.today())
            return Analysis(period, 0, {}, [], [], 0)
        period = (start or calls["started_at"].min().date(),
                  end or calls["started_at"].max().date())
        fcr = compute_fcr(calls, settings.fcr, as_of=finish)
        store.save_fcr_frame(session, fcr)
        calls = calls.assign(fcr_status=fcr["fcr_status"].to_numpy(),
                             callback_call_id=fcr["callback_call_id"].to_numpy())
        flags = fcr_flags(calls, period, settings.flags)
        weak, issues = criterion_flags(criteria, period, settings.flags)
        store.save_flags(session, [*flags, *weak], period)
        queue = review_queue(calls, criteria, [*flags, *weak], settings.review)
        store.save_review_items(session, queue, period)
        session.commit()
    counts = {str(k): int(v) for k, v in fcr["fcr_status"].value_counts().items()}
    return Analysis(period, len(calls), counts, [*flags, *weak], issues, len(queue))
