"""`/calibrations/{id}`: a calibration session for its participants. While it is open, each
scores every call blind (no automatic or other verdicts shown; the call page hides them
too); the lead closes it; then the agreement table per criterion."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from callqa.api.deps import PageQa, PageStaff, SessionsDep, StoreId
from callqa.api.pages.calls import OUTCOMES, FormDep, criterion_verdicts, first_error
from callqa.api.pages.common import back_to, flash, page_router, render
from callqa.domain.reviews import ReviewInput
from callqa.services import calibration, pages, reviews
from callqa.services.loop import ReviewLoopError

router = page_router()


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
    try:
        given = ReviewInput(criteria=criterion_verdicts(form, reasons=False),
                            calibration_id=calibration_id)
        reviews.submit_review(sessions, person, call_id, given)
    except ValidationError as exc:
        flash(request, f"Not saved: {first_error(exc)}", "error")
    except ReviewLoopError as exc:
        if exc.status == 404:
            raise
        flash(request, f"Not saved: {exc}", "error")
    else:
        flash(request, f"Your verdicts on {call_id} are saved.")
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
