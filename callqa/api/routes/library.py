"""The exemplary-call library: qa and team leaders mark calls, everyone browses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from callqa.api.deps import AnyUser, SessionsDep, SettingsDep, Staff
from callqa.domain.reviews import LibraryEntry, LibraryInput
from callqa.services import library
from callqa.services.calls import Page

router = APIRouter(prefix="/library", tags=["library"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=LibraryEntry,
             responses={404: {"description": "No such call (or out of scope)"}})
def mark_exemplary(given: LibraryInput, person: Staff, sessions: SessionsDep) -> LibraryEntry:
    return library.mark_exemplary(sessions, person, given)


@router.get("", response_model=Page[LibraryEntry])
def browse(person: AnyUser, sessions: SessionsDep, settings: SettingsDep,
           criterion_id: str | None = None, call_type: str | None = None,
           limit: Annotated[int | None, Query(ge=1, le=500)] = None,
           cursor: str | None = None) -> Page[LibraryEntry]:
    return library.browse(sessions, criterion_id, call_type,
                          limit or settings.api.page_size, cursor)
