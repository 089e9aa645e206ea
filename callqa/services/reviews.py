"""Reviews: a qa user (or a team leader, on their teams' calls) scores a call on its own
scorecard; an agent assesses a call they submitted for feedback first; the call shows the
automatic, human and effective verdict of every criterion; agents see their reviewed calls.

Every change is an audit event written in the same transaction (`services.loop`). Verdicts
given in a calibration session are handled by `services.calibration`."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import ReviewLoopSettings
from callqa.domain.reviews import (
    CallReviews,
    CriterionVerdicts,
    FeedbackItem,
    Review,
    ReviewInput,
    SelfComparison,
)
from callqa.domain.scores import ScoreResult
from callqa.models import store, store_calibration, store_reviews
from callqa.models.tables import Call
from callqa.services import calibration
from callqa.services.calls import CallDetail, Page, detail_in
from callqa.services.loop import (
    ReviewLoopError,
    automatic_score,
    call_in_scope,
    check_verdicts,
    now,
    page_cursor,
    page_offset,
    person_pk,
    snapshot,
    verdict_changes,
    verdict_table,
)
from callqa.services.users import Person


class ReviewedCallDetail(CallDetail):
    verdicts: list[CriterionVerdicts] = Field(default_factory=list)
    """Per criterion: the automatic, human and effective verdicts."""
    blind: bool = False
    """The person scores this call in an open calibration session: its verdicts and score
    are hidden until the session closes."""


def submit_review(sessions: sessionmaker[Session], person: Person, call_id: str,
                  given: ReviewInput) -> Review:
    """Review a call in the person's scope (or give calibration verdicts, when
    `calibration_id` is set). The same reviewer again changes their review."""
    if given.calibration_id is not None:
        return calibration.submit_verdicts(sessions, person, call_id, given)
    with sessions.begin() as session:
        call = call_in_scope(session, person, call_id)
        score = automatic_score(session, call)
        check_verdicts(given, {c.id: c for c in score.criteria})
        return _save(session, person, call, "review", given, score)


def submit_self_assessment(sessions: sessionmaker[Session], person: Person, call_id: str,
                           given: ReviewInput) -> Review:
    """An agent scores a call they submitted for feedback, before anyone reviews it."""
    with sessions.begin() as session:
        call = call_in_scope(session, person, call_id)
        pk = person_pk(session, person)
        if not call.for_feedback or call.submitted_by_pk != pk:
            raise ReviewLoopError(409, "a self-assessment is for a call you submitted for "
                                  "feedback (POST /api/v1/calls with your recording)")
        if store_reviews.first_review_at(session, call) is not None:
            raise ReviewLoopError(409, "this call has been reviewed already: a "
                                  "self-assessment comes first, before the reviewer's verdicts")
        if given.calibration_id is not None:
            raise ReviewLoopError(422, "a self-assessment belongs to no calibration session")
        score = automatic_score(session, call)
        check_verdicts(given, {c.id: c for c in score.criteria}, reasons_required=False)
        return _save(session, person, call, "self", given, score)


def _save(session: Session, person: Person, call: Call, kind: str, given: ReviewInput,
          score: ScoreResult) -> Review:
    pk = person_pk(session, person)
    before_verdicts = verdict_table(session, call)
    existing = store_reviews.find_review(session, call, pk, kind)
    before = (store_reviews.reviews_of(session, [existing], {call.id: call.call_id})[0]
              if existing else None)
    row = store_reviews.save_review(session, call, pk, kind, None, given,
                                    {c.id: c.outcome for c in score.criteria},
                                    (score.scorecard.id, score.scorecard.version), now())
    review = store_reviews.reviews_of(session, [row], {call.id: call.call_id})[0]
    entity = "review" if kind == "review" else "self_assessment"
    store_reviews.append_event(session, person.username,
                               f"{entity}.{'updated' if before else 'created'}", entity,
                               str(row.id), call.call_id, snapshot(before), snapshot(review))
    verdict_changes(person.username, call, before_verdicts, verdict_table(session, call),
                    session)
    return review


def _blind(session: Session, person: Person, call: Call) -> bool:
    if person.role not in calibration.REVIEWER_ROLES:
        return False  # only reviewers score calibration sessions
    return bool(store_calibration.blind_call_pks(session, [call.id], person.username))


def call_with_verdicts(sessions: sessionmaker[Session], person: Person, call_id: str
                       ) -> ReviewedCallDetail | None:
    """The call (`services.calls.call_detail`) with its verdict table; blind while the
    person scores it in an open calibration session."""
    found = _with_verdicts(sessions, person, call_id, parse_transcript=True)
    return found[0] if found is not None else None


def call_with_stored_transcript(sessions: sessionmaker[Session], person: Person, call_id: str
                                ) -> tuple[ReviewedCallDetail, str | None] | None:
    """`call_with_verdicts` with the transcript left out of the record and given as the JSON
    text it is stored as (`callqa.transcript/1`), for an answer that passes it through
    without parsing and writing it again."""
    return _with_verdicts(sessions, person, call_id, parse_transcript=False)


def _with_verdicts(sessions: sessionmaker[Session], person: Person, call_id: str,
                   parse_transcript: bool) -> tuple[ReviewedCallDetail, str | None] | None:
    with sessions() as session:
        found = detail_in(session, person.scope, call_id, parse_transcript)
        if found is None:
            return None
        detail, call, text = found
        if _blind(session, person, call):
            return ReviewedCallDetail(**{**dict(detail), "score": None, "score_result": None},
                                      blind=True), text
        verdicts = verdict_table(session, call, detail.score_result)
    return ReviewedCallDetail(**dict(detail), verdicts=verdicts), text


def reviews_of_call(sessions: sessionmaker[Session], person: Person, call_id: str
                    ) -> CallReviews:
    """The call's reviews and the agent's self-assessment beside the reviewer's verdicts
    (calibration verdicts never: they live in their session)."""
    with sessions() as session:
        call = call_in_scope(session, person, call_id)
        if _blind(session, person, call):
            return CallReviews(call_id=call_id, blind=True, reviews=(), self_assessment=None,
                               comparison=())
        reviews = store_reviews.call_reviews(session, call, ("review", "self"))
        verdicts = verdict_table(session, call)
    own = next((r for r in reviews if r.kind == "self"), None)
    others = tuple(r for r in reviews if r.kind == "review")
    comparison: tuple[SelfComparison, ...] = ()
    if own is not None:
        comparison = tuple(SelfComparison(
            criterion_id=v.criterion_id, self_assessed=v.self_assessed, reviewer=v.human,
            automatic=v.automatic,
            agree=None if v.self_assessed is None or v.human is None
            else v.self_assessed == v.human) for v in verdicts)
    return CallReviews(call_id=call_id, reviews=others, self_assessment=own,
                       comparison=comparison)


def feedback(sessions: sessionmaker[Session], settings: ReviewLoopSettings, person: Person,
             limit: int, cursor: str | None = None) -> Page[FeedbackItem]:
    """Reviewed calls in the person's scope (an agent: their own), most recently reviewed
    first, with verdicts, evidence, comments, disputes and what is new since the agent
    last acknowledged the call."""
    offset = page_offset(cursor)
    with sessions() as session:
        pks = store_reviews.reviewed_call_pks(session, person.scope, limit + 1, offset)
        items = [_feedback_item(session, settings, session.get_one(Call, pk))
                 for pk in pks[:limit]]
    more = len(pks) > limit
    return Page[FeedbackItem](items=items, next_cursor=page_cursor(offset + limit) if more
                              else None)


def _feedback_item(session: Session, settings: ReviewLoopSettings, call: Call
                   ) -> FeedbackItem:
    reviews = store_reviews.call_reviews(session, call, ("review",))
    acknowledged = store_reviews.acknowledgement_of(session, call)
    disputes = store_reviews.disputes_of(
        session, [(d, call.call_id) for d in store_reviews.call_dispute_rows(session, call)])
    seen = acknowledged.at if acknowledged else None
    news = [f"dispute {d.id} on {d.criterion_id} {d.status}"
            + (f": {d.comment}" if d.comment else "") for d in disputes
            if d.resolved_at is not None and (seen is None or d.resolved_at > seen)]
    news += [f"review {r.id} by {r.reviewer} changed" for r in reviews
             if seen is not None and r.updated_at > seen]
    score = store.load_score(session, call)
    return FeedbackItem(
        call_id=call.call_id, agent_id=store_reviews.call_agent_id(session, call),
        call_type=call.call_type, started_at=call.started_at,
        score=score.score if score else None, reviews=tuple(reviews),
        verdicts=tuple(verdict_table(session, call)), acknowledgement=acknowledged,
        disputes=tuple(disputes), news=tuple(news),
        dispute_until=dispute_deadline(session, settings, call))


def dispute_deadline(session: Session, settings: ReviewLoopSettings, call: Call
                     ) -> datetime | None:
    """The end of the call's dispute window: `dispute_window_days` after its verdict was
    delivered (its first review, else its automatic score)."""
    delivered = (store_reviews.first_review_at(session, call)
                 or store_reviews.scored_at(session, call))
    return None if delivered is None else delivered + timedelta(
        days=settings.dispute_window_days)
