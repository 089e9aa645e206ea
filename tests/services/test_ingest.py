"""Ingest from a folder and from a manifest: idempotent, bad rows reported and skipped."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from callqa.domain.errors import DuplicateCallError
from callqa.models import store
from callqa.models.base import Base
from callqa.models.tables import Agent, Call, Customer, Team, TranscriptRow
from callqa.services.ingest import IngestReport, ingest, local_path
from tests.factories import billing_call, metadata
from tests.helpers.paths import SAMPLES


def count(sessions: sessionmaker[Session], model: type[Base]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def copy_samples(folder: Path, copies: dict[str, str]) -> None:
    """Copies sample recordings into `folder`: {path in the folder: sample call name}."""
    for target, sample in copies.items():
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / f"{sample}.wav", folder / target)


def write_manifest(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line)
                              for line in lines) + "\n", encoding="utf-8")
    return path


def test_folder_ingest_is_idempotent(sessions: sessionmaker[Session]) -> None:
    first = ingest(sessions, SAMPLES)
    assert (first.added, first.already_present, first.failed) == (7, 0, 0), first.failures
    again = ingest(sessions, SAMPLES)
    assert (again.added, again.already_present, again.failed) == (0, 7, 0)
    assert count(sessions, Call) == 7
    assert (count(sessions, Agent), count(sessions, Team), count(sessions, Customer)) == (3, 2, 5)
    with sessions() as session:
        call = store.get_call(session, "call_005")
        assert call is not None and call.status == "pending" and call.source == "audio"
        assert call.content_sha256 == hashlib.sha256(
            (SAMPLES / "call_005.wav").read_bytes()).hexdigest()
        assert local_path(call.recording_uri) == (SAMPLES / "call_005.wav").resolve()
        assert call.call_metadata["customer_name"] == "Emily Taylor"


def test_a_recording_without_sidecar_is_named_after_its_file(
    sessions: sessionmaker[Session], tmp_path: Path,
) -> None:
    copy_samples(tmp_path, {"day1/rec-42.WAV": "call_003"})
    (tmp_path / "notes.txt").write_text("not a recording")
    report = ingest(sessions, tmp_path)
    assert report.added_call_ids == ["rec-42"]
    with sessions() as session:
        call = store.get_call(session, "rec-42")
        assert call is not None and call.agent_pk is None and call.started_at is None


def test_bad_sidecars_and_empty_files_are_reported_and_the_rest_lands(
    sessions: sessionmaker[Session], tmp_path: Path,
) -> None:
    copy_samples(tmp_path, {"good.wav": "call_001", "bad.wav": "call_002"})
    (tmp_path / "bad.json").write_text('{"call_id": "b", "started_at": "2026-11-02T09:15:00"}')
    (tmp_path / "empty.wav").write_bytes(b"")
    report = ingest(sessions, tmp_path)
    assert report.added_call_ids == ["good"]
    by_source = {Path(f.source).name: f for f in report.failures}
    assert set(by_source) == {"bad.json", "empty.wav"}
    assert "started_at" in by_source["bad.json"].reason
    assert "0 bytes" in by_source["empty.wav"].reason


def test_manifest_ingest_is_idempotent_and_stores_transcripts(
    sessions: sessionmaker[Session], tmp_path: Path,
) -> None:
    copy_samples(tmp_path, {f"audio/{name}.wav": name for name in ("call_001", "call_002")})
    chat = billing_call("from-transcript", metadata("ignored-id", customer_id="c900"))
    (tmp_path / "chat.json").write_text(chat.to_json(), encoding="utf-8")
    manifest = write_manifest(tmp_path / "calls.jsonl", [
        {"call_id": "m-1", "agent_id": "a01", "audio": "audio/call_001.wav"},
        {"audio": "audio/call_002.wav", "customer_id": "c7", "vip": True},
        {"call_id": "chat-9", "agent_id": "a05", "transcript": "chat.json"},
    ])
    report = ingest(sessions, manifest)
    assert report.added_call_ids == ["m-1", "call_002", "chat-9"], report.failures
    again = ingest(sessions, manifest)
    assert (again.added, again.already_present, again.failed) == (0, 3, 0)
    assert count(sessions, Call) == 3 and count(sessions, TranscriptRow) == 1
    with sessions() as session:
        unnamed = store.get_call(session, "call_002")
        assert unnamed is not None and unnamed.call_metadata["vip"] is True
        chat_call = store.get_call(session, "chat-9")
        assert chat_call is not None
        # Transcript-only: no ASR, scored from the stored transcript; pending for scoring.
        assert (chat_call.source, chat_call.status) == ("transcript", "pending")
        assert chat_call.content_sha256 == hashlib.sha256(
            (tmp_path / "chat.json").read_bytes()).hexdigest()
        stored = store.load_transcript(session, chat_call)
        assert stored.call_id == "chat-9" and stored.utterances == chat.utterances
        assert stored.metadata is not None
        # The line's fields win; the rest comes from the transcript's own metadata.
        assert (stored.metadata.agent_id, stored.metadata.customer_id) == ("a05", "c900")
        frame = store.calls_frame(session)
        assert frame.set_index("call_id").loc["chat-9", "handle_time"] == 20.0


def test_bad_manifest_rows_are_reported_with_line_and_fix(
    sessions: sessionmaker[Session], tmp_path: Path,
) -> None:
    copy_samples(tmp_path, {"a.wav": "call_001", "b.wav": "call_002"})
    (tmp_path / "broken.json").write_text('{"schema": "callqa.transcript/1", "language": "en"}')
    manifest = write_manifest(tmp_path / "m.jsonl", [
        {"call_id": "ok-1", "audio": "a.wav"},                          # 1
        '{"call_id": "x", "audio": "a.wav"',                            # 2 invalid JSON
        {"call_id": "x", "call_type": "Billing Calls", "audio": "b.wav"},  # 3 bad field
        {"call_id": "x", "audio": "missing.wav"},                       # 4 missing file
        {"call_id": "x"},                                               # 5 neither
        {"call_id": "x", "audio": "b.wav", "transcript": "broken.json"},  # 6 both
        {"call_id": "x", "transcript": "broken.json"},                  # 7 invalid transcript
        "",                                                             # 8 blank: skipped
        ["not", "an", "object"],                                        # 9
        {"call_id": "ok-2", "audio": "b.wav"},                          # 10
    ])
    report = ingest(sessions, manifest)
    assert report.added_call_ids == ["ok-1", "ok-2"]
    failures = {f.line or 0: f for f in report.failures}
    assert sorted(failures) == [2, 3, 4, 5, 6, 7, 9]
    assert "not valid JSON" in failures[2].reason and "one JSON object per line" in failures[2].fix
    assert "call_type" in failures[3].reason
    assert "missing.wav not found" in failures[4].reason and str(tmp_path) in failures[4].fix
    assert "neither" in failures[5].reason
    assert "both" in failures[6].reason
    assert "not a valid callqa.transcript/1" in failures[7].reason
    assert "JSON object" in failures[9].reason
    assert all(f.source == str(manifest) and f.fix for f in report.failures)
    assert str(failures[4]).startswith(f"{manifest}:4: ")
    again = ingest(sessions, manifest)
    assert (again.added, again.already_present, again.failed) == (0, 2, 7)


def test_same_call_id_with_other_content_is_refused(
    sessions: sessionmaker[Session], tmp_path: Path,
) -> None:
    ingest(sessions, SAMPLES)
    changed = tmp_path / "call_001.wav"
    changed.write_bytes((SAMPLES / "call_001.wav").read_bytes() + b"\0\0")
    report: IngestReport = ingest(sessions, changed)
    assert report.added == 0 and report.failed == 1
    failure = report.failures[0]
    old = hashlib.sha256((SAMPLES / "call_001.wav").read_bytes()).hexdigest()
    new = hashlib.sha256(changed.read_bytes()).hexdigest()
    assert "call_001" in failure.reason and old[:12] in failure.reason
    assert new[:12] in failure.reason and "own call_id" in failure.fix
    with sessions.begin() as session, pytest.raises(DuplicateCallError):
        store.upsert_call(session, metadata("call_002"), content_sha256="f" * 64,
                          recording_uri="file:///elsewhere.wav")


def test_ingest_of_a_missing_path_names_the_fix(sessions: sessionmaker[Session],
                                                 tmp_path: Path) -> None:
    from callqa.domain.errors import InputError

    with pytest.raises(InputError, match=r"no such file.*Fix"):
        ingest(sessions, tmp_path / "nowhere")
    seen: list[tuple[str, int, int]] = []
    ingest(sessions, SAMPLES, hook=lambda source, done, total: seen.append((source, done, total)))
    assert [s[1:] for s in seen] == [(i, 7) for i in range(1, 8)]
