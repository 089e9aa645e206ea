"""Calls: a page of them, one with its transcript and score, its recording (with HTTP range
requests, so a player can seek), and uploads (`POST`, answered 202)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Literal

from fastapi import (
    APIRouter,
    BackgroundTasks,
    File,
    Form,
    HTTPException,
    Query,
    Request,
    UploadFile,
    status,
)
from fastapi.responses import FileResponse, Response

from callqa.api.deps import AnyUser, SessionsDep, SettingsDep
from callqa.api.schemas import Submitted, as_json
from callqa.domain.queries import CallQuery
from callqa.services import calls, reviews
from callqa.services.calls import CallSummary, Page, SubmissionError
from callqa.services.reviews import ReviewedCallDetail

router = APIRouter(prefix="/calls", tags=["calls"])
NOT_FOUND = "no such call"  # also for a call out of scope: the two must look alike


@router.get("", response_model=Page[CallSummary])
def list_calls(
    person: AnyUser, sessions: SessionsDep, settings: SettingsDep,
    limit: Annotated[int | None, Query(ge=1, le=500)] = None,
    cursor: str | None = None, agent_id: str | None = None, team_id: str | None = None,
    call_type: str | None = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    status_: Annotated[Literal["pending", "processing", "processed", "failed"] | None,
                       Query(alias="status")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the transcript.")
                 ] = None,
) -> Response:
    query = CallQuery(start, end, agent_id, team_id, call_type, status_, q)
    return as_json(calls.list_calls(sessions, person.scope, query,
                                    limit or settings.api.page_size, cursor, person.username))


@router.get("/{call_id}", response_model=ReviewedCallDetail)
def call_detail(call_id: str, person: AnyUser, sessions: SessionsDep) -> Response:
    """The call with its transcript, score and, per criterion, the automatic, human and
    effective verdicts."""
    found = reviews.call_with_stored_transcript(sessions, person, call_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    detail, transcript = found
    return as_json(detail, transcript=transcript)


@router.get("/{call_id}/audio", response_class=FileResponse,
            responses={200: {"content": {"audio/*": {}}}, 206: {"description": "A range"},
                       404: {"description": "No such call, or no recording kept"},
                       416: {"description": "Range not satisfiable"}})
def call_audio(call_id: str, person: AnyUser, sessions: SessionsDep) -> FileResponse:
    found = calls.recording(sessions, person.scope, call_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return FileResponse(found.path, media_type=found.media_type, filename=found.filename,
                        content_disposition_type="inline")


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=Submitted,
             responses={403: {"description": "An agent naming another agent"},
                        413: {"description": "Too large"},
                        415: {"description": "Not a recording or transcript"},
                        422: {"description": "Bad metadata or an empty file"}})
def submit_call(
    request: Request, person: AnyUser, sessions: SessionsDep, settings: SettingsDep,
    background: BackgroundTasks,
    audio: Annotated[UploadFile | None, File(description="A recording.")] = None,
    transcript: Annotated[UploadFile | None,
                          File(description="A callqa.transcript/1 or callqa.import/1 "
                                           "JSON file.")] = None,
    metadata: Annotated[str, Form(description="Call metadata, a JSON object.")] = "{}",
    note: Annotated[str | None, Form(max_length=2000)] = None,
) -> Submitted:
    """Submit a call: it is processed like an ingested one. An agent's call is always their
    own and marked for feedback."""
    limit = settings.api.max_upload_mb * 2**20
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 2**20:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE,
                            f"larger than the {settings.api.max_upload_mb:g} MB an upload "
                            "may be (setting api.max_upload_mb)")
    if (audio is None) == (transcript is None):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            "send one file: `audio` (a recording) or `transcript`")
    try:
        fields = json.loads(metadata)
    except json.JSONDecodeError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"metadata is not JSON ({exc.msg} at character {exc.pos})"
                            ) from exc
    if not isinstance(fields, dict):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            "metadata must be a JSON object")
    upload = audio if audio is not None else transcript
    assert upload is not None
    kind: Literal["audio", "transcript"] = "audio" if audio is not None else "transcript"
    try:
        call_id, created = calls.submit_call(sessions, settings, person, upload.file,
                                             upload.filename or "upload", kind, fields, note)
    except SubmissionError as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    if created and settings.api.process_uploads == "inline":
        background.add_task(request.app.state.process_pending)
    return Submitted(call_id=call_id, status="pending" if created else "stored",
                     created=created)
