"""Calibration sessions: a qa lead opens one on a few calls and names reviewers; each scores
blind (no one sees another's verdicts or the automatic ones until the session closes); on
closing, agreement per criterion (`callqa.scoring.agreement.calibration_agreement`).

Calibration verdicts are reviews of kind `calibration`: they set no human verdict and never
count toward an agent's scores. Their audit events name the session, not the call, so the
call's own trail stays blind while the session is open."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from callqa.domain.reviews import (
    Calibration,
    CalibrationInput,
    CalibrationSummary,
    Review,
    ReviewInput,
)
from callqa.models import store, store_browse, store_calibration, store_reviews
from callqa.models.reviews import CalibrationRow
from callqa.scoring.agreement import calibration_agreement
from callqa.services.calls import Page
from callqa.services.loop import (
    ReviewLoopError,
    automatic_results,
    automatic_score,
    check_verdicts,
    now,
    page_cursor,
    page_offset,
    person_pk,
    snapshot,
)
from callqa.services.users import Person, find_user

REVIEWER_ROLES = ("admin", "qa", "team_leader")
NO_SUCH_SESSION = "no such calibration session"


def open_session(sessions: sessionmaker[Session], person: Person, given: CalibrationInput
                 ) -> Calibration:
    """Open a session led by `person` on `given.call_ids` with `given.reviewers`."""
    reviewers = []
    for username in dict.fromkeys(given.reviewers):
        reviewer = find_user(sessions, username)
        if reviewer is None or reviewer.role not in REVIEWER_ROLES:
            raise ReviewLoopError(422, f"{username!r} is not an enabled qa, admin or team "
                                  "leader user: name reviewers by username (callqa users "
                                  "list)")
        reviewers.append(reviewer)
    with sessions.begin() as session:
        calls = []
        for call_id in dict.fromkeys(given.call_ids):
            call = store.get_call(session, call_id)
            if call is None:
                raise ReviewLoopError(422, f"no call {call_id!r}")
            automatic_results(session, call)  # 409 unless scored
            for reviewer in reviewers:
                if store_browse.call_in(session, reviewer.scope, call.call_id) is None:
                    raise ReviewLoopError(422, f"call {call_id} is outside reviewer "
                                          f"{reviewer.username}'s teams")
            calls.append(call)
        lead = person_pk(session, person)
        reviewer_pks = [pk for r in reviewers
                        if (pk := store_reviews.user_pk(session, r.username)) is not None]
        row = store_calibration.add_calibration(session, lead, calls, reviewer_pks,
                                                given.note, now())
        view = _view(session, row, person)
        store_reviews.append_event(session, person.username, "calibration.opened",
                                   "calibration", str(row.id), None, None,
                                   view.model_dump(mode="json", include={
                                       "id", "lead", "call_ids", "reviewers", "note"}))
        return view


def submit_verdicts(sessions: sessionmaker[Session], person: Person, call_id: str,
                    given: ReviewInput) -> Review:
    """A participant's blind verdicts on one call of an open session (again: changed)."""
    assert given.calibration_id is not None
    with sessions.begin() as session:
        row, pk = _participant(session, person, given.calibration_id)
        if row.status != "open":
            raise ReviewLoopError(409, f"calibration session {row.id} is closed: its "
                                  "verdicts can no longer change")
        call = next((c for c in store_calibration.calibration_calls(session, row)
                     if c.call_id == call_id), None)
        if call is None:
            raise ReviewLoopError(422, f"call {call_id} is not in calibration session "
                                  f"{row.id}")
        score = automatic_score(session, call)
        check_verdicts(given, {c.id: c for c in score.criteria},
                       reasons_required=False)  # blind: no automatic verdict seen
        existing = store_reviews.find_review(session, call, pk, "calibration", row.id)
        before = (store_reviews.reviews_of(session, [existing], {call.id: call.call_id})[0]
                  if existing else None)
        saved = store_reviews.save_review(
            session, call, pk, "calibration", row.id, given,
            {c.id: c.outcome for c in score.criteria},
            (score.scorecard.id, score.scorecard.version), now())
        review = store_reviews.reviews_of(session, [saved], {call.id: call.call_id})[0]
        store_reviews.append_event(
            session, person.username,
            f"calibration_review.{'updated' if before else 'created'}", "calibration",
            str(row.id), None, snapshot(before), snapshot(review))
        return review


def session_view(sessions: sessionmaker[Session], person: Person, calibration_id: int
                 ) -> Calibration:
    """The session as `person` may see it: while open, only their own verdicts and who
    has scored what; once closed, every verdict, the automatic ones and the agreement.
    qa and admin see any session; a team leader only one they take part in."""
    with sessions() as session:
        row = _visible(session, person, calibration_id)
        return _view(session, row, person)


def list_sessions(sessions: sessionmaker[Session], person: Person, status: str | None,
                  limit: int, cursor: str | None = None, only_mine: bool = False
                  ) -> Page[CalibrationSummary]:
    """Sessions newest first, as `session_view` lets `person` see them: qa and admin every
    one (`only_mine`: those they lead or review), a team leader only their own."""
    offset = page_offset(cursor)
    with sessions() as session:
        everything = person.role in ("admin", "qa") and not only_mine
        pk = None if everything else store_reviews.user_pk(session, person.username)
        if pk is None and not everything:
            return Page[CalibrationSummary](items=[])
        rows = store_calibration.calibration_rows(session, pk, status, limit + 1, offset)
        items = [_summary(session, row) for row in rows[:limit]]
    return Page[CalibrationSummary](items=items, next_cursor=page_cursor(offset + limit)
                                    if len(rows) > limit else None)


def close_session(sessions: sessionmaker[Session], person: Person, calibration_id: int
                  ) -> Calibration:
    """Close the session (its lead, or an admin) and compute the agreement."""
    with sessions.begin() as session:
        row = _visible(session, person, calibration_id)
        lead = store_reviews.usernames(session, [row.lead_pk])[row.lead_pk]
        if person.username != lead and person.role != "admin":
            raise ReviewLoopError(403, f"only the session's lead ({lead}) or an admin may "
                                  "close it")
        if row.status == "closed":
            raise ReviewLoopError(409, f"calibration session {row.id} is closed already")
        store_calibration.close_calibration(session, row, now())
        view = _view(session, row, person)
        store_reviews.append_event(
            session, person.username, "calibration.closed", "calibration", str(row.id),
            None, {"status": "open"},
            view.model_dump(mode="json", include={"status", "closed_at", "agreement"}))
        return view


def _participant(session: Session, person: Person, calibration_id: int
                 ) -> tuple[CalibrationRow, int]:
    row = store_calibration.get_calibration(session, calibration_id)
    pk = store_reviews.user_pk(session, person.username)
    if row is None or pk is None or pk not in dict(
            store_calibration.participants(session, row)):
        raise ReviewLoopError(404, NO_SUCH_SESSION)
    return row, pk


def _visible(session: Session, person: Person, calibration_id: int) -> CalibrationRow:
    if person.role in ("admin", "qa"):
        row = store_calibration.get_calibration(session, calibration_id)
        if row is None:
            raise ReviewLoopError(404, NO_SUCH_SESSION)
        return row
    return _participant(session, person, calibration_id)[0]


def _summary(session: Session, row: CalibrationRow) -> CalibrationSummary:
    people = store_calibration.participants(session, row)
    pairs = {(r.reviewer_pk, r.call_pk) for r in store_calibration.calibration_reviews(
        session, row)}
    scored = {name: sum(1 for who, _ in pairs if who == pk) for pk, name in people}
    return CalibrationSummary.model_validate({
        "id": row.id, "lead": dict(people)[row.lead_pk], "status": row.status,
        "note": row.note, "call_ids": tuple(
            c.call_id for c in store_calibration.calibration_calls(session, row)),
        "reviewers": tuple(name for _, name in people), "scored": scored,
        "created_at": row.created_at, "closed_at": row.closed_at})


def _view(session: Session, row: CalibrationRow, person: Person) -> Calibration:
    calls = store_calibration.calibration_calls(session, row)
    ids = {c.id: c.call_id for c in calls}
    people = store_calibration.participants(session, row)
    names = dict(people)
    closed = row.status == "closed"
    asking = store_reviews.user_pk(session, person.username)
    rows = store_calibration.calibration_reviews(session, row)
    submitted = {name: tuple(ids[r.call_pk] for r in rows if r.reviewer_pk == pk)
                 for pk, name in people}
    shown = rows if closed else [r for r in rows if r.reviewer_pk == asking]
    reviews = store_reviews.reviews_of(session, shown, ids)
    automatic = agreement = None
    if closed:
        automatic = {}
        for call in calls:
            score = store.load_score(session, call)
            automatic[call.call_id] = {c.id: c.outcome for c in score.criteria} if score else {}
        ratings = [(r.call_id, c.id, r.reviewer, c.outcome) for r in reviews
                   for c in r.criteria]
        flat = {(call_id, criterion): outcome for call_id, verdicts in automatic.items()
                for criterion, outcome in verdicts.items()}
        agreement = tuple(calibration_agreement(ratings, names[row.lead_pk], flat))
    return Calibration.model_validate({
        "id": row.id, "lead": names[row.lead_pk], "status": row.status, "note": row.note,
        "call_ids": tuple(ids.values()), "reviewers": tuple(name for _, name in people),
        "submitted": submitted, "reviews": tuple(reviews), "automatic": automatic,
        "agreement": agreement, "created_at": row.created_at, "closed_at": row.closed_at})
