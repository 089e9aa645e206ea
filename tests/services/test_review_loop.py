"""The review loop at the services layer, on SQLite and PostgreSQL: once reviewers disagree
with a criterion's automatic verdicts often enough, it is not trusted and its automatic
failures stop driving flags (and come back when agreement recovers)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import ReviewLoopSettings, Settings
from callqa.domain.reviews import CriterionVerdict, ReviewInput
from callqa.models.bulk import load_scored_calls
from callqa.models.result_tables import ScoreRow
from callqa.models.tables import Call
from callqa.scoring.simulate import generate_archive
from callqa.services.agreement import agreement_report, untrusted_criteria
from callqa.services.analysis import analyse_period
from callqa.services.reviews import submit_review
from callqa.services.users import add_user

PERIOD = (date(2026, 10, 1), date(2026, 10, 28))


def _flagged(sessions: sessionmaker[Session], settings: Settings) -> set[tuple[str, str]]:
    found = analyse_period(sessions, settings, *PERIOD)
    return {(f.agent_id, f.criterion_id or "") for f in found.flags
            if f.kind == "criterion" and f.status == "flagged"}


def test_untrusted_criteria_stop_driving_flags(engine: Engine,
                                               sessions: sessionmaker[Session]) -> None:
    archive = generate_archive(days=14, n_agents=24, seed=0)
    load_scored_calls(engine, archive.calls, archive.criteria)
    settings = Settings(review_loop=ReviewLoopSettings(min_reviews_for_trust=20,
                                                       agreement_threshold=0.8))
    before = _flagged(sessions, settings)
    assert any(criterion == "empathy" for _, criterion in before)

    qa = add_user(sessions, "quinn", "a long password", "qa")
    failed = archive.criteria[(archive.criteria["criterion_id"] == "empathy")
                              & (archive.criteria["outcome"] == "fail")]["call_id"]
    for call_id in failed.head(20):
        submit_review(sessions, qa, call_id, ReviewInput(criteria=(CriterionVerdict(
            id="empathy", outcome="pass", reason="the customer gave no occasion for it"),)))
    assert untrusted_criteria(sessions, settings) == {"empathy": next(
        c.reason for c in agreement_report(sessions, settings).criteria
        if c.criterion_id == "empathy")}
    after = _flagged(sessions, settings)
    assert not any(criterion == "empathy" for _, criterion in after)
    assert {f for f in before if f[1] != "empathy"} == after  # the others stand

    # The criterion is fixed in a new scorecard version and calls are rescored with it:
    # reviews of the old version no longer count, so until enough reviews of the new one
    # exist its failures drive flags again.
    rescored = archive.criteria[archive.criteria["criterion_id"] == "empathy"]["call_id"]
    with sessions.begin() as session:
        session.execute(update(ScoreRow).where(ScoreRow.call_pk.in_(select(Call.id).where(
            Call.call_id.in_(rescored.head(50).tolist())))).values(scorecard_version="2"))
    submit_review(sessions, qa, rescored.iloc[0], ReviewInput(criteria=(CriterionVerdict(
        id="empathy", outcome="pass", reason="fixed now"),)))
    report = agreement_report(sessions, settings)
    empathy = next(c for c in report.criteria if c.criterion_id == "empathy")
    assert (empathy.status, empathy.n, empathy.scorecards) == (
        "too_few_reviews", 1, ("imported 2",))
    assert untrusted_criteria(sessions, settings) == {}
    assert _flagged(sessions, settings) == before
