"""`/me`: an agent's own calls with their scores and reviews, their disputes, and a call
submitted for feedback (upload, note), followed until it is scored (htmx polls its row)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import BackgroundTasks, File, Form, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse

from callqa.api.deps import PageAgent, SessionsDep, SettingsDep
from callqa.api.pages.common import DateFilter, back_to, flash, page_router, render
from callqa.api.pages.plots import trend_plot
from callqa.domain.queries import CallQuery
from callqa.services import calls, disputes, pages
from callqa.services.calls import BadCursorError, SubmissionError

router = page_router()
STATUSES = ("pending", "processing", "processed", "failed")
DISPUTES_PAGE = 20
Status = Literal["", "pending", "processing", "processed", "failed"]


@router.get("/me", response_model=None)
def my_page(request: Request, person: PageAgent, sessions: SessionsDep, settings: SettingsDep,
            call_type: str = "", status_: Annotated[Status, Query(alias="status")] = "",
            start: DateFilter = None,
            end: DateFilter = None, cursor: str | None = None,
            disputes_cursor: str | None = None
            ) -> HTMLResponse | RedirectResponse:
    query = CallQuery(start, end, None, None, call_type or None, status_ or None, None)
    try:
        page = calls.list_calls(sessions, person.scope, query, settings.api.page_size, cursor,
                                person.username)
    except BadCursorError:
        return RedirectResponse("/me", status_code=303)  # a cursor from an old page
    facts = pages.call_facts(sessions, person.scope, [c.call_id for c in page.items])
    mine = disputes.list_disputes(sessions, person.scope, None, DISPUTES_PAGE, disputes_cursor)
    params = {k: v for k, v in request.query_params.items()
              if k not in ("cursor", "disputes_cursor")}
    return render(request, "me.html", person, calls=page.items, facts=facts,
                  next_cursor=page.next_cursor, params=params, disputes=mine.items,
                  disputes_next=mine.next_cursor,
                  statuses=STATUSES, chosen={"call_type": call_type, "status": status_,
                                             "start": start or "", "end": end or ""},
                  plots=[trend_plot(t) for t in pages.my_trends(sessions, settings, person)])


@router.get("/me/calls/{call_id}/row", response_class=HTMLResponse)
def call_row(request: Request, call_id: str, person: PageAgent, sessions: SessionsDep
             ) -> HTMLResponse:
    """One row of my calls (htmx polls it while the call is being processed)."""
    found = calls.call_detail(sessions, person.scope, call_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such call")
    facts = pages.call_facts(sessions, person.scope, [call_id])
    return render(request, "_my_call_row.html", person, call=found, facts=facts)


@router.post("/me/submissions")
def submit(request: Request, person: PageAgent, sessions: SessionsDep, settings: SettingsDep,
           background: BackgroundTasks, audio: Annotated[UploadFile, File()],
           note: Annotated[str, Form(max_length=2000)] = "",
           call_type: Annotated[str, Form(max_length=64)] = "") -> RedirectResponse:
    """Submit one of my calls for feedback: processed like the API's upload."""
    metadata = {"call_type": call_type} if call_type else {}
    try:
        call_id, created = calls.submit_call(sessions, settings, person, audio.file,
                                             audio.filename or "upload", "audio", metadata,
                                             note.strip() or None)
    except SubmissionError as exc:
        flash(request, f"The call was not submitted: {exc}", "error")
        return back_to("/me", "submit")
    if created and settings.api.process_uploads == "inline":
        background.add_task(request.app.state.process_pending)
    flash(request, f"Call {call_id} submitted: it is scored in a minute or two."
          if created else f"That recording is call {call_id} already.")
    return back_to("/me", "calls")
