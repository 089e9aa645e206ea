"""Retention and erasure (docs/privacy.md): delete one call everywhere (`callqa delete`,
`DELETE /api/v1/calls/{id}`), purge the calls past their call type's retention
(`callqa purge`, the daily `purge-expired` flow), and the legal hold that blocks both.

Everywhere means: every row of the store about the call (`models.store_erasure`), and every
file callqa itself keeps for it under its data folder: the uploaded recording or transcript
(`<data_dir>/uploads/<sha256>.*`) and the silenced copy (`<data_dir>/redacted/<sha256>.*`).
A recording ingested from the centre's archive (a folder, s3://...) belongs to the centre:
callqa removes its reference and never deletes from the archive (the report names it, so
that whoever keeps the archive can apply their own retention).

What stays: an erasure record and one audit event, each holding who, when and the call id.
The rows go first (in one transaction), the files just before it commits: a file that cannot
be removed rolls the rows back, so a failed erasure leaves the call whole and can be retried.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain.errors import CallqaError, ExitCode
from callqa.domain.queries import Scope
from callqa.models import store, store_browse, store_erasure, store_reviews
from callqa.models.tables import Call

OWN_FOLDERS = ("uploads", "redacted")
"""The folders of `data_dir` where callqa keeps files named by a call's content hash:
uploads (services.calls.submit_call) and silenced copies (services.processing)."""
PURGE_BATCH = 200
"""Calls erased per transaction by a purge."""
ORPHAN_AGE = timedelta(days=1)
"""A file of callqa's own whose content no call has is removed by a purge once this old
(younger: an upload a moment before its call is stored, or a silenced copy being written)."""
CONTENT_NAME = re.compile(r"^[0-9a-f]{64}(\.|$)")
RETENTION_ACTOR = "retention"


class ErasureError(CallqaError):
    """A deletion or hold that cannot be done: `status` is the HTTP status that says why
    (404 no such call, 409 under legal hold, 500 a file that cannot be removed)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ErasureFileError(ErasureError):
    """A file of the call cannot be removed: the environment (permissions) needs fixing."""

    exit_code = ExitCode.ENVIRONMENT


@dataclass(frozen=True)
class ErasedCall:
    call_id: str
    rows: dict[str, int]
    """Rows deleted per table."""
    files: list[str]
    """callqa's own files removed."""
    archive_uri: str | None
    """The recording in the centre's archive, left there (None: callqa kept its only copy)."""


class LegalHold(BaseModel):
    """A call's legal hold: while `held`, neither delete nor purge removes the call."""

    model_config = ConfigDict(frozen=True)

    call_id: str
    held: bool
    since: datetime | None = None
    by: str | None = None
    reason: str | None = None


@dataclass
class PurgeReport:
    now: datetime
    dry_run: bool
    by_type: list[store_erasure.ExpiredCalls]
    """Per call type: its retention, calls past it, and those kept by a legal hold."""
    erased: list[ErasedCall] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    """callqa's own files whose call is gone (removed; a dry run only lists them)."""

    @property
    def expired(self) -> int:
        return sum(t.expired for t in self.by_type)

    @property
    def held(self) -> int:
        return sum(t.held for t in self.by_type)


def now() -> datetime:
    return datetime.now(UTC)


def _call(session: Session, call_id: str, scope: Scope | None) -> Call:
    call = store_erasure.call_for_change(session, call_id)
    if call is None or (scope is not None and store_browse.call_in(session, scope, call_id)
                        is None):
        raise ErasureError(404, f"no call {call_id!r} in the store (see `callqa audit "
                           "--call ID` if it was erased already)")
    return call


def _hold(call: Call) -> LegalHold:
    return LegalHold(call_id=call.call_id, held=call.legal_hold_at is not None,
                     since=call.legal_hold_at, by=call.legal_hold_by,
                     reason=call.legal_hold_reason)


def delete_call(sessions: sessionmaker[Session], settings: Settings, call_id: str,
                actor: str, scope: Scope | None = None) -> ErasedCall:
    """Remove the call from the store and callqa's files; 404 for a call that is not there
    (or not in `scope`), 409 while it is under legal hold."""
    with sessions.begin() as session:
        call = _call(session, call_id, scope)
        if call.legal_hold_at is not None:
            raise ErasureError(409, f"call {call_id} is under legal hold since "
                               f"{call.legal_hold_at:%Y-%m-%d %H:%M} UTC (set by "
                               f"{call.legal_hold_by}: {call.legal_hold_reason}); it cannot "
                               f"be deleted until the hold is released (callqa hold "
                               f"--release {call_id})")
        return _erase(session, settings, call, actor, now(), "call.deleted")


def _erase(session: Session, settings: Settings, call: Call, actor: str, at: datetime,
           action: str) -> ErasedCall:
    files = owned_files(call, settings.data_dir)
    uri = call.recording_uri
    # A recording of the centre's archive stays there; "synthetic:" calls (the demo's
    # simulated history) never had one.
    archive = None if any(_same(uri, f) for f in files) or uri.startswith("synthetic:") \
        else uri
    call_id = call.call_id
    for path in files:  # checked first, so that no file goes when another cannot
        if not os.access(path.parent, os.W_OK):
            raise _unremovable(path, call_id, "permission denied")
    rows = store_erasure.erase_call(session, call, actor, at, action)
    for path in files:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:  # the transaction rolls back: the call stays whole
            raise _unremovable(path, call_id, exc.strerror or str(exc)) from exc
    return ErasedCall(call_id, rows, [str(f) for f in files], archive)


def _unremovable(path: Path, call_id: str, why: str) -> ErasureFileError:
    return ErasureFileError(500, f"cannot remove {path} ({why}); the call {call_id} was not "
                            f"deleted. Fix: give this process write access to "
                            f"{path.parent}, then delete it again")


def _same(uri: str, path: Path) -> bool:
    try:
        return store.local_path(uri).resolve() == path
    except CallqaError:
        return False


def owned_files(call: Call, data_dir: Path) -> list[Path]:
    """The files callqa keeps for the call: named by its content hash in `uploads/` or
    `redacted/` of the data folder (this process's, and the one its recording points
    into, should a server have run from another folder)."""
    folders = {Path(data_dir).resolve()}
    try:
        recording = store.local_path(call.recording_uri)
    except CallqaError:
        recording = None
    if recording is not None and recording.parent.name in OWN_FOLDERS:
        folders.add(recording.parent.parent.resolve())
    found: set[Path] = set()
    for folder in folders:
        for own in OWN_FOLDERS:
            found.update(p.resolve() for p in (folder / own).glob(f"{call.content_sha256}*")
                         if p.is_file() and p.name.split(".")[0] == call.content_sha256)
    return sorted(found)


# --- legal hold ----------------------------------------------------------------------------------

def set_hold(sessions: sessionmaker[Session], call_id: str, actor: str, reason: str,
             scope: Scope | None = None) -> LegalHold:
    """Put the call under legal hold (again: the new reason replaces the old); an audit
    event records it."""
    reason = reason.strip()
    if not reason:
        raise ErasureError(422, "a legal hold needs a reason (a case or request reference)")
    with sessions.begin() as session:
        call = _call(session, call_id, scope)
        before = _hold(call)
        store_erasure.set_hold(session, call, actor, reason, now())
        after = _hold(call)
        store_reviews.append_event(session, actor, "call.hold_set", "call", call_id, call_id,
                                   _state(before), _state(after))
        return after


def release_hold(sessions: sessionmaker[Session], call_id: str, actor: str,
                 scope: Scope | None = None) -> LegalHold:
    """Release the call's legal hold (a call not held is left as it is)."""
    with sessions.begin() as session:
        call = _call(session, call_id, scope)
        before = _hold(call)
        if not before.held:
            return before
        store_erasure.release_hold(session, call)
        after = _hold(call)
        store_reviews.append_event(session, actor, "call.hold_released", "call", call_id,
                                   call_id, _state(before), _state(after))
        return after


def hold_of(sessions: sessionmaker[Session], call_id: str, scope: Scope | None = None
            ) -> LegalHold:
    with sessions() as session:
        return _hold(_call(session, call_id, scope))


def held_calls(sessions: sessionmaker[Session]) -> list[LegalHold]:
    with sessions() as session:
        return [_hold(call) for call in store_erasure.held_calls(session)]


def _state(hold: LegalHold) -> dict[str, object]:
    return {"held": hold.held, "since": hold.since.isoformat() if hold.since else None,
            "by": hold.by, "reason": hold.reason}


# --- retention -----------------------------------------------------------------------------------

def purge_expired(sessions: sessionmaker[Session], settings: Settings,
                  actor: str = RETENTION_ACTOR, dry_run: bool = False,
                  at: datetime | None = None) -> PurgeReport:
    """Erase every call past its call type's retention (`retention` settings), except calls
    under legal hold; `dry_run` only counts them, per call type, and writes nothing."""
    at = at or now()
    retention = settings.retention
    days, default = dict(retention.days_by_call_type), retention.default_days
    with sessions() as session:
        report = PurgeReport(at, dry_run,
                             store_erasure.expired_by_type(session, days, default, at))
        orphans = orphan_files(session, settings.data_dir, at - ORPHAN_AGE)
    report.orphans = [str(path) for path in orphans]
    if dry_run:
        return report
    for path in orphans:
        path.unlink(missing_ok=True)
    if report.expired == report.held:
        return report
    after = 0
    while True:
        with sessions.begin() as session:
            batch = store_erasure.expired_call_ids(session, days, default, at, PURGE_BATCH,
                                                   after)
            for _, call_id in batch:
                call = store_erasure.call_for_change(session, call_id)
                if call is None or call.legal_hold_at is not None:
                    continue  # erased or held meanwhile
                report.erased.append(_erase(session, settings, call, actor, at,
                                            "call.purged"))
        if len(batch) < PURGE_BATCH:
            return report
        after = batch[-1][0]


def orphan_files(session: Session, data_dir: Path, before: datetime) -> list[Path]:
    """Files in callqa's own folders, named by a content hash no call has, last changed
    before `before`: left by an erasure that met a copy still being written, or by an
    upload whose call was never stored."""
    found: dict[str, list[Path]] = {}
    for own in OWN_FOLDERS:
        folder = Path(data_dir) / own
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if (CONTENT_NAME.match(path.name) and path.is_file()
                    and datetime.fromtimestamp(path.stat().st_mtime, UTC) < before):
                found.setdefault(path.name[:64], []).append(path)
    known = store_erasure.stored_contents(session, list(found))
    return sorted(p for sha, paths in found.items() if sha not in known for p in paths)


def erasure_record(sessions: sessionmaker[Session], call_id: str
                   ) -> list[tuple[str, str, datetime]]:
    """(call id, by, at) of each erasure of this call id."""
    with sessions() as session:
        return store_erasure.erasures(session, call_id)


def actor_of(login: str | None = None) -> str:
    """Who acts from the command line: `cli:<login>` (`--by` names someone else)."""
    if login:
        return f"cli:{login}"
    from callqa.services.audit import cli_actor

    return cli_actor()
