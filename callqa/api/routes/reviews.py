"""Reviews of a call: qa users and team leaders (in scope) review it on its scorecard, the
agent who submitted it for feedback assesses it first, everyone in scope reads them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from callqa.api.deps import AgentUser, AnyUser, SessionsDep, Staff
from callqa.domain.reviews import CallReviews, Review, ReviewInput
from callqa.services import reviews

router = APIRouter(prefix="/calls/{call_id}", tags=["reviews"])
ANSWERS: dict[int | str, dict[str, Any]] = {404: {"description": "No such call (or out of scope)"},
           409: {"description": "Not scored yet, or not possible now"},
           422: {"description": "Not a criterion of the call, or an override without a reason"}}


@router.post("/reviews", status_code=status.HTTP_201_CREATED, response_model=Review,
             responses=ANSWERS)
def review_call(call_id: str, given: ReviewInput, person: Staff, sessions: SessionsDep
                ) -> Review:
    """Review the call (again: your review changes). An outcome other than the automatic
    one needs a `reason`; with `calibration_id`, blind verdicts in that session."""
    return reviews.submit_review(sessions, person, call_id, given)


@router.get("/reviews", response_model=CallReviews, responses=ANSWERS)
def call_reviews(call_id: str, person: AnyUser, sessions: SessionsDep) -> CallReviews:
    return reviews.reviews_of_call(sessions, person, call_id)


@router.post("/self-assessment", status_code=status.HTTP_201_CREATED, response_model=Review,
             responses=ANSWERS)
def self_assess(call_id: str, given: ReviewInput, person: AgentUser, sessions: SessionsDep
                ) -> Review:
    """Score a call you submitted for feedback yourself, before the reviewer does."""
    return reviews.submit_self_assessment(sessions, person, call_id, given)
