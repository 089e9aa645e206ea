"""`GET /api/v1/calls/{id}/audit`: the call's append-only audit trail (qa and admin). There
is no route that changes or deletes an event."""

from __future__ import annotations

from fastapi import APIRouter

from callqa.api.deps import QaOrAdmin, SessionsDep
from callqa.domain.reviews import AuditEvent
from callqa.services import audit

router = APIRouter(tags=["audit"])


@router.get("/calls/{call_id}/audit", response_model=list[AuditEvent],
            responses={404: {"description": "No such call"},
                       409: {"description": "You score it in an open calibration session"}})
def call_audit(call_id: str, person: QaOrAdmin, sessions: SessionsDep) -> list[AuditEvent]:
    """Every change about the call, oldest first: who, when, what, before and after."""
    return audit.call_audit(sessions, person, call_id)
