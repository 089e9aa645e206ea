"""What every page shares: the templates, rendering with the signed-in person, the CSRF
token and a one-time message, error pages, and offset pages over a list."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import BeforeValidator, ValidationError

from callqa.api.deps import CSRF_FIELD, csrf_checked, csrf_token
from callqa.services.loop import ReviewLoopError
from callqa.services.users import Person

T = TypeVar("T")
TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
NOT_PAGES = ("/api/", "/docs", "/redoc", "/openapi.json", "/healthz")
FLASH = "flash"
PAGE_SIZE = 25
LAST_PAGE = 100_000  # a bigger `?page=` is a typo, not a page
NAV = {  # role -> the pages in its menu (path, label)
    "qa": (("/queue", "Review queue"), ("/agents", "Flagged agents"),
           ("/disputes", "Disputes"), ("/calibrations", "Calibration")),
    "admin": (("/queue", "Review queue"), ("/agents", "Flagged agents"),
              ("/disputes", "Disputes"), ("/calibrations", "Calibration"),
              ("/admin/users", "Users"), ("/admin/scorecards", "Scorecards")),
    "team_leader": (("/team", "My team"), ("/queue", "Review queue"),
                    ("/agents", "Flagged agents"), ("/calibrations", "Calibration")),
    "agent": (("/me", "My calls"),),
}


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


DateFilter = Annotated[date | None, BeforeValidator(_blank_is_none), Query()]
"""A date filter of a page's form (an empty field: no filter)."""


def page_router() -> APIRouter:
    """A router of pages: out of the OpenAPI schema, every POST checked for its CSRF token."""
    return APIRouter(include_in_schema=False, dependencies=[Depends(csrf_checked)])


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


def render(request: Request, template: str, person: Person | None,
           status_code: int = 200, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, {
        "person": person, "nav": NAV.get(person.role, ()) if person else (),
        "csrf_field": CSRF_FIELD, "csrf_token": csrf_token(request),
        "flash": request.session.pop(FLASH, None), **context}, status_code=status_code)


def render_error(request: Request, status_code: int, detail: str) -> HTMLResponse:
    titles = {403: "Not allowed", 404: "Not found", 409: "Not possible now",
              422: "Not valid", 429: "Too many requests"}
    return render(request, "error.html", None, status_code=status_code,
                  title=titles.get(status_code, "Something went wrong"), detail=detail)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A message shown once, on the next page (after a form's redirect)."""
    request.session[FLASH] = {"message": message, "kind": kind}


def first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


@contextmanager
def flashed(request: Request, done: str, refused: str) -> Iterator[None]:
    """Run a form's service call: on success flash `done`; when the input is invalid or the
    review loop refuses it, flash `refused: why` as an error. A 404 passes through (a call
    out of scope looks exactly like one that does not exist)."""
    try:
        yield
    except ValidationError as exc:
        flash(request, f"{refused}: {first_error(exc)}", "error")
    except ReviewLoopError as exc:
        if exc.status == 404:
            raise
        flash(request, f"{refused}: {exc}", "error")
    else:
        flash(request, done)


def back_to(path: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(path + (f"#{anchor}" if anchor else ""), status_code=303)


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page of a list, with the links to the pages beside it."""

    items: list[T]
    number: int
    previous: str | None
    next: str | None


def page_number(request: Request) -> int:
    """The `?page=` asked for (1 first; anything else, or past `LAST_PAGE`: 1)."""
    raw = request.query_params.get("page", "1")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 1
    return number if 1 <= number <= LAST_PAGE else 1


def page_of(request: Request, items: Sequence[T], number: int, more: bool) -> Paged[T]:
    """Page `number` of a list a service cut (`more`: a next page exists), with links that
    keep the other query parameters."""

    def link(n: int) -> str:
        params = {**request.query_params, "page": str(n)}
        return f"{request.url.path}?{urlencode(params)}"

    return Paged(list(items), number, link(number - 1) if number > 1 else None,
                 link(number + 1) if more else None)


def paged(request: Request, items: Sequence[T], size: int = PAGE_SIZE) -> Paged[T]:
    """The `?page=` page of `items` (1 first); links keep the other query parameters."""
    number = page_number(request)
    start = (number - 1) * size
    return page_of(request, items[start:start + size], number, len(items) > start + size)


def clock(seconds: float | None) -> str:
    """m:ss (h:mm:ss past an hour)."""
    if seconds is None:
        return "–"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "–"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


TEMPLATES.env.filters.update(clock=clock, when=when, percent=percent, number=number)
