"""Reprocess stored calls after a scorecard, model or option changed.

`queue_reprocess` compares each matching call's finished stages with the keys the current
settings give (callqa.stages) and puts back to `pending` only the calls with something to
redo; processing them then redoes only the changed stages: a scorecard edit rescores from
the stored transcript, a model change transcribes again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.models import store_claims as claims
from callqa.models.tables import Agent, Call, Team
from callqa.scoring import Scorecard, choose_scorecard
from callqa.stages import SCORE, SCORE_VERSION, score_key, scorecards_for, transcribe_key


@dataclass(frozen=True)
class CallFilter:
    """Which stored calls: started in [start, end] (dates, UTC), of an agent, team, type."""

    start: date | None = None
    end: date | None = None
    agent_id: str | None = None
    team_id: str | None = None
    call_type: str | None = None

    def describe(self) -> str:
        parts = [f"{name}={value}" for name, value in vars(self).items() if value is not None]
        return ", ".join(parts) or "all calls"


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
                    filters: CallFilter = CallFilter(), retry_failed: bool = False
                    ) -> ReprocessPlan:
    """Put back to `pending` the matching calls whose stages are out of date."""
    tkey = transcribe_key(settings)
    scorecards = scorecards_for(settings)
    with sessions.begin() as session:
        rows = session.execute(_matching(filters, retry_failed)).all()
        audio = [sha for _, sha, source, _, status in rows
                 if source == "audio" and status == "processed"]
        transcribed = claims.done_contents(session, audio, tkey.stage, tkey.version,
                                           tkey.options_hash)
        scored = claims.done_keys(session, (sha for _, sha, *_ in rows), SCORE, SCORE_VERSION)
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
        claims.requeue(session, [*retranscribe, *rescore, *failed])
    return ReprocessPlan(matched=len(rows), retranscribe=len(retranscribe),
                         rescore=len(rescore),
                         unchanged=len(rows) - len(retranscribe) - len(rescore) - len(failed),
                         failed_retried=len(failed))


def _matching(filters: CallFilter, retry_failed: bool
              ) -> Select[int, str, str, str | None, str]:
    statuses: Sequence[str] = ("processed", "failed") if retry_failed else ("processed",)
    stmt = (select(Call.id, Call.content_sha256, Call.source, Call.call_type, Call.status)
            .where(Call.status.in_(statuses)).order_by(Call.id))
    if filters.start is not None:
        stmt = stmt.where(Call.started_at >= datetime.combine(filters.start, time.min, UTC))
    if filters.end is not None:
        stmt = stmt.where(Call.started_at <= datetime.combine(filters.end, time.max, UTC))
    if filters.call_type is not None:
        stmt = stmt.where(Call.call_type == filters.call_type)
    if filters.agent_id is not None:
        stmt = stmt.join(Agent, Agent.id == Call.agent_pk).where(
            Agent.agent_id == filters.agent_id)
    if filters.team_id is not None:
        stmt = stmt.join(Team, Team.id == Call.team_pk).where(Team.team_id == filters.team_id)
    return stmt
