"""Calibration sessions in the browser. `/calibrations`: the sessions a person may see
(qa and admin: every one; a team leader: those they lead or review), and for qa and admin
the form that opens one on a few calls (picked from the review queue or typed) with
reviewers among the qa, admin and team leader users. `/calibrations/{id}`: the session for
its participants. While it is open, each scores every call blind (no automatic or other
verdicts shown; the call page hides them too); the lead closes it; then the agreement
table per criterion."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from callqa.api.deps import PageQa, PageStaff, SessionsDep, StoreId
from callqa.api.pages.calls import OUTCOMES, FormDep, criterion_verdicts
from callqa.api.pages.common import (
    PAGE_SIZE,
    back_to,
    first_error,
    flash,
    flashed,
    page_number,
    page_of,
    page_router,
    render,
)
from callqa.domain.reviews import CalibrationInput, ReviewInput
from callqa.services import analysis, calibration, pages, reviews, users
from callqa.services.loop import ReviewLoopError, page_cursor

router = page_router()
CANDIDATE_CALLS = 30  # the head of the review queue offered as checkboxes
CALLS_AT_MOST = 50  # CalibrationInput's limit
Chosen = Annotated[list[str] | None, Query(max_length=CALLS_AT_MOST)]


@router.get("/calibrations", response_class=HTMLResponse)
def calibrations_page(request: Request, person: PageStaff, sessions: SessionsDep,
                      status_: Annotated[Literal["", "open", "closed"],
                                         Query(alias="status")] = "",
                      whose: Literal["", "mine"] = "", call: Chosen = None,
                      reviewer: Chosen = None,
                      note: Annotated[str, Query(max_length=5000)] = "") -> HTMLResponse:
    """The sessions, newest first; `call`, `reviewer` and `note` fill the form in again
    (after a refused one)."""
    number = page_number(request)
    found = calibration.list_sessions(sessions, person, status_ or None, PAGE_SIZE,
                                      page_cursor((number - 1) * PAGE_SIZE),
                                      only_mine=whose == "mine")
    can_open = person.role in ("qa", "admin")
    queued = analysis.queue_in_scope(sessions, person.scope, CANDIDATE_CALLS) \
        if can_open else []
    offered, picked = {q.call_id for q in queued}, call or []
    return render(
        request, "calibrations.html", person,
        page=page_of(request, found.items, number, found.next_cursor is not None),
        can_open=can_open, queued=queued,
        facts=pages.call_facts(sessions, person.scope, offered),
        reviewers=[u for u in users.list_users(sessions) if can_open and not u.disabled
                   and u.role in calibration.REVIEWER_ROLES
                   and u.username != person.username],
        chosen={"status": status_, "whose": whose, "calls": picked,
                "reviewers": reviewer or [], "note": note,
                "other_calls": " ".join(c for c in picked if c not in offered)})


@router.post("/calibrations")
def open_session(request: Request, person: PageQa, sessions: SessionsDep, form: FormDep
                 ) -> RedirectResponse:
    """The form: `call_id` (checked, repeated), `other_calls` (typed ids, separated by
    commas or spaces), `reviewer` (usernames, repeated), `note`."""
    typed = form.get("other_calls")
    call_ids = list(dict.fromkeys(c for c in [
        *(v for v in form.getlist("call_id") if isinstance(v, str)),
        *re.split(r"[\s,;]+", typed if isinstance(typed, str) else "")] if c))
    names = list(dict.fromkeys(v for v in form.getlist("reviewer")
                               if isinstance(v, str) and v))
    raw_note = form.get("note")
    note = raw_note.strip() if isinstance(raw_note, str) else ""
    problem = ("choose at least one call" if not call_ids else
               "choose at least one reviewer besides you" if not names else None)
    if problem is None:
        try:
            opened = calibration.open_session(sessions, person, CalibrationInput(
                call_ids=tuple(call_ids), reviewers=tuple(names), note=note or None))
        except ValidationError as exc:
            problem = first_error(exc)
        except ReviewLoopError as exc:
            problem = str(exc)
        else:
            flash(request, f"Calibration session {opened.id} is open: score each call "
                  "below; the reviewers see it on their Calibration page.")
            return back_to(f"/calibrations/{opened.id}")
    flash(request, f"The session was not opened: {problem.rstrip('.')}.", "error")
    again = [("call", c[:200]) for c in call_ids[:CALLS_AT_MOST]] + [
        ("reviewer", r[:200]) for r in names[:CALLS_AT_MOST]] + [("note", note[:2000])]
    return back_to(f"/calibrations?{urlencode(again)}", "open-session")


@router.get("/calibrations/{calibration_id}", response_class=HTMLResponse)
def calibration_page(request: Request, calibration_id: StoreId, person: PageStaff,
                     sessions: SessionsDep) -> HTMLResponse:
    view = calibration.session_view(sessions, person, calibration_id)
    mine = {r.call_id: {c.id: c for c in r.criteria} for r in view.reviews
            if r.reviewer == person.username}
    return render(request, "calibration.html", person, view=view, mine=mine,
                  criteria=pages.calibration_criteria(sessions, view) if view.status == "open"
                  else {}, outcomes=OUTCOMES)


@router.post("/calibrations/{calibration_id}/calls/{call_id}")
def score_blind(request: Request, calibration_id: StoreId, call_id: str, person: PageStaff,
                sessions: SessionsDep, form: FormDep) -> RedirectResponse:
    with flashed(request, f"Your verdicts on {call_id} are saved.", "Not saved"):
        given = ReviewInput(criteria=criterion_verdicts(form, reasons=False),
                            calibration_id=calibration_id)
        reviews.submit_review(sessions, person, call_id, given)
    return back_to(f"/calibrations/{calibration_id}", f"c-{call_id}")


@router.post("/calibrations/{calibration_id}/close")
def close(request: Request, calibration_id: StoreId, person: PageQa, sessions: SessionsDep
          ) -> RedirectResponse:
    try:
        calibration.close_session(sessions, person, calibration_id)
    except ReviewLoopError as exc:
        if exc.status == 404:
            raise
        flash(request, str(exc), "error")
    else:
        flash(request, "The session is closed: the agreement is below.")
    return back_to(f"/calibrations/{calibration_id}")
