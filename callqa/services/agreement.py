"""Trust in the automatic scorer: per criterion, how often the automatic verdict a reviewer
saw equals the reviewer's over a period (with n and a Wilson interval); a criterion below
`agreement_threshold` once `min_reviews_for_trust` reviews exist is 'not trusted', and its
automatic failures stop driving flags (`untrusted_criteria`, used by
`services.analysis.analyse_period`). Also how agents' self-assessments agree with their
reviewers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain.queries import Scope
from callqa.domain.reviews import AgreementReport, SelfAgreement
from callqa.models import store_reviews
from callqa.scoring.agreement import criterion_trust, self_agreement
from callqa.services.stages import scorecards_for


def agreement_report(sessions: sessionmaker[Session], settings: Settings,
                     start: date | None = None, end: date | None = None) -> AgreementReport:
    """Per criterion: reviews last changed on days [start, end] (UTC; default: the last
    `review_loop.agreement_days` days), against the automatic verdicts the reviewers saw.

    Only reviews of each scorecard's current version count: the version in use
    (`scorecards_dir` or the bundled ones), or for a scorecard not in use the version
    reviewed last. So a criterion fixed in a new scorecard version is judged afresh: until
    `min_reviews_for_trust` reviews of the new version exist its failures drive flags."""
    loop = settings.review_loop
    finish = end or datetime.now(UTC).date()
    begin = start or finish - timedelta(days=loop.agreement_days - 1)
    in_use = {s.id: s.version for s in scorecards_for(settings)}
    with sessions() as session:
        rows = store_reviews.agreement_counts(session, begin, finish)
        current = store_reviews.latest_versions(session) | in_use
    counts: dict[str, tuple[int, int]] = {}
    scorecards: dict[str, list[str]] = {}
    for scorecard_id, version, criterion_id, n, agreed in rows:
        if current.get(scorecard_id, version) != version:
            continue  # reviews of a scorecard version no longer in use
        total, same = counts.get(criterion_id, (0, 0))
        counts[criterion_id] = (total + n, same + agreed)
        scorecards.setdefault(criterion_id, []).append(f"{scorecard_id} {version}")
    trust = criterion_trust(counts, scorecards, loop.agreement_threshold,
                            loop.min_reviews_for_trust, loop.confidence)
    return AgreementReport(period_start=begin, period_end=finish,
                           threshold=loop.agreement_threshold,
                           min_reviews=loop.min_reviews_for_trust,
                           confidence=loop.confidence, criteria=tuple(trust))


def untrusted_criteria(sessions: sessionmaker[Session], settings: Settings) -> dict[str, str]:
    """criterion_id -> why it is not trusted, over the last `agreement_days` days."""
    report = agreement_report(sessions, settings)
    return {c.criterion_id: c.reason for c in report.criteria if c.status == "not_trusted"}


def self_agreement_in_scope(sessions: sessionmaker[Session], scope: Scope
                            ) -> list[SelfAgreement]:
    """Per agent (in scope) and criterion: how often the agent's self-assessment matched
    the reviewer's verdict (the latest review of each call)."""
    with sessions() as session:
        rows = _latest_pairs(session, scope)
    return self_agreement(rows)


def _latest_pairs(session: Session, scope: Scope) -> list[tuple[str, str, str, str]]:
    latest: dict[tuple[int, str], tuple[str, str, str, str]] = {}
    for agent_id, criterion_id, own, reviewer, call_pk in store_reviews.self_review_pairs(
            session, scope):
        latest[(call_pk, criterion_id)] = (agent_id, criterion_id, own, reviewer)
    return list(latest.values())
