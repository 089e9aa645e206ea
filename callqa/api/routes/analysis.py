"""What the analysis found, in the person's scope: the same content as the CLI's `--json`
(flags, review queue, suggestions, report), as pages."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel

from callqa.api.deps import SessionsDep, SettingsDep, Staff
from callqa.domain.review import Flag, ReportRow, ReviewItem, Suggestion
from callqa.services import analysis
from callqa.services.calls import Page

router = APIRouter(tags=["analysis"])
T = TypeVar("T", bound=BaseModel)
Limit = Annotated[int | None, Query(ge=1, le=500)]
From = Annotated[date | None, Query(alias="from")]
To = Annotated[date | None, Query(alias="to")]


class NamedFlag(Flag):
    agent_name: str | None = None


class NamedReviewItem(ReviewItem):
    agent_name: str | None = None


class NamedSuggestion(Suggestion):
    agent_name: str | None = None


@router.get("/flags", response_model=Page[NamedFlag])
def flags(person: Staff, sessions: SessionsDep, settings: SettingsDep,
          limit: Limit = None, cursor: str | None = None) -> Page[NamedFlag]:
    found = analysis.stored_flags(sessions, person.scope)
    return _page(_named(NamedFlag, found, sessions), limit or settings.api.page_size, cursor)


@router.get("/review-queue", response_model=Page[NamedReviewItem])
def review_queue(person: Staff, sessions: SessionsDep, settings: SettingsDep,
                 limit: Limit = None, cursor: str | None = None) -> Page[NamedReviewItem]:
    size, offset = limit or settings.api.page_size, _offset(cursor)
    items = analysis.queue_in_scope(sessions, person.scope, size + 1, offset)
    return _page(_named(NamedReviewItem, items, sessions), size, cursor, offset_done=True)


@router.get("/suggestions", response_model=Page[NamedSuggestion])
def suggestions(person: Staff, sessions: SessionsDep, settings: SettingsDep,
                start: From = None, end: To = None, limit: Limit = None,
                cursor: str | None = None) -> Page[NamedSuggestion]:
    picks = analysis.suggestions_in_scope(sessions, settings, person.scope, start, end)
    return _page(_named(NamedSuggestion, picks, sessions), limit or settings.api.page_size,
                 cursor)


@router.get("/reports", response_model=Page[ReportRow])
def reports(person: Staff, sessions: SessionsDep, settings: SettingsDep,
            start: From = None, end: To = None, limit: Limit = None,
            cursor: str | None = None) -> Page[ReportRow]:
    rows = analysis.report_in_scope(sessions, settings, person.scope, start, end)
    return _page(rows, limit or settings.api.page_size, cursor)


def _named(kind: type[T], records: Sequence[BaseModel], sessions: Any) -> list[T]:
    names = analysis.agent_names(sessions)
    return [kind.model_validate({**r.model_dump(),
                                 "agent_name": names.get(getattr(r, "agent_id", ""))})
            for r in records]


def _page(items: Sequence[T], size: int, cursor: str | None,
          offset_done: bool = False) -> Page[T]:
    """Offset pages over a list (already offset by the query when `offset_done`)."""
    offset = _offset(cursor)
    window = list(items) if offset_done else list(items[offset:])
    more = len(window) > size
    next_cursor = _cursor(offset + size) if more else None
    return Page[T](items=window[:size], next_cursor=next_cursor)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8
        text = ""
    if not (text.startswith("o") and text[1:].isdigit()):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            "not a cursor this list handed out: pass the previous page's "
                            "next_cursor, or none for the first page")
    return int(text[1:])
