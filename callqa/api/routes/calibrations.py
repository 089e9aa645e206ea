"""Calibration sessions: a qa lead opens one on a few calls with named reviewers; each scores
blind (`POST calls/{id}/reviews` with `calibration_id`); closing reports the agreement."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from callqa.api.deps import QaOrAdmin, SessionsDep, Staff, StoreId
from callqa.domain.reviews import Calibration, CalibrationInput
from callqa.services import calibration

router = APIRouter(prefix="/calibrations", tags=["calibration"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such session (or you take no part in it)"}}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Calibration)
def open_session(given: CalibrationInput, person: QaOrAdmin, sessions: SessionsDep
                 ) -> Calibration:
    return calibration.open_session(sessions, person, given)


@router.get("/{calibration_id}", response_model=Calibration, responses=NOT_FOUND)
def session_view(calibration_id: StoreId, person: Staff, sessions: SessionsDep
                 ) -> Calibration:
    """While open: your own verdicts and who has scored what. Closed: every verdict, the
    automatic ones and the agreement per criterion."""
    return calibration.session_view(sessions, person, calibration_id)


@router.post("/{calibration_id}/close", response_model=Calibration,
             responses={**NOT_FOUND, 403: {"description": "Not the session's lead"},
                        409: {"description": "Closed already"}})
def close_session(calibration_id: StoreId, person: QaOrAdmin, sessions: SessionsDep
                  ) -> Calibration:
    return calibration.close_session(sessions, person, calibration_id)
