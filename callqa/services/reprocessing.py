"""Reprocess stored calls after a scorecard, model or option changed.

`queue_reprocess` compares each matching call's finished stages with the keys the current
settings give (callqa.services.stages) and puts back to `pending` only the calls with something to
redo; processing them then redoes only the changed stages: a scorecard edit rescores from
the stored transcript, a model change transcribes again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain.queries import CallFilter
from callqa.models import store
from callqa.models import store_claims as claims
from callqa.scoring import Scorecard, choose_scorecard
from callqa.services.stages import SCORE, SCORE_VERSION, score_key, scorecards_for, transcribe_key


@dataclass(frozen=True)
class ReprocessPlan:
    matched: int
    """Finished calls the filter selects (plus failed ones when retried)."""
    retranscribe: int
    """Queued to transcribe again (model or transcription options changed), then rescore."""
    rescore: int
    """Queued to score again from the stored transcript (scorecard changed)."""
    unchanged: int
    """Already done under the current keys: left alone."""
    failed_retried: int = 0

    @property
    def queued(self) -> int:
        return self.retranscribe + self.rescore + self.failed_retried


def queue_reprocess(sessions: sessionmaker[Session], settings: Settings,
                    filters: CallFilter | None = None, retry_failed: bool = False,
                    dry_run: bool = False) -> ReprocessPlan:
    """Put back to `pending` the matching calls whose stages are out of date (with
    `dry_run`, only count them: nothing is written)."""
    filters = filters or CallFilter()
    tkey = transcribe_key(settings)
    scorecards = scorecards_for(settings)
    with sessions.begin() as session:
        statuses = ("processed", "failed") if retry_failed else ("processed",)
        rows = store.stage_candidates(session, filters, statuses)
        audio = [sha for _, sha, source, _, status in rows
                 if source == "audio" and status == "processed"]
        transcribed = store.done_contents(session, audio, tkey.stage, tkey.version,
                                           tkey.options_hash)
        scored = store.done_keys(session, (sha for _, sha, *_ in rows), SCORE, SCORE_VERSION)
        cards: dict[str | None, Scorecard] = {}
        retranscribe: list[int] = []
        rescore: list[int] = []
        failed: list[int] = []
        for pk, sha, source, call_type, status in rows:
            if status == "failed":
                failed.append(pk)
                continue
            if source == "audio" and sha not in transcribed:
                retranscribe.append(pk)
                continue
            if call_type not in cards:
                cards[call_type] = choose_scorecard(call_type, scorecards)
            expected = score_key(cards[call_type],
                                 tkey.options_hash if source == "audio" else sha)
            if (sha, expected.options_hash) not in scored:
                rescore.append(pk)
        if not dry_run:
            claims.requeue(session, [*retranscribe, *rescore, *failed])
    return ReprocessPlan(matched=len(rows), retranscribe=len(retranscribe),
                         rescore=len(rescore),
                         unchanged=len(rows) - len(retranscribe) - len(rescore) - len(failed),
                         failed_retried=len(failed))

