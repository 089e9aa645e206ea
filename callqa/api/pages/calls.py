"""`/calls/{call_id}`: one call for everyone in scope: the recording (range requests, so
the player seeks), the transcript followed while it plays, the scorecard with each
verdict's reason and evidence, the conversation timeline; the review form and the audit
trail (qa, admin, team leaders: the form), acknowledging and disputing (the call's agent).

Forms post here and come back to the page (post/redirect/get) with a one-time message."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Form, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from callqa.api.deps import (
    PageAgent,
    PageQa,
    PageStaff,
    PageUser,
    SessionsDep,
    SettingsDep,
    StoreId,
)
from callqa.api.pages import views
from callqa.api.pages.common import back_to, flash, flashed, page_router, render
from callqa.domain.reviews import (
    AcknowledgementInput,
    CriterionVerdict,
    DisputeInput,
    ResolutionInput,
    ReviewInput,
)
from callqa.services import audit, calls, disputes, pages, reviews

router = page_router()
NOT_FOUND = "no such call"  # also for a call out of scope: the two must look alike
OUTCOMES = (("pass", "Pass"), ("fail", "Fail"), ("na", "Not applicable"))


async def form_data(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


@router.get("/calls/{call_id}", response_class=HTMLResponse)
def call_page(request: Request, call_id: str, person: PageUser, sessions: SessionsDep,
              settings: SettingsDep) -> HTMLResponse:
    detail = reviews.call_with_verdicts(sessions, person, call_id)
    if detail is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    verdicts = list(detail.verdicts)
    reviewed = reviews.reviews_of_call(sessions, person, call_id)
    trail = audit.call_audit(sessions, person, call_id) if person.role in ("qa", "admin") \
        else []
    feedback = pages.call_feedback(sessions, settings.review_loop, person, call_id) \
        if person.role in ("agent", "qa", "admin") and not detail.blind else None
    mine = next((r for r in reviewed.reviews if r.reviewer == person.username), None)
    return render(request, "call.html", person, call=detail,
                  lines=views.transcript_lines(detail.transcript, verdicts),
                  rows=views.verdict_rows(verdicts, detail.score_result),
                  timeline=views.timeline(detail.transcript), reviewed=reviewed,
                  form=views.review_form(verdicts, {c.id: c for c in mine.criteria}
                                         if mine else {}),
                  my_self={c.id: c for c in reviewed.self_assessment.criteria}
                  if reviewed.self_assessment else {},
                  trail=trail, feedback=feedback, outcomes=OUTCOMES,
                  has_audio=detail.source == "audio",
                  can_review=person.role in ("qa", "admin", "team_leader")
                  and detail.score_result is not None,
                  can_self_assess=person.role == "agent" and detail.for_feedback
                  and detail.submitted_by == person.username and not reviewed.reviews
                  and detail.score_result is not None)


@router.get("/calls/{call_id}/audio", response_class=FileResponse)
def call_audio(call_id: str, person: PageUser, sessions: SessionsDep) -> FileResponse:
    """The recording for the page's player (the API's route, with the session's person)."""
    found = calls.recording(sessions, person.scope, call_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return FileResponse(found.path, media_type=found.media_type, filename=found.filename,
                        content_disposition_type="inline")


@router.post("/calls/{call_id}/review")
def review(request: Request, call_id: str, person: PageStaff, sessions: SessionsDep,
           form: FormDep) -> RedirectResponse:
    """The review form: per criterion `outcome.<id>`, `comment.<id>`, `reason.<id>`."""
    with flashed(request, "Review saved.", "The review was not saved"):
        given = ReviewInput(criteria=criterion_verdicts(form), comment=_text(form, "comment"))
        reviews.submit_review(sessions, person, call_id, given)
    return back_to(f"/calls/{call_id}", "review")


@router.post("/calls/{call_id}/self-assessment")
def self_assess(request: Request, call_id: str, person: PageAgent, sessions: SessionsDep,
                form: FormDep) -> RedirectResponse:
    """The agent scores a call they submitted for feedback on its scorecard, before the
    reviewer does."""
    with flashed(request, "Your self-assessment is saved: the reviewer sees it beside theirs.",
                 "Not saved"):
        given = ReviewInput(criteria=criterion_verdicts(form, reasons=False),
                            comment=_text(form, "comment"))
        reviews.submit_self_assessment(sessions, person, call_id, given)
    return back_to(f"/calls/{call_id}", "self-assessment")


@router.post("/calls/{call_id}/disputes/{dispute_id}/resolve")
def resolve_dispute(request: Request, call_id: str, dispute_id: StoreId, person: PageQa,
                    sessions: SessionsDep,
                    decision: Annotated[Literal["accepted", "partial", "rejected"], Form()],
                    comment: Annotated[str, Form(max_length=5000)] = "",
                    outcome: Annotated[Literal["", "pass", "fail", "na"], Form()] = ""
                    ) -> RedirectResponse:
    """qa settles an agent's dispute (accepted: the verdict flips unless `outcome` says)."""
    with flashed(request, f"Dispute {dispute_id} {decision}.", "Not resolved"):
        disputes.resolve(sessions, person, dispute_id, ResolutionInput(
            decision=decision, comment=comment.strip() or None, outcome=outcome or None))
    return back_to(f"/calls/{call_id}", "disputes")


@router.post("/calls/{call_id}/acknowledge")
def acknowledge(request: Request, call_id: str, person: PageAgent, sessions: SessionsDep,
                comment: Annotated[str, Form(max_length=5000)] = "") -> RedirectResponse:
    disputes.acknowledge(sessions, person, call_id,
                         AcknowledgementInput(comment=comment.strip() or None))
    flash(request, "Feedback acknowledged.")
    return back_to(f"/calls/{call_id}", "feedback")


@router.post("/calls/{call_id}/dispute")
def dispute(request: Request, call_id: str, person: PageAgent, sessions: SessionsDep,
            settings: SettingsDep, criterion_id: Annotated[str, Form(max_length=100)],
            reason: Annotated[str, Form(max_length=5000)]) -> RedirectResponse:
    with flashed(request, f"Dispute on {criterion_id} sent to qa.",
                 "The dispute was not opened"):
        disputes.open_dispute(sessions, settings.review_loop, person, call_id,
                              DisputeInput(criterion_id=criterion_id, reason=reason.strip()))
    return back_to(f"/calls/{call_id}", "feedback")


def criterion_verdicts(form: FormData, reasons: bool = True
                       ) -> tuple[CriterionVerdict, ...]:
    """The form's verdicts: `outcome.<id>` (left empty: not given), `comment.<id>` and,
    with `reasons`, `reason.<id>`."""
    given = []
    for key, value in form.multi_items():
        if not key.startswith("outcome.") or not value:
            continue
        criterion = key.removeprefix("outcome.")
        given.append(CriterionVerdict(
            id=criterion, outcome=str(value), comment=_text(form, f"comment.{criterion}"),
            reason=_text(form, f"reason.{criterion}") if reasons else None))
    return tuple(given)


def _text(form: FormData, key: str) -> str | None:
    value = form.get(key)
    return value.strip() or None if isinstance(value, str) else None
