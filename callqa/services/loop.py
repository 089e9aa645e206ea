"""What the services of the human review loop share (reviews, disputes, calibration,
agreement, library, audit): their error, finding a call in a person's scope, the
automatic verdicts of a call, and the verdict table that keeps machine and human apart."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from callqa.domain.errors import CallqaError
from callqa.domain.reviews import CriterionVerdicts, Review, ReviewInput
from callqa.domain.scores import CriterionResult, Outcome, ScoreResult
from callqa.models import store, store_browse, store_reviews
from callqa.models.tables import Call
from callqa.services.users import Person

NO_SUCH_CALL = "no such call"  # also for a call out of scope: the two must look alike


class ReviewLoopError(CallqaError):
    """A review-loop request that cannot be done: `status` is the HTTP status that says
    why (404 not found or out of scope, 409 not now, 422 not valid, 403 not yours, 429 too
    many)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def now() -> datetime:
    return datetime.now(UTC)


def call_in_scope(session: Session, person: Person, call_id: str) -> Call:
    """The call, if the person may see it; else 404 exactly as for a call that does not
    exist."""
    call = store_browse.call_in(session, person.scope, call_id)
    if call is None:
        raise ReviewLoopError(404, NO_SUCH_CALL)
    return call


def person_pk(session: Session, person: Person) -> int:
    pk = store_reviews.user_pk(session, person.username)
    if pk is None:  # signed in a moment ago: only a race with a rename could get here
        raise ReviewLoopError(404, f"no user {person.username!r}")
    return pk


def automatic_score(session: Session, call: Call) -> ScoreResult:
    """The call's current automatic score, 409 when it is not scored."""
    score = store.load_score(session, call)
    if score is None:
        raise ReviewLoopError(409, f"call {call.call_id} has no automatic score yet (status "
                              f"{call.status}): it can be reviewed once it is scored")
    return score


def automatic_results(session: Session, call: Call) -> dict[str, CriterionResult]:
    """criterion_id -> the call's current automatic verdict, 409 when it is not scored."""
    return {c.id: c for c in automatic_score(session, call).criteria}


def check_verdicts(given: ReviewInput, automatic: dict[str, CriterionResult],
                   reasons_required: bool = True) -> None:
    """Every criterion must be on the call's scorecard; an outcome that differs from the
    automatic one needs a reason (422 otherwise)."""
    unknown = [c.id for c in given.criteria if c.id not in automatic]
    if unknown:
        raise ReviewLoopError(422, f"not criteria of this call's scorecard: "
                              f"{', '.join(unknown)} (it has {', '.join(sorted(automatic))})")
    if not reasons_required:
        return
    missing = [c.id for c in given.criteria
               if c.outcome != automatic[c.id].outcome and not (c.reason or "").strip()]
    if missing:
        raise ReviewLoopError(422, "overriding an automatic verdict needs a reason: give "
                              f"`reason` for {', '.join(missing)}")


@dataclass(frozen=True)
class _HumanWord:
    at: datetime
    outcome: Outcome
    source: str
    reviewer: str | None
    comment: str | None
    reason: str | None


class Unread:
    """`verdict_table`'s default: the call's score has not been read yet."""


UNREAD = Unread()


def verdict_table(session: Session, call: Call, score: ScoreResult | Unread | None = UNREAD
                  ) -> list[CriterionVerdicts]:
    """Per criterion of the call's current score: the automatic verdict, the human one (the
    latest review's, or a later dispute resolution's) and the effective one. `score`: the
    current score when the caller has read it already."""
    if isinstance(score, Unread):
        score = store.load_score(session, call)
    automatic = {c.id: c for c in score.criteria} if score else {}
    reviews = store_reviews.call_reviews(session, call, ("review", "self"))
    latest: dict[str, _HumanWord] = {}
    own: dict[str, Outcome] = {}
    for review in reviews:
        for c in review.criteria:
            if review.kind == "self":
                own[c.id] = c.outcome
                continue
            _later(latest, c.id, _HumanWord(review.updated_at, c.outcome,
                                            f"review {review.id}", review.reviewer,
                                            c.comment, c.reason))
    rows = store_reviews.call_dispute_rows(session, call)
    names = store_reviews.usernames(session, (d.resolved_by_pk for d in rows))
    for d in rows:
        if d.outcome is not None and d.resolved_at is not None:
            _later(latest, d.criterion_id, _HumanWord(
                d.resolved_at, d.outcome,  # type: ignore[arg-type]  # CHECKed on write
                f"dispute {d.id}", names.get(d.resolved_by_pk or 0),
                d.resolution_comment, f"dispute {d.status}: {d.reason}"))
    ids = list(automatic) + sorted(set(latest) - set(automatic))
    table = []
    for criterion_id in ids:
        auto = automatic.get(criterion_id)
        word = latest.get(criterion_id)
        table.append(CriterionVerdicts(
            criterion_id=criterion_id, automatic=auto.outcome if auto else None,
            human=word.outcome if word else None,
            effective=word.outcome if word else (auto.outcome if auto else None),
            source=word.source if word else None, reviewer=word.reviewer if word else None,
            comment=word.comment if word else None, reason=word.reason if word else None,
            automatic_reason=auto.reason if auto else None,
            evidence=auto.evidence if auto else (), self_assessed=own.get(criterion_id)))
    return table


def _later(latest: dict[str, _HumanWord], criterion_id: str, word: _HumanWord) -> None:
    if criterion_id not in latest or word.at >= latest[criterion_id].at:
        latest[criterion_id] = word


def verdict_changes(actor: str, call: Call, before: list[CriterionVerdicts],
                    after: list[CriterionVerdicts], session: Session) -> None:
    """Append a `verdict.changed` event for each criterion whose human or effective verdict
    changed, with both states."""
    old = {v.criterion_id: v for v in before}
    for verdict in after:
        previous = old.get(verdict.criterion_id)
        if previous is not None and (previous.human, previous.effective) == (
                verdict.human, verdict.effective):
            continue
        store_reviews.append_event(
            session, actor, "verdict.changed", "verdict",
            f"{call.call_id}/{verdict.criterion_id}", call.call_id,
            before=_verdict_state(previous), after=_verdict_state(verdict))


def _verdict_state(verdict: CriterionVerdicts | None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    return verdict.model_dump(mode="json", include={
        "criterion_id", "automatic", "human", "effective", "source", "reviewer", "reason"})


def snapshot(record: Review | None) -> dict[str, Any] | None:
    return None if record is None else record.model_dump(mode="json")


def page_cursor(offset: int) -> str:
    """The cursor of an offset page (the review loop's lists are small and change slowly)."""
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def page_offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:  # not base64, not ASCII, not UTF-8
        text = ""
    if not (text.startswith("o") and text[1:].isdigit()):
        raise ReviewLoopError(422, "not a cursor this list handed out: pass the previous "
                              "page's next_cursor, or none for the first page")
    return int(text[1:])
