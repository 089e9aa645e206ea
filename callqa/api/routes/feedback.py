"""Feedback to the agent: their reviewed calls, acknowledging one, disputing a criterion,
and qa resolving disputes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status

from callqa.api.deps import AgentUser, AnyUser, QaOrAdmin, SessionsDep, SettingsDep, StoreId
from callqa.domain.reviews import (
    Acknowledgement,
    AcknowledgementInput,
    Dispute,
    DisputeInput,
    FeedbackItem,
    ResolutionInput,
)
from callqa.services import disputes, reviews
from callqa.services.calls import Page

router = APIRouter(tags=["feedback"])
Limit = Annotated[int | None, Query(ge=1, le=500)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such call (or not yours)"}}


@router.get("/feedback", response_model=Page[FeedbackItem])
def feedback(person: AnyUser, sessions: SessionsDep, settings: SettingsDep,
             limit: Limit = None, cursor: str | None = None) -> Page[FeedbackItem]:
    """Reviewed calls in scope (an agent: their own) with verdicts, evidence, comments,
    disputes, and what changed since the agent last acknowledged each."""
    return reviews.feedback(sessions, settings.review_loop, person,
                            limit or settings.api.page_size, cursor)


@router.post("/calls/{call_id}/acknowledge", response_model=Acknowledgement,
             responses=NOT_FOUND)
def acknowledge(call_id: str, given: AcknowledgementInput, person: AgentUser,
                sessions: SessionsDep) -> Acknowledgement:
    return disputes.acknowledge(sessions, person, call_id, given)


@router.post("/calls/{call_id}/disputes", status_code=status.HTTP_201_CREATED,
             response_model=Dispute,
             responses={**NOT_FOUND, 409: {"description": "After the window, or disputed "
                                                          "already"},
                        429: {"description": "Too many disputes in the period"}})
def dispute(call_id: str, given: DisputeInput, person: AgentUser, sessions: SessionsDep,
            settings: SettingsDep) -> Dispute:
    """Dispute one criterion's verdict on your call (within `review_loop.dispute_window_days`
    of its review)."""
    return disputes.open_dispute(sessions, settings.review_loop, person, call_id, given)


@router.get("/disputes", response_model=Page[Dispute])
def list_disputes(person: AnyUser, sessions: SessionsDep, settings: SettingsDep,
                  status_: Annotated[Literal["open", "accepted", "partial", "rejected"] | None,
                                     Query(alias="status")] = None,
                  limit: Limit = None, cursor: str | None = None) -> Page[Dispute]:
    return disputes.list_disputes(sessions, person.scope, status_,
                                  limit or settings.api.page_size, cursor)


@router.post("/disputes/{dispute_id}/resolve", response_model=Dispute,
             responses={404: {"description": "No such dispute"},
                        409: {"description": "Resolved already"}})
def resolve(dispute_id: StoreId, given: ResolutionInput, person: QaOrAdmin,
            sessions: SessionsDep) -> Dispute:
    """Accept (the verdict changes), partly accept or reject a dispute, with a comment."""
    return disputes.resolve(sessions, person, dispute_id, given)
