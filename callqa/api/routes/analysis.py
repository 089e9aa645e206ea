"""What the analysis found, in the person's scope: the same content as the CLI's `--json`
(flags, review queue, suggestions, report), as pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel

from callqa.api.deps import SessionsDep, SettingsDep, Staff
from callqa.api.schemas import as_json
from callqa.domain.review import Flag, ReportRow, ReviewItem, ReviewPlan
from callqa.services import analysis, library
from callqa.services.calls import Page
from callqa.services.library import ExampledSuggestion
from callqa.services.loop import page_cursor, page_offset

router = APIRouter(tags=["analysis"])
T = TypeVar("T", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)
Limit = Annotated[int | None, Query(ge=1, le=500)]
From = Annotated[date | None, Query(alias="from")]
To = Annotated[date | None, Query(alias="to")]


class NamedFlag(Flag):
    agent_name: str | None = None


class NamedReviewItem(ReviewItem):
    agent_name: str | None = None


class NamedSuggestion(ExampledSuggestion):
    agent_name: str | None = None


@router.get("/flags", response_model=Page[NamedFlag])
def flags(person: Staff, sessions: SessionsDep, settings: SettingsDep,
          limit: Limit = None, cursor: str | None = None) -> Response:
    found = analysis.stored_flags(sessions, person.scope)
    return as_json(_named(NamedFlag, _page(found, limit or settings.api.page_size, cursor),
                          sessions))


@router.get("/review-queue", response_model=Page[NamedReviewItem])
def review_queue(person: Staff, sessions: SessionsDep, settings: SettingsDep,
                 limit: Limit = None, cursor: str | None = None) -> Response:
    size, offset = limit or settings.api.page_size, page_offset(cursor)
    items = analysis.queue_in_scope(sessions, person.scope, size + 1, offset)
    return as_json(_named(NamedReviewItem, _page(items, size, cursor, offset_done=True),
                          sessions))


@router.get("/review-plan", response_model=ReviewPlan)
def review_plan(person: Staff, sessions: SessionsDep) -> ReviewPlan:
    """How the last analysis spent the review budget and what the targeted calls are expected
    to find against random monitoring (its items: `/review-queue`)."""
    plan = analysis.last_review_plan(sessions)
    if plan is None:
        raise HTTPException(404, "no analysis yet: run `callqa flags` (or its flow) first")
    return plan


@router.get("/suggestions", response_model=Page[NamedSuggestion])
def suggestions(person: Staff, sessions: SessionsDep, settings: SettingsDep,
                start: From = None, end: To = None, limit: Limit = None,
                cursor: str | None = None) -> Page[NamedSuggestion]:
    picks = library.suggestions_with_examples(sessions, settings, person.scope, start, end)
    return _named(NamedSuggestion, _page(picks, limit or settings.api.page_size, cursor),
                  sessions)


@router.get("/reports", response_model=Page[ReportRow])
def reports(person: Staff, sessions: SessionsDep, settings: SettingsDep,
            start: From = None, end: To = None, limit: Limit = None,
            cursor: str | None = None) -> Page[ReportRow]:
    rows = analysis.report_in_scope(sessions, settings, person.scope, start, end)
    return _page(rows, limit or settings.api.page_size, cursor)


def _named(kind: type[T], page: Page[R], sessions: Any) -> Page[T]:
    """The page's records with their agents' names (looked up for this page's agents only,
    not for every agent)."""
    names = analysis.agent_names(sessions, {getattr(r, "agent_id", "") for r in page.items})
    return Page[T](items=[kind.model_validate({**dict(r),
                                               "agent_name": names.get(getattr(r, "agent_id",
                                                                               ""))})
                          for r in page.items], next_cursor=page.next_cursor)


def _page(items: Sequence[T], size: int, cursor: str | None,
          offset_done: bool = False) -> Page[T]:
    """Offset pages over a list (already offset by the query when `offset_done`)."""
    offset = page_offset(cursor)
    window = list(items) if offset_done else list(items[offset:])
    more = len(window) > size
    next_cursor = page_cursor(offset + size) if more else None
    return Page[T](items=window[:size], next_cursor=next_cursor)

