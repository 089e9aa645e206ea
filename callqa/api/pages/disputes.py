"""`/disputes`: the agents' disputes on the calls in scope for qa (and admin), waiting for a
decision by default, newest first, filterable by status. Each links to its call, whose page
resolves it (`calls.resolve_dispute`); agents see their own on `/me`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from callqa.api.deps import PageQa, SessionsDep
from callqa.api.pages.common import PAGE_SIZE, page_number, page_of, page_router, render
from callqa.services import disputes, pages
from callqa.services.loop import page_cursor

router = page_router()
STATUSES = (("open", "Waiting for a decision"), ("accepted", "Accepted"),
            ("partial", "Partly accepted"), ("rejected", "Rejected"), ("all", "Any status"))
TAGS = {"open": "waiting", "accepted": "accepted", "partial": "partly accepted",
        "rejected": "rejected"}


@router.get("/disputes", response_class=HTMLResponse)
def disputes_page(request: Request, person: PageQa, sessions: SessionsDep,
                  status_: Annotated[Literal["open", "accepted", "partial", "rejected", "all"],
                                     Query(alias="status")] = "open") -> HTMLResponse:
    number = page_number(request)
    found = disputes.list_disputes(sessions, person.scope,
                                   None if status_ == "all" else status_, PAGE_SIZE,
                                   page_cursor((number - 1) * PAGE_SIZE))
    return render(request, "disputes.html", person,
                  page=page_of(request, found.items, number, found.next_cursor is not None),
                  facts=pages.call_facts(sessions, person.scope,
                                         {d.call_id for d in found.items}),
                  statuses=STATUSES, tags=TAGS, chosen=status_)
