"""Erasure and legal hold (admins only): `DELETE /calls/{id}` removes a call everywhere
(204; 409 while under legal hold), `PUT` and `DELETE /calls/{id}/legal-hold` set and
release the hold. docs/privacy.md says what goes and what stays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, Field

from callqa.api.deps import Admin, SessionsDep, SettingsDep
from callqa.services import erasure
from callqa.services.erasure import ErasureError, LegalHold

router = APIRouter(prefix="/calls", tags=["erasure"])
T = TypeVar("T")
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such call"}}


class HoldInput(BaseModel):
    reason: str = Field(min_length=1, max_length=2000,
                        description="Why: a case or request reference.")


def _answered(change: Callable[[], T]) -> T:
    try:
        return change()
    except ErasureError as exc:
        raise HTTPException(exc.status, str(exc)) from exc


@router.delete("/{call_id}", status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response,
               responses={**NOT_FOUND, 409: {"description": "Under legal hold"}})
def delete_call(call_id: str, person: Admin, sessions: SessionsDep,
                settings: SettingsDep) -> Response:
    """Remove the call and everything about it; an audit event keeps who, when and the id."""
    _answered(lambda: erasure.delete_call(sessions, settings, call_id, person.username,
                                          person.scope))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{call_id}/legal-hold", response_model=LegalHold, responses=NOT_FOUND)
def set_hold(call_id: str, given: HoldInput, person: Admin, sessions: SessionsDep
             ) -> LegalHold:
    return _answered(lambda: erasure.set_hold(sessions, call_id, person.username,
                                              given.reason, person.scope))


@router.delete("/{call_id}/legal-hold", response_model=LegalHold, responses=NOT_FOUND)
def release_hold(call_id: str, person: Admin, sessions: SessionsDep) -> LegalHold:
    return _answered(lambda: erasure.release_hold(sessions, call_id, person.username,
                                                  person.scope))
