"""The review loop's tables on SQLite and PostgreSQL: audit events round-trip with their
JSON, and the database itself refuses to change or delete one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from callqa.domain.reviews import CriterionVerdict, ReviewInput
from callqa.models import store, store_reviews
from callqa.models.people import User
from callqa.scoring import choose_scorecard, score_call
from tests.factories import billing_call
from tests.models.test_store import add_calls


def test_audit_events_round_trip_and_are_append_only(sessions: sessionmaker[Session]) -> None:
    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    with sessions.begin() as session:
        store_reviews.append_event(session, "quinn", "review.created", "review", "1",
                                   "c-1", None, {"criteria": [{"id": "greeting",
                                                               "outcome": "fail"}]}, at=at)
        store_reviews.append_event(session, "ada", "user.added", "user", "robin",
                                   after={"role": "qa", "teams": []})
    with sessions() as session:
        (event,) = store_reviews.events(session, call_id="c-1")
        assert (event.actor, event.action, event.at) == ("quinn", "review.created", at)
        assert event.before is None and event.after == {
            "criteria": [{"id": "greeting", "outcome": "fail"}]}
        assert [e.entity_id for e in store_reviews.events(session)] == ["1", "robin"]
        latest = store_reviews.latest_event(session, "user", "robin")
        assert latest is not None and latest.actor == "ada"
    for statement in ("UPDATE audit_events SET after = NULL", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), sessions.begin() as session:
            session.execute(text(statement))
    with sessions() as session:
        assert len(store_reviews.events(session)) == 2


def test_review_changes_keep_the_agreement_counts(sessions: sessionmaker[Session]) -> None:
    add_calls(sessions, 1)
    score = score_call(billing_call("call-000"), choose_scorecard("billing"))
    automatic = {c.id: c.outcome for c in score.criteria}
    first, second = list(automatic)[:2]
    flip = {"pass": "fail", "fail": "pass", "na": "pass"}
    ref = (score.scorecard.id, score.scorecard.version)
    now = datetime.now(UTC)
    with sessions.begin() as session:
        call = store.get_call(session, "call-000")
        assert call is not None
        store.save_score(session, call, score)
        user = User(username="quinn", password_hash="-", role="qa", disabled=False)
        session.add(user)
        session.flush()
        given = ReviewInput(criteria=(
            CriterionVerdict(id=first, outcome=automatic[first]),
            CriterionVerdict(id=second, outcome=flip[automatic[second]], reason="r")))
        store_reviews.save_review(session, call, user.id, "review", None, given, automatic,
                                  ref, now)
        # The same reviewer again: their review changes, the counts move with it.
        given = ReviewInput(criteria=(CriterionVerdict(id=second, outcome=automatic[second]),))
        store_reviews.save_review(session, call, user.id, "review", None, given, automatic,
                                  ref, now)
        # Self-assessments are no reviews: they count nothing.
        store_reviews.save_review(session, call, user.id, "self", None, given, automatic,
                                  ref, now)
    day = now.date()
    with sessions.begin() as session:
        kept = sorted(store_reviews.agreement_counts(session, day, day))
        assert kept == [(ref[0], ref[1], second, 1, 1)]  # `first` left with nothing: dropped
        assert store_reviews.latest_versions(session) == {ref[0]: ref[1]}
        store_reviews.rebuild_agreement_counts(session)
        assert sorted(store_reviews.agreement_counts(session, day, day)) == kept
