"""Feedback to the agent: acknowledging a reviewed call, disputing a criterion within the
window and the limit per period, and qa resolving the dispute (the agent is told in their
feedback list, `services.reviews.feedback`).

Only the call's own agent acknowledges or disputes: the routes take agents only, and a
call outside the agent's scope (another agent's) is 404, as if it did not exist."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import ReviewLoopSettings
from callqa.domain.queries import Scope
from callqa.domain.reviews import (
    Acknowledgement,
    AcknowledgementInput,
    Dispute,
    DisputeInput,
    ResolutionInput,
)
from callqa.domain.scores import Outcome
from callqa.models import store_reviews
from callqa.models.reviews import DisputeRow
from callqa.services.calls import Page
from callqa.services.loop import (
    ReviewLoopError,
    call_in_scope,
    now,
    page_cursor,
    page_offset,
    person_pk,
    verdict_changes,
    verdict_table,
)
from callqa.services.reviews import dispute_deadline
from callqa.services.users import Person

FLIPPED: dict[str, Outcome] = {"pass": "fail", "fail": "pass"}


def acknowledge(sessions: sessionmaker[Session], person: Person, call_id: str,
                given: AcknowledgementInput) -> Acknowledgement:
    """The agent has seen the call's feedback (again: the comment is changed)."""
    with sessions.begin() as session:
        call = call_in_scope(session, person, call_id)
        pk = person_pk(session, person)
        existing = store_reviews.acknowledgement(session, call, pk)
        before = ({"comment": existing.comment, "at": existing.updated_at.isoformat()}
                  if existing else None)
        row = store_reviews.save_acknowledgement(session, call, pk, given.comment, now())
        store_reviews.append_event(
            session, person.username,
            f"acknowledgement.{'updated' if existing else 'created'}", "acknowledgement",
            str(row.id), call.call_id, before,
            {"comment": row.comment, "at": row.updated_at.isoformat()})
        return Acknowledgement(call_id=call.call_id, by=person.username, comment=row.comment,
                               at=row.updated_at)


def open_dispute(sessions: sessionmaker[Session], settings: ReviewLoopSettings,
                 person: Person, call_id: str, given: DisputeInput) -> Dispute:
    """The call's agent disputes one criterion's verdict: within `dispute_window_days` of
    its delivery (409 after), one open dispute per criterion (409), at most
    `disputes_per_period` per `dispute_period_days` (429)."""
    with sessions.begin() as session:
        call = call_in_scope(session, person, call_id)
        pk = person_pk(session, person)
        verdicts = {v.criterion_id: v for v in verdict_table(session, call)}
        if given.criterion_id not in verdicts:
            raise ReviewLoopError(422, f"{given.criterion_id!r} is not a criterion of this "
                                  f"call (it has {', '.join(sorted(verdicts)) or 'none'})")
        moment = now()
        deadline = dispute_deadline(session, settings, call)
        if deadline is not None and moment > deadline:
            raise ReviewLoopError(409, f"the dispute window closed on {deadline:%Y-%m-%d %H:%M}"
                                  f" UTC ({settings.dispute_window_days:g} days after the "
                                  "verdict was delivered; setting "
                                  "review_loop.dispute_window_days): ask your team leader")
        if store_reviews.open_dispute(session, call, given.criterion_id) is not None:
            raise ReviewLoopError(409, f"{given.criterion_id} on this call is disputed "
                                  "already: wait for qa's resolution")
        since = moment - timedelta(days=settings.dispute_period_days)
        if store_reviews.disputes_since(session, pk, since) >= settings.disputes_per_period:
            raise ReviewLoopError(429, f"you have opened {settings.disputes_per_period} "
                                  f"disputes in the last {settings.dispute_period_days:g} "
                                  "days, the most allowed (review_loop.disputes_per_period)")
        row = store_reviews.add_dispute(session, call, given.criterion_id, pk, given.reason,
                                        verdicts[given.criterion_id].effective, moment)
        dispute = _record(session, row, call.call_id)
        store_reviews.append_event(session, person.username, "dispute.opened", "dispute",
                                   str(row.id), call.call_id, None,
                                   dispute.model_dump(mode="json"))
        return dispute


def resolve(sessions: sessionmaker[Session], person: Person, dispute_id: int,
            given: ResolutionInput) -> Dispute:
    """qa settles a dispute; an accepted (or partial, with an outcome) one changes the
    human verdict, and both changes are audit events."""
    with sessions.begin() as session:
        found = store_reviews.get_dispute(session, dispute_id, person.scope)
        if found is None:
            raise ReviewLoopError(404, "no such dispute")
        row, call = found
        if row.status != "open":
            raise ReviewLoopError(409, f"dispute {row.id} was resolved already "
                                  f"({row.status})")
        outcome = given.outcome
        if given.decision == "accepted" and outcome is None:
            outcome = FLIPPED.get(row.disputed_outcome or "")
            if outcome is None:
                raise ReviewLoopError(422, "say which verdict the accepted dispute leaves: "
                                      "give `outcome` (pass, fail or na)")
        before_verdicts = verdict_table(session, call)
        before = _record(session, row, call.call_id)
        store_reviews.resolve_dispute(session, row, given.decision, outcome, given.comment,
                                      person_pk(session, person), now())
        after = _record(session, row, call.call_id)
        store_reviews.append_event(session, person.username, "dispute.resolved", "dispute",
                                   str(row.id), call.call_id, before.model_dump(mode="json"),
                                   after.model_dump(mode="json"))
        verdict_changes(person.username, call, before_verdicts, verdict_table(session, call),
                        session)
        return after


def list_disputes(sessions: sessionmaker[Session], scope: Scope, status: str | None,
                  limit: int, cursor: str | None = None) -> Page[Dispute]:
    """Disputes on calls in scope (an agent: their own), newest first."""
    offset = page_offset(cursor)
    with sessions() as session:
        rows = store_reviews.dispute_rows(session, scope, status, limit + 1, offset)
        items = store_reviews.disputes_of(session, [(d, c.call_id) for d, c in rows[:limit]])
    return Page[Dispute](items=items, next_cursor=page_cursor(offset + limit)
                         if len(rows) > limit else None)


def _record(session: Session, row: DisputeRow, call_id: str) -> Dispute:
    return store_reviews.disputes_of(session, [(row, call_id)])[0]
