"""Calls as people see them through the web service: pages of calls in their scope, one
call with its transcript and score, its recording, and calls submitted by upload.

Everything here takes the person's `Scope`; a call out of scope is `None`, exactly like a
call that does not exist."""

from __future__ import annotations

import base64
import binascii
import mimetypes
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain.errors import CallqaError, InputError, MetadataError
from callqa.domain.imports import (
    IMPORT_FIX,
    IMPORT_SCHEMA,
    ImportedTranscript,
    import_problems,
    parse_transcript_document,
    schema_of,
)
from callqa.domain.metadata import parse_metadata
from callqa.domain.queries import CallQuery, Scope
from callqa.domain.records import Transcript
from callqa.domain.scores import ScoreResult
from callqa.models import store, store_browse, store_calibration
from callqa.models.tables import Call
from callqa.services.users import Person
from callqa.support.hashing import file_sha256

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; `next_cursor` fetches the next (None: this was the last)."""

    items: list[T]
    next_cursor: str | None = None


class CallSummary(BaseModel):
    call_id: str
    agent_id: str | None
    agent_name: str | None
    team_id: str | None
    call_type: str | None
    started_at: datetime | None
    status: str
    failure_reason: str | None
    score: float | None
    for_feedback: bool
    submitted_by: str | None


class CallDetail(CallSummary):
    metadata: dict[str, Any]
    source: Literal["audio", "transcript"]
    note: str | None
    transcript: Transcript | None
    """`callqa.transcript/1`, once processed."""
    score_result: ScoreResult | None
    """`callqa.score/1`, once scored."""


class BadCursorError(InputError):
    """A `cursor` that no page handed out."""


class SubmissionError(CallqaError):
    """An upload that cannot be stored: `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def list_calls(sessions: sessionmaker[Session], scope: Scope, query: CallQuery, limit: int,
               cursor: str | None = None, username: str | None = None) -> Page[CallSummary]:
    """A page of calls in `scope`; for `username`, the score of a call they are calibrating
    blind is left out (no one sees the automatic verdicts before the session closes)."""
    before = _decode_cursor(cursor)
    with sessions() as session:
        rows = store_browse.call_rows(session, scope, query, limit + 1, before)
        if username is not None:
            blind = store_calibration.blind_call_pks(session, [r["pk"] for r in rows],
                                                     username)
            rows = [{**row, "score": None} if row["pk"] in blind else row for row in rows]
    more = len(rows) > limit
    rows = rows[:limit]
    items = [CallSummary.model_validate(row) for row in rows]
    return Page[CallSummary](items=items,
                             next_cursor=_encode_cursor(rows[-1]["pk"]) if more else None)


def call_detail(sessions: sessionmaker[Session], scope: Scope, call_id: str
                ) -> CallDetail | None:
    with sessions() as session:
        found = detail_in(session, scope, call_id)
        return found[0] if found is not None else None


def detail_in(session: Session, scope: Scope, call_id: str, parse_transcript: bool = True
              ) -> tuple[CallDetail, Call, str | None] | None:
    """The call's detail in `scope` (None: unknown or out of scope), its row, for a service
    that adds to it in the same session (its score is read once), and, unless
    `parse_transcript`, its stored transcript as JSON text instead of in the detail (for an
    answer that passes it through as stored: most of a detail's bytes)."""
    found = store_browse.call_with_people(session, scope, call_id)
    if found is None:
        return None
    call, people = found
    text = store.transcript_texts(session, [call.id]).get(call.id)
    transcript = (Transcript.model_validate_json(text)
                  if text is not None and parse_transcript else None)
    score = store.load_score(session, call)
    return CallDetail(
        call_id=call.call_id, call_type=call.call_type, started_at=call.started_at,
        status=call.status, failure_reason=call.failure_reason,
        score=score.score if score else None, for_feedback=call.for_feedback,
        metadata=call.call_metadata, source=call.source,
        note=call.note, transcript=transcript, score_result=score, **people), call, (
            None if parse_transcript else text)


class Recording(BaseModel):
    path: Path
    media_type: str
    filename: str


def recording(sessions: sessionmaker[Session], scope: Scope, call_id: str
              ) -> Recording | None:
    """The stored recording of a call in scope (None: no such call in scope, or the call is
    an imported transcript, or its file is gone)."""
    with sessions() as session:
        call = store_browse.call_in(session, scope, call_id)
        if call is None or call.source != "audio":
            return None
        uri = call.recording_uri
    try:
        path = store.local_path(uri)
    except CallqaError:
        return None  # a remote archive: served by the archive itself, not by callqa
    if not path.is_file():
        return None
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Recording(path=path, media_type=media_type, filename=path.name)


def submit_call(sessions: sessionmaker[Session], settings: Settings, person: Person,
                upload: IO[bytes], filename: str, kind: Literal["audio", "transcript"],
                metadata: dict[str, Any], note: str | None) -> tuple[str, bool]:
    """Store an uploaded recording or transcript as a new pending call: (call_id, created).

    An agent's upload is always their own call, marked for feedback: metadata naming
    another agent is refused (403). The content is identified by its bytes (sha256), never
    by its name; the same bytes again is the call already stored (created False)."""
    metadata = dict(metadata)
    if person.role == "agent":
        named = metadata.get("agent_id")
        if named is not None and named != person.agent_id:
            raise SubmissionError(403, f"agents submit their own calls: the metadata names "
                                  f"agent {named!r}, you are {person.agent_id!r}; remove "
                                  "agent_id or give your own")
        metadata["agent_id"] = person.agent_id
        if person.teams and "team_id" not in metadata:
            metadata["team_id"] = person.teams[0]
    with _received(upload, settings) as received:
        sha = file_sha256(received)
        try:
            parsed = parse_metadata(metadata, "metadata")
        except MetadataError as exc:
            raise SubmissionError(422, str(exc)) from exc
        document = _checked(received, filename, kind)
        own = document.own_metadata if isinstance(document, ImportedTranscript) else None
        if own is not None:
            # An import's own metadata, with the upload's fields over it (as a manifest row's).
            embedded = own.model_dump(mode="json", exclude_none=True)
            try:
                parsed = parse_metadata({**embedded, **metadata}, filename)
            except MetadataError as exc:
                raise SubmissionError(422, str(exc)) from exc
        suffix = Path(filename).suffix.lower() if kind == "audio" else ".json"
        kept = Path(settings.data_dir) / "uploads" / f"{sha}{suffix}"
        kept.parent.mkdir(parents=True, exist_ok=True)
        if not kept.exists():
            shutil.copyfile(received, kept)
    if parsed.call_id is None:
        parsed = parsed.model_copy(update={"call_id": f"upload-{sha[:16]}"})
    transcript = None
    if document is not None:
        from callqa.pipeline.imports import as_transcript
        from callqa.pipeline.redact import redact_transcript

        transcript = as_transcript(document, parsed, settings.metrics).model_copy(
            update={"call_id": parsed.call_id, "metadata": parsed})
        transcript, _ = redact_transcript(transcript, settings.redaction)
    with sessions.begin() as session:
        call, created = store.upsert_call(session, parsed, content_sha256=sha,
                                          recording_uri=store.file_uri(kept), source=kind)
        if not created:
            return call.call_id, False
        store_browse.mark_submission(session, call, person.username,
                                     person.role == "agent", note)
        if transcript is not None:
            store.save_transcript(session, call, transcript)
            if transcript.metrics is not None:
                store.save_metrics(session, call, transcript.metrics)
        return call.call_id, True


@contextmanager
def _received(upload: IO[bytes], settings: Settings) -> Iterator[Path]:
    """The upload in a temporary file, refused (413) past `api.max_upload_mb`."""
    limit = int(settings.api.max_upload_mb * 2**20)
    with tempfile.NamedTemporaryFile(prefix="callqa-upload-") as handle:
        size = 0
        for block in iter(lambda: upload.read(1 << 20), b""):
            size += len(block)
            if size > limit:
                raise SubmissionError(413, f"the file is larger than the "
                                      f"{settings.api.max_upload_mb:g} MB an upload may be "
                                      "(setting api.max_upload_mb)")
            handle.write(block)
        handle.flush()
        if size == 0:
            raise SubmissionError(422, "the file is empty: send the recording or transcript")
        yield Path(handle.name)


def _checked(path: Path, filename: str, kind: str) -> Transcript | ImportedTranscript | None:
    """Refuse (415) what is not a recording callqa can decode, or not a transcript; an
    invalid `callqa.import/1` document (422) with what is wrong in it and the fix."""
    if kind == "transcript":
        try:
            return parse_transcript_document(path.read_bytes())
        except ValidationError as exc:
            if schema_of(exc) == IMPORT_SCHEMA:
                raise SubmissionError(422, f"{filename}: not a valid callqa.import/1 document "
                                      f"({import_problems(exc)}). Fix: {IMPORT_FIX}") from exc
            raise SubmissionError(415, f"{filename}: not a callqa.transcript/1 JSON document "
                                  "(docs/transcript-format.md) or callqa.import/1 one "
                                  "(docs/transcript-import.md)") from exc
        except ValueError as exc:
            raise SubmissionError(415, f"{filename}: not a callqa.transcript/1 JSON document "
                                  "(docs/transcript-format.md)") from exc
    from callqa.pipeline.audio import decode_audio

    suffix = Path(filename).suffix.lower() or ".wav"
    with tempfile.TemporaryDirectory(prefix="callqa-probe-") as folder:
        probe = Path(folder) / f"upload{suffix}"
        probe.symlink_to(path)
        try:
            decode_audio(probe)
        except InputError as exc:
            raise SubmissionError(415, f"{filename}: not a recording callqa can decode "
                                  f"({exc.cause}); send WAV, FLAC, OGG, MP3 or GSM") from exc
    return None


def _encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"c{pk}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith("c") and text[1:].isdigit():
            return int(text[1:])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadCursorError("cursor", f"{cursor!r} is not a cursor this list handed out",
                         "pass the next_cursor of the previous page, or none for the first")
