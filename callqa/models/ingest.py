"""`ingest`: register calls in the store, from a folder of recordings or a JSONL manifest.

- A folder: every recording under it (`*.wav|flac|ogg|opus|mp3|gsm`, recursive), with its
  `<name>.json` metadata sidecar when there is one (without: call_id = the file's stem).
- A manifest (`*.jsonl`): one JSON object per line, the call metadata plus either `audio` (a
  recording) or `transcript` (a `callqa.transcript/1` file, for calls transcribed elsewhere or
  chats: they skip ASR). Paths are relative to the manifest's folder.

Idempotent by content hash (sha256 of the recording's bytes, or of the transcript file):
ingesting again adds nothing. Each file or line is its own transaction: a bad one is reported
with its line, reason and fix and skipped; the rest goes on and what was stored stays stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callqa.domain import CallMetadata, Transcript
from callqa.errors import InputError, MetadataError
from callqa.metadata import load_metadata, parse_metadata, sidecar_path
from callqa.models.errors import StoreError
from callqa.models.store_calls import (
    file_uri,
    local_path,
    save_metrics,
    save_transcript,
    upsert_call,
)
from callqa.pipeline.audio import file_sha256

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".ogg", ".opus", ".mp3", ".gsm", ".m4a", ".au"})
MANIFEST_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_Unit = tuple[str, int | None, Callable[[], "_Candidate"]]
"""(source, manifest line, how to build the call): built one by one, so a bad one only
fails itself."""
IngestHook = Callable[[str, int, int], None]
__all__ = ["AUDIO_SUFFIXES", "IngestFailure", "IngestReport", "file_uri", "find_recordings",
           "ingest", "local_path"]
"""Called after each file or line as `hook(source, done, total)` (progress bars, logs)."""


@dataclass(frozen=True)
class IngestFailure:
    source: str
    """The recording, sidecar or manifest at fault."""
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
    added_call_ids: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return (f"{self.added} added, {self.already_present} already present, "
                f"{self.failed} failed")


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


def find_recordings(folder: Path) -> list[Path]:
    """Every recording under `folder`, recursively, in name order."""
    return sorted(p for p in folder.rglob("*")
                  if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file())


def ingest(session_factory: Callable[[], Session], path: str | Path,
           hook: IngestHook | None = None) -> IngestReport:
    """Register the calls under `path` (a folder, a JSONL manifest or one recording)."""
    path = Path(path)
    units: list[_Unit]
    if path.is_dir():
        units = [(str(f), None, _recording_unit(f)) for f in find_recordings(path)]
    elif path.is_file() and path.suffix.lower() in MANIFEST_SUFFIXES:
        units = list(_manifest_units(path))
    elif path.is_file() and path.suffix.lower() in AUDIO_SUFFIXES:
        units = [(str(path), None, _recording_unit(path))]
    else:
        raise InputError(path, "not a folder, a JSONL manifest (.jsonl) or a recording "
                         f"({', '.join(sorted(AUDIO_SUFFIXES))})" if path.exists()
                         else "no such file or folder",
                         "give a folder of recordings with .json sidecars, or a manifest")
    report = IngestReport()
    for done, (source, line, build) in enumerate(units, start=1):
        try:
            candidate = build()
            created = _store(session_factory, candidate)
        except _RejectedError as exc:
            report.failures.append(IngestFailure(exc.source or source, line, exc.reason,
                                                 exc.fix))
        except StoreError as exc:
            report.failures.append(IngestFailure(source, line, exc.cause, exc.fix))
        else:
            if created:
                report.added += 1
                report.added_call_ids.append(str(candidate.metadata.call_id))
            else:
                report.already_present += 1
        if hook is not None:
            hook(source, done, len(units))
    return report


def _store(session_factory: Callable[[], Session], candidate: _Candidate) -> bool:
    for attempt in (1, 2):
        try:
            with session_factory() as session, session.begin():
                call, created = upsert_call(
                    session, candidate.metadata, content_sha256=candidate.content_sha256,
                    recording_uri=candidate.recording_uri, source=candidate.source)
                if created and candidate.transcript is not None:
                    save_transcript(session, call, candidate.transcript)
                    if candidate.transcript.metrics is not None:
                        save_metrics(session, call, candidate.transcript.metrics)
                return created
        except IntegrityError as exc:
            # Another process stored the same call (or person) between our look and our
            # insert: the second look finds it. Twice means something else is wrong.
            if attempt == 2:
                raise _RejectedError(f"the database refused the call: {exc.orig}",
                                "check for a call_id or content stored concurrently") from exc
    raise AssertionError("unreachable")


def _recording_unit(audio: Path) -> Callable[[], _Candidate]:
    def build() -> _Candidate:
        sidecar = sidecar_path(audio)
        metadata = CallMetadata()
        if sidecar.is_file():
            try:
                metadata = load_metadata(sidecar)
            except MetadataError as exc:
                raise _RejectedError(exc.cause, exc.fix, source=str(sidecar)) from exc
        if metadata.call_id is None:
            metadata = metadata.model_copy(update={"call_id": audio.stem})
        return _Candidate(metadata, _hash_file(audio), file_uri(audio), "audio")
    return build


def _manifest_units(manifest: Path) -> Iterator[_Unit]:
    try:
        lines = manifest.read_bytes().splitlines()
    except OSError as exc:
        raise InputError(manifest, f"cannot read the manifest ({exc.strerror})",
                         "check the path and its permissions") from exc
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            yield str(manifest), number, _manifest_unit(manifest, number, raw)


def _manifest_unit(manifest: Path, number: int, raw: bytes) -> Callable[[], _Candidate]:
    def build() -> _Candidate:
        try:
            data = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError as exc:
            raise _RejectedError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                            "save the manifest as UTF-8") from exc
        except json.JSONDecodeError as exc:
            raise _RejectedError(f"not valid JSON ({exc.msg} at column {exc.colno})",
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
        file = _referenced_file(manifest, key, value)
        source = f"{manifest}:{number}"
        if key == "audio":
            metadata = _metadata(data, source)
            if metadata.call_id is None:
                metadata = metadata.model_copy(update={"call_id": file.stem})
            return _Candidate(metadata, _hash_file(file), file_uri(file), "audio")
        return _transcript_candidate(file, data, source)
    return build


def _referenced_file(manifest: Path, key: str, value: Any) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise _RejectedError(f"'{key}' must be a path (a non-empty string), got {value!r}",
                        f"give the {key} file's path, relative to the manifest's folder")
    file = manifest.parent / value
    if not file.is_file():
        raise _RejectedError(f"{key} file {file} not found",
                        f"check the path (relative paths start from {manifest.parent})")
    return file


def _transcript_candidate(file: Path, row: dict[str, Any], source: str) -> _Candidate:
    content = _read(file)
    try:
        transcript = Transcript.model_validate_json(content)
    except ValidationError as exc:
        problems = "; ".join(
            f"'{'.'.join(str(p) for p in err['loc']) or '(top)'}': {err['msg']}"
            for err in exc.errors()[:3])
        more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
        raise _RejectedError(f"transcript {file} is not a valid callqa.transcript/1 file: "
                        f"{problems}{more}",
                        "write it as docs/transcript-format.md describes (callqa transcribe "
                        "writes one)") from exc
    # The line's fields win over those the transcript carries; the stored transcript gets
    # the merged metadata so that scoring sees the same names and call type as the store.
    inherited = (transcript.metadata.model_dump(mode="json", exclude_none=True)
                 if transcript.metadata is not None else {})
    metadata = _metadata({**inherited, **row}, source)
    update: dict[str, Any] = {}
    if metadata.call_id is None:
        update["call_id"] = transcript.call_id or file.stem
    if metadata.language is None:
        update["language"] = transcript.language
    metadata = metadata.model_copy(update=update)
    transcript = transcript.model_copy(update={"call_id": metadata.call_id,
                                               "metadata": metadata})
    return _Candidate(metadata, hashlib.sha256(content).hexdigest(), file_uri(file),
                      "transcript", transcript)


def _metadata(data: dict[str, Any], source: str) -> CallMetadata:
    try:
        return parse_metadata(data, source)
    except MetadataError as exc:
        raise _RejectedError(exc.cause, exc.fix) from exc


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise _RejectedError(f"cannot read {file} ({exc.strerror})",
                        "check the file's permissions") from exc


def _hash_file(file: Path) -> str:
    try:
        if file.stat().st_size == 0:
            raise _RejectedError(f"{file} is empty (0 bytes)",
                            "export the recording again from the recorder")
        return file_sha256(file)
    except OSError as exc:
        raise _RejectedError(f"cannot read {file} ({exc.strerror})",
                        "check the file's permissions") from exc
