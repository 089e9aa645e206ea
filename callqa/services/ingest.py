"""`ingest`: register calls in the store, from a folder of recordings or a JSONL manifest.

- A folder: every recording under it (`*.wav|flac|ogg|opus|mp3|gsm`, recursive), with its
  `<name>.json` metadata sidecar when there is one (without: call_id = the file's stem).
- A manifest (`*.jsonl`): one JSON object per line, the call metadata plus either `audio` (a
  recording) or `transcript` (a `callqa.transcript/1` file, or a minimal `callqa.import/1`
  one, for calls transcribed elsewhere or chats: they skip ASR). Paths are relative to the
  manifest's folder.

Either may be a local path or an fsspec URL (`s3://bucket/calls`, `gs://...`, `memory://...`):
the same code reads both through an fsspec filesystem. A local file is stored as a `file://`
URI, a remote one as its full URL (`callqa.services.archive.local_copy` reads either back).

Idempotent by content hash (sha256 of the recording's bytes, or of the transcript file):
ingesting again adds nothing. Each file or line is its own transaction: a bad one is reported
with its line, reason and fix and skipped; the rest goes on and what was stored stays stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import posixpath
import re
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from fsspec import AbstractFileSystem
from fsspec.implementations.local import LocalFileSystem
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callqa.configs.settings import MetricsSettings, RedactionSettings
from callqa.domain.errors import CallqaError, InputError, MetadataError, StoreError
from callqa.domain.imports import (
    IMPORT_FIX,
    IMPORT_SCHEMA,
    ImportedTranscript,
    import_problems,
    parse_transcript_document,
    schema_of,
)
from callqa.domain.metadata import (
    metadata_from_json,
    metadata_warnings,
    parse_metadata,
    sidecar_path,
)
from callqa.domain.progress import Progress, no_progress
from callqa.domain.records import CallMetadata, Transcript
from callqa.models.store_calls import (
    file_uri,
    local_path,
    save_metrics,
    save_transcript,
    upsert_call,
)
from callqa.services.archive import (
    REMOTE_FIX,
    describe_error,
    is_remote,
    open_url,
    storage_error,
)
from callqa.support.hashing import stream_sha256

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".ogg", ".opus", ".mp3", ".gsm", ".m4a", ".au"})
MANIFEST_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_Unit = tuple[str, int | None, Callable[[], "_Candidate"]]
"""(source, manifest line, how to build the call): built one by one, so a bad one only
fails itself."""
__all__ = ["AUDIO_SUFFIXES", "IngestFailure", "IngestReport", "file_uri", "find_recordings",
           "ingest", "local_path"]
_MANGLED_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/[^/]")
"""`s3:/bucket/calls`: what `Path("s3://bucket/calls")` makes of a URL."""
_GIVE_INPUT = "give a folder of recordings with .json sidecars, or a manifest"


@dataclass(frozen=True)
class IngestFailure:
    source: str
    """The recording, sidecar or manifest at fault (its URL when remote)."""
    line: int | None
    """The manifest line (1-based); None for a file of a folder."""
    reason: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}. Fix: {self.fix}"


@dataclass
class IngestReport:
    added: int = 0
    already_present: int = 0
    failures: list[IngestFailure] = field(default_factory=list)
    """Files or lines not stored, each with its reason and fix (a recording already stored
    under another call_id is one: its new call_id is not kept)."""
    added_call_ids: list[str] = field(default_factory=list)
    warnings: list[IngestFailure] = field(default_factory=list)
    """Stored, but with something the user most likely wants to fix (a misspelt field)."""

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (f"{self.added} added, {self.already_present} already present, "
                f"{self.failed} failed")


class _StoreOpenError(Exception):
    """The store cannot be opened (or created): the whole run's problem, not one row's."""

    def __init__(self, error: CallqaError) -> None:
        super().__init__(str(error))
        self.error = error


class _RejectedError(Exception):
    def __init__(self, reason: str, fix: str, source: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.fix, self.source = reason, fix, source


@dataclass(frozen=True)
class _Candidate:
    metadata: CallMetadata
    content_sha256: str
    recording_uri: str
    source: str
    transcript: Transcript | None = None
    metadata_source: str | None = None
    """The sidecar the metadata came from (None: the unit's own source, a manifest line)."""

    @property
    def warnings(self) -> list[str]:
        return metadata_warnings(self.metadata)


def find_recordings(folder: Path) -> list[Path]:
    """Every recording under `folder`, recursively, in name order."""
    return [p for p in _local_files(folder) if p.suffix.lower() in AUDIO_SUFFIXES]


def _local_files(folder: Path) -> list[Path]:
    # pathlib, not LocalFileSystem.find: that one skips symlinked files, which archives use.
    return sorted(p for p in folder.rglob("*") if p.is_file())


@dataclass(frozen=True)
class _Archive:
    """The filesystem the input lives on, and how its files are named.

    Local input keeps pathlib's ways: `Path`s as given (a relative folder is reported
    relative), `file://` URIs of the resolved file. Remote files are `PurePosixPath`s on the
    filesystem, named by their full URL in reports and in the store.
    """

    fs: AbstractFileSystem
    remote: bool

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        # A local file fails with an OSError; remote backends raise their own types too
        # (botocore's for an unreachable endpoint), and any of them must fail only its file.
        return (Exception,) if self.remote else (OSError,)

    def name(self, path: PurePath) -> str:
        return str(self.fs.unstrip_protocol(str(path))) if self.remote else str(path)

    def on_fs(self, path: PurePath) -> str:
        """The path as the filesystem takes it. A local one made absolute first, so that
        LocalFileSystem reads it as the OS would (no `~` expansion, no `file:` prefix)."""
        return str(path) if self.remote else str(Path(path).absolute())

    def uri(self, path: PurePath) -> str:
        return self.name(path) if self.remote else file_uri(Path(path))

    def fix(self, local_fix: str) -> str:
        return REMOTE_FIX if self.remote else local_fix

    def join(self, folder: PurePath, relative: str) -> PurePath:
        joined = folder / relative
        # Object stores have no `..` to follow: resolve it in the name (an OS does it itself).
        return PurePosixPath(posixpath.normpath(str(joined))) if self.remote else joined

    def kind(self, path: PurePath) -> str | None:
        """"file", "directory", "other", or None when nothing is there; other errors raise."""
        try:
            return str(self.fs.info(self.on_fs(path))["type"])
        except (FileNotFoundError, NotADirectoryError):
            return None

    def files(self, folder: PurePath) -> list[PurePath]:
        """Every file under `folder`, recursively, in name order."""
        if not self.remote:
            return list(_local_files(Path(folder)))
        found = self.fs.find(self.on_fs(folder), detail=True)
        return sorted(PurePosixPath(name) for name, info in found.items()
                      if info["type"] == "file")

    def is_file(self, path: PurePath) -> bool:
        try:
            return self.kind(path) == "file"
        except self.errors as exc:
            raise _RejectedError(f"cannot reach {self.name(path)} ({describe_error(exc)})",
                                 self.fix("check the file's permissions")) from exc

    def read(self, path: PurePath, source: str | None = None) -> bytes:
        try:
            content: bytes = self.fs.cat_file(self.on_fs(path))
        except self.errors as exc:
            raise _RejectedError(f"cannot read {self.name(path)} ({describe_error(exc)})",
                                 self.fix("check the file's permissions"), source) from exc
        return content

    def sha256(self, path: PurePath) -> str:
        """The sha256 of a recording, streamed; an empty file is refused."""
        try:
            size = self.fs.size(self.on_fs(path))
            if size > 0:
                with self.fs.open(self.on_fs(path), "rb") as handle:
                    return stream_sha256(handle)
        except self.errors as exc:
            raise _RejectedError(f"cannot read {self.name(path)} ({describe_error(exc)})",
                                 self.fix("check the file's permissions")) from exc
        raise _RejectedError("the recording is empty (0 bytes)",
                             "export the recording again from the recorder")


def _open_archive(path: str | Path) -> tuple[_Archive, PurePath]:
    if isinstance(path, str) and is_remote(path):
        fs, path_on_fs = open_url(path)
        return _Archive(fs, remote=True), PurePosixPath(path_on_fs)
    local = local_path(path) if isinstance(path, str) else path
    return _Archive(LocalFileSystem(), remote=False), local


def check_source(path: str | Path) -> int:
    """How many files or lines `path` holds to ingest; an InputError (or a storage error)
    at once when it is missing or unreadable, before any store or flow is started."""
    archive, root = _open_archive(path)
    return len(_units(archive, root))


def ingest(session_factory: Callable[[], Session], path: str | Path,
           hook: Progress = no_progress, redaction: RedactionSettings | None = None,
           metrics: MetricsSettings | None = None) -> IngestReport:
    """Register the calls under `path` (a folder, a JSONL manifest or one recording; a local
    path, a `file://` URI or any fsspec URL given as a string). Imported transcripts are
    redacted (`redaction`) and measured (`metrics`) as the settings say, like uploads.

    A wrong or missing `path` raises an InputError; remote storage out of reach, a
    TransientError (worth retrying). A file or line that fails is reported, not raised.
    """
    archive, root = _open_archive(path)
    units = _units(archive, root, metrics)
    report = IngestReport()
    for done, (source, line, build) in enumerate(units, start=1):
        try:
            candidate = build()
            stored_as, created = _store(session_factory, _redacted(candidate, redaction))
        except _StoreOpenError as exc:
            raise exc.error from exc.error.__cause__  # one message, not one per file
        except _RejectedError as exc:
            report.failures.append(IngestFailure(exc.source or source, line, exc.reason,
                                                 exc.fix))
        except StoreError as exc:
            report.failures.append(IngestFailure(source, line, exc.cause, exc.fix))
        else:
            call_id = str(candidate.metadata.call_id)
            report.warnings.extend(IngestFailure(
                candidate.metadata_source or source,
                None if candidate.metadata_source else line, warning,
                "correct the field's name") for warning in candidate.warnings)
            if created:
                report.added += 1
                report.added_call_ids.append(call_id)
            elif stored_as != call_id:
                report.failures.append(IngestFailure(
                    source, line, f"the same recording (sha256 {candidate.content_sha256[:12]}"
                    f"...) is already stored as call {stored_as!r}, so call_id {call_id!r} "
                    "was not added", "ingest each recording once; if both ids are real calls, "
                    "their files are copies of one recording"))
            else:
                report.already_present += 1
        hook(source, done, len(units))
    return report


def _units(archive: _Archive, root: PurePath, metrics: MetricsSettings | None = None
           ) -> list[_Unit]:
    """What to ingest under `root`; an InputError when `root` itself is wrong or unreachable."""
    name = archive.name(root)
    try:
        kind = archive.kind(root)
        if kind == "directory":
            files = archive.files(root)
            listed = frozenset(files)  # sidecars are looked up here, not one request each
            return [(archive.name(f), None, _recording_unit(archive, f, listed))
                    for f in files if f.suffix.lower() in AUDIO_SUFFIXES]
    except archive.errors as exc:
        if archive.remote:
            raise storage_error(name, exc, "cannot list it") from exc
        raise InputError(name, f"cannot list it ({describe_error(exc)})",
                         "check the path and its permissions") from exc
    if kind == "file" and root.suffix.lower() in MANIFEST_SUFFIXES:
        return list(_manifest_units(archive, root, metrics))
    if kind == "file" and root.suffix.lower() in AUDIO_SUFFIXES:
        return [(name, None, _recording_unit(archive, root))]
    if kind is not None:
        raise InputError(name, "not a folder, a JSONL manifest (.jsonl) or a recording "
                         f"({', '.join(sorted(AUDIO_SUFFIXES))})", _GIVE_INPUT)
    if _MANGLED_URL.match(name):
        raise InputError(name, "no such file or folder (a URL whose // became /?)",
                         "pass the URL as a string (s3://bucket/calls): a Path collapses // "
                         "into /")
    raise InputError(name, "no such file or folder", _GIVE_INPUT)


def _redacted(candidate: _Candidate, redaction: RedactionSettings | None) -> _Candidate:
    """An imported transcript with card numbers, codes and personal data replaced by tags
    before it is stored (settings `redaction`; PCI always by default)."""
    if candidate.transcript is None:
        return candidate
    from callqa.pipeline.redact import redact_transcript

    redacted, _ = redact_transcript(candidate.transcript, redaction or RedactionSettings())
    return dataclasses.replace(candidate, transcript=redacted)


def _store(session_factory: Callable[[], Session], candidate: _Candidate
           ) -> tuple[str, bool]:
    """(the call_id the content is stored under, whether it was added now)."""
    for attempt in (1, 2):
        try:
            # The flows open (and create) the store at the first call stored: a store that
            # cannot be opened is raised at once, not reported against this call.
            opened = session_factory()
        except CallqaError as exc:
            raise _StoreOpenError(exc) from exc
        try:
            with opened as session, session.begin():
                call, created = upsert_call(
                    session, candidate.metadata, content_sha256=candidate.content_sha256,
                    recording_uri=candidate.recording_uri, source=candidate.source)
                if created and candidate.transcript is not None:
                    save_transcript(session, call, candidate.transcript)
                    if candidate.transcript.metrics is not None:
                        save_metrics(session, call, candidate.transcript.metrics)
                return call.call_id, created
        except IntegrityError as exc:
            # Another process stored the same call (or person) between our look and our
            # insert: the second look finds it. Twice means something else is wrong.
            if attempt == 2:
                raise _RejectedError(f"the database refused the call: {exc.orig}",
                                "check for a call_id or content stored concurrently") from exc
    raise AssertionError("unreachable")


def _recording_unit(archive: _Archive, audio: PurePath,
                    listed: Container[PurePath] | None = None) -> Callable[[], _Candidate]:
    """`listed`: the files of the folder being ingested, where the sidecar would be."""
    def build() -> _Candidate:
        sidecar = sidecar_path(audio)
        metadata = CallMetadata()
        source: str | None = None
        has_sidecar = archive.is_file(sidecar) if listed is None else sidecar in listed
        if has_sidecar:
            source = archive.name(sidecar)
            try:
                metadata = metadata_from_json(archive.read(sidecar, source), source)
            except MetadataError as exc:
                raise _RejectedError(exc.cause, exc.fix, source) from exc
        if metadata.call_id is None:
            metadata = metadata.model_copy(update={"call_id": audio.stem})
        return _Candidate(metadata, archive.sha256(audio), archive.uri(audio), "audio",
                          metadata_source=source)
    return build


def _manifest_units(archive: _Archive, manifest: PurePath,
                    metrics: MetricsSettings | None) -> Iterator[_Unit]:
    name = archive.name(manifest)
    try:
        content: bytes = archive.fs.cat_file(archive.on_fs(manifest))
    except archive.errors as exc:
        if archive.remote:
            raise storage_error(name, exc, "cannot read the manifest") from exc
        raise InputError(name, f"cannot read the manifest ({describe_error(exc)})",
                         "check the path and its permissions") from exc
    lines = content.splitlines()
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            yield name, number, _manifest_unit(archive, manifest, number, raw, metrics)


def _manifest_unit(archive: _Archive, manifest: PurePath, number: int,
                   raw: bytes, metrics: MetricsSettings | None) -> Callable[[], _Candidate]:
    def build() -> _Candidate:
        try:
            data = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError as exc:
            raise _RejectedError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                            "save the manifest as UTF-8") from exc
        except json.JSONDecodeError as exc:
            raise _RejectedError(f"not valid JSON ({exc.msg} at column {exc.colno})",
                            "write one JSON object per line") from exc
        except RecursionError as exc:
            raise _RejectedError("not a manifest row (JSON nested thousands of levels deep)",
                                 "write one JSON object per line") from exc
        if not isinstance(data, dict):
            raise _RejectedError(f"a manifest line must be a JSON object, got "
                            f"{type(data).__name__}",
                            'write e.g. {"call_id": "c-1", "audio": "calls/c-1.wav"}')
        audio, transcript = data.pop("audio", None), data.pop("transcript", None)
        if (audio is None) == (transcript is None):
            raise _RejectedError(
                "the line has both 'audio' and 'transcript'" if audio is not None
                else "the line has neither 'audio' nor 'transcript'",
                "give exactly one: 'audio' (a recording to transcribe) or 'transcript' "
                "(a callqa.transcript/1 file, skips ASR)")
        key, value = ("audio", audio) if audio is not None else ("transcript", transcript)
        file = _referenced_file(archive, manifest, key, value)
        source = f"{archive.name(manifest)}:{number}"
        if key == "audio":
            metadata = _metadata(data, source)
            if metadata.call_id is None:
                metadata = metadata.model_copy(update={"call_id": file.stem})
            return _Candidate(metadata, archive.sha256(file), archive.uri(file), "audio")
        return _transcript_candidate(archive, file, data, source, metrics)
    return build


def _referenced_file(archive: _Archive, manifest: PurePath, key: str, value: Any) -> PurePath:
    if not isinstance(value, str) or not value.strip():
        raise _RejectedError(f"'{key}' must be a path (a non-empty string), got {value!r}",
                        f"give the {key} file's path, relative to the manifest's folder")
    file = archive.join(manifest.parent, value)
    if not archive.is_file(file):
        raise _RejectedError(f"{key} file {archive.name(file)} not found",
                        "check the path (relative paths start from "
                        f"{archive.name(manifest.parent)})")
    return file


def _transcript_candidate(archive: _Archive, file: PurePath, row: dict[str, Any],
                          source: str, metrics: MetricsSettings | None) -> _Candidate:
    content = archive.read(file)
    try:
        document = parse_transcript_document(content)
    except ValidationError as exc:
        if schema_of(exc) == IMPORT_SCHEMA:
            raise _RejectedError(f"transcript {archive.name(file)} is not a valid "
                                 f"callqa.import/1 file: {import_problems(exc, 3)}",
                                 IMPORT_FIX) from exc
        problems = "; ".join(
            f"'{'.'.join(str(p) for p in err['loc']) or '(top)'}': "
            f"{err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()[:3])
        more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
        raise _RejectedError(f"transcript {archive.name(file)} is not a valid "
                        f"callqa.transcript/1 file: {problems}{more}",
                        "write it as docs/transcript-format.md describes (callqa transcribe "
                        "writes one), or as callqa.import/1 (docs/transcript-import.md)"
                        ) from exc
    # The line's fields win over those the transcript carries; the stored transcript gets
    # the merged metadata so that scoring sees the same names and call type as the store.
    own = (document.own_metadata if isinstance(document, ImportedTranscript)
           else document.metadata)
    inherited = own.model_dump(mode="json", exclude_none=True) if own is not None else {}
    metadata = _metadata({**inherited, **row}, source)
    update: dict[str, Any] = {}
    if metadata.call_id is None:
        update["call_id"] = document.call_id or file.stem
    if metadata.language is None:
        update["language"] = document.language
    metadata = metadata.model_copy(update=update)
    from callqa.pipeline.imports import as_transcript

    transcript = as_transcript(document, metadata, metrics).model_copy(
        update={"call_id": metadata.call_id, "metadata": metadata})
    return _Candidate(metadata, hashlib.sha256(content).hexdigest(), archive.uri(file),
                      "transcript", transcript)


def _metadata(data: dict[str, Any], source: str) -> CallMetadata:
    try:
        return parse_metadata(data, source)
    except MetadataError as exc:
        raise _RejectedError(exc.cause, exc.fix) from exc
