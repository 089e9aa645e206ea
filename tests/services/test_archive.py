"""Ingest from fsspec URLs (memory://, and s3:// on a local moto server) and `local_copy`.

A remote archive must give the same calls, metadata and hashes as the same files on disk;
only `recording_uri` differs (the file's full URL), and `local_copy` reads it back.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fsspec
import pytest
import soundfile as sf
from fsspec.implementations.memory import MemoryFileSystem
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from callqa.domain.errors import InputError, TransientError
from callqa.models.engine import make_engine, session_factory
from callqa.models.migrate import upgrade
from callqa.models.tables import Call
from callqa.services.archive import local_copy, read_bytes
from callqa.services.ingest import ingest
from tests.factories import billing_call, metadata
from tests.helpers.paths import SAMPLES

NAMES = [f"call_00{n}" for n in range(1, 8)]

CallRow = tuple[str, str, dict[str, Any]]
"""What ingest stores of a call, its URI aside: source, content sha256, metadata."""


def stored_calls(sessions: sessionmaker[Session]) -> dict[str, tuple[CallRow, str]]:
    with sessions() as session:
        return {c.call_id: ((c.source, c.content_sha256, c.call_metadata), c.recording_uri)
                for c in session.scalars(select(Call))}


@pytest.fixture(scope="module")
def local_reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CallRow]:
    """The sample folder ingested from disk, into a store of its own."""
    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('local') / 'ref.db'}")
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        report = ingest(sessions, SAMPLES)
        assert (report.added, report.failed) == (7, 0), report.failures
        return {call_id: row for call_id, (row, _) in stored_calls(sessions).items()}
    finally:
        engine.dispose()


def upload_samples(fs: Any, folder: str) -> None:
    """The sample calls and their sidecars; the last four one folder deeper (recursion)."""
    for index, name in enumerate(NAMES):
        target = folder if index < 3 else f"{folder}/day2"
        for suffix in (".wav", ".json"):
            fs.pipe_file(f"{target}/{name}{suffix}", (SAMPLES / f"{name}{suffix}").read_bytes())


@pytest.fixture
def memory_root() -> Iterator[str]:
    """A folder of its own in fsspec's (process-wide) memory filesystem, removed after."""
    root = f"/callqa-{secrets.token_hex(4)}"
    yield f"memory://{root}"
    fs = MemoryFileSystem()
    if fs.exists(root):
        fs.rm(root, recursive=True)


def test_memory_folder_ingest_matches_the_local_folder(
    sessions: sessionmaker[Session], memory_root: str, local_reference: dict[str, CallRow],
) -> None:
    upload_samples(MemoryFileSystem(), f"{memory_root}/calls")
    report = ingest(sessions, f"{memory_root}/calls")
    assert report.added_call_ids == NAMES, report.failures  # name order, subfolder included
    stored = stored_calls(sessions)
    assert {call_id: row for call_id, (row, _) in stored.items()} == local_reference
    uri = stored["call_005"][1]
    assert uri == f"{memory_root}/calls/day2/call_005.wav"  # the file's full URL
    assert read_bytes(uri) == (SAMPLES / "call_005.wav").read_bytes()
    again = ingest(sessions, f"{memory_root}/calls")
    assert (again.added, again.already_present, again.failed) == (0, 7, 0)


def test_memory_manifest_resolves_paths_against_its_folder(
    sessions: sessionmaker[Session], memory_root: str,
) -> None:
    fs = MemoryFileSystem()
    fs.pipe_file(f"{memory_root}/audio/call_001.wav", (SAMPLES / "call_001.wav").read_bytes())
    fs.pipe_file(f"{memory_root}/batch/day/call_002.wav",
                 (SAMPLES / "call_002.wav").read_bytes())
    chat = billing_call("from-transcript", metadata("ignored-id", customer_id="c900")).to_json()
    fs.pipe_file(f"{memory_root}/batch/chat.json", chat.encode())
    lines = [{"call_id": "m-1", "agent_id": "a01", "audio": "../audio/call_001.wav"},
             {"audio": "day/call_002.wav", "customer_id": "c7"},
             {"call_id": "chat-9", "agent_id": "a05", "transcript": "chat.json"},
             {"call_id": "x", "audio": "missing.wav"}]
    manifest = f"{memory_root}/batch/calls.jsonl"
    fs.pipe_file(manifest, "\n".join(json.dumps(line) for line in lines).encode())

    report = ingest(sessions, manifest)
    assert report.added_call_ids == ["m-1", "call_002", "chat-9"], report.failures
    [missing] = report.failures
    assert (missing.source, missing.line) == (manifest, 4)
    assert f"{memory_root}/batch/missing.wav not found" in missing.reason
    assert f"start from {memory_root}/batch)" in missing.fix
    stored = stored_calls(sessions)
    assert stored["m-1"][0][1] == hashlib.sha256(
        (SAMPLES / "call_001.wav").read_bytes()).hexdigest()
    assert stored["chat-9"][0][:2] == ("transcript", hashlib.sha256(chat.encode()).hexdigest())
    assert stored["chat-9"][1] == f"{memory_root}/batch/chat.json"
    assert stored["m-1"][1] == f"{memory_root}/audio/call_001.wav"  # `..` resolved
    again = ingest(sessions, manifest)
    assert (again.added, again.already_present, again.failed) == (0, 3, 1)


def test_bad_remote_files_are_reported_and_the_rest_lands(
    sessions: sessionmaker[Session], memory_root: str,
) -> None:
    fs = MemoryFileSystem()
    wav = (SAMPLES / "call_001.wav").read_bytes()
    fs.pipe_file(f"{memory_root}/good.wav", wav)
    fs.pipe_file(f"{memory_root}/corrupt.wav", (SAMPLES / "call_002.wav").read_bytes())
    fs.pipe_file(f"{memory_root}/corrupt.json", b'{"call_id": "c", ')
    fs.pipe_file(f"{memory_root}/empty.wav", b"")
    report = ingest(sessions, memory_root)
    assert report.added_call_ids == ["good"]
    by_name = {f.source.rsplit("/", 1)[1]: f for f in report.failures}
    assert set(by_name) == {"corrupt.json", "empty.wav"}
    assert all(f.source.startswith("memory://") and f.fix for f in report.failures)
    assert "not valid JSON" in by_name["corrupt.json"].reason
    assert "0 bytes" in by_name["empty.wav"].reason
    assert "export the recording again" in by_name["empty.wav"].fix


def test_local_copy_downloads_a_remote_file_and_removes_it(
    memory_root: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    data = (SAMPLES / "call_003.wav").read_bytes()
    uri = f"{memory_root}/x/call_003.wav"
    MemoryFileSystem().pipe_file(uri, data)
    with local_copy(uri) as copy:
        assert copy.suffix == ".wav" and copy.read_bytes() == data
        assert sf.info(str(copy)).samplerate == sf.info(str(SAMPLES / "call_003.wav")).samplerate
    assert not copy.exists()
    with pytest.raises(RuntimeError), local_copy(uri) as copy:
        raise RuntimeError("the decoder failed")
    assert list(tmp_path.iterdir()) == []  # removed on an error too
    with (pytest.raises(InputError, match=r"memory://.*nowhere\.wav: cannot download.*Fix"),
          local_copy(f"{memory_root}/nowhere.wav")):
        pass
    assert list(tmp_path.iterdir()) == []


def test_local_copy_of_a_local_file_is_the_file_itself() -> None:
    local = SAMPLES / "call_001.wav"
    with local_copy(local.resolve().as_uri()) as path:
        assert path == local.resolve()
    with local_copy(str(local)) as path:
        assert path == local
    assert local.exists()


def test_url_errors_name_the_fix(sessions: sessionmaker[Session],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match=r"nosuch://x: .*Protocol not known.*Fix: give"):
        ingest(sessions, "nosuch://x")
    with pytest.raises(InputError, match=r"memory://.*: no such file or folder"):
        ingest(sessions, f"memory://callqa-{secrets.token_hex(4)}")
    with pytest.raises(InputError, match=r"as a string"):
        ingest(sessions, Path("memory://calls"))  # a Path turned // into /
    # Without s3fs: the s3 extra is the fix.
    monkeypatch.setitem(sys.modules, "s3fs", None)
    registry = sys.modules["fsspec.registry"]._registry  # (fsspec.registry: a read-only view)
    monkeypatch.delitem(registry, "s3", raising=False)
    with pytest.raises(InputError, match=r"s3://bucket/calls: .*Fix: install callqa\[s3\]"):
        ingest(sessions, "s3://bucket/calls")


# --- A real S3 API: moto's standalone server on a free localhost port --------------------

@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server_module = pytest.importorskip("moto.server", reason="pip install 'moto[server]'")
    pytest.importorskip("s3fs", reason="pip install 'callqa[s3]'")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_settings(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    """Configure s3fs the way a deployment does, through fsspec's FSSPEC_S3_* variables
    (read once, when fsspec is imported: applied here with fsspec's own parser)."""
    import s3fs

    conf: dict[str, dict[str, Any]] = {}
    fsspec.config.set_conf_env(conf, {"FSSPEC_S3_ENDPOINT_URL": endpoint,
                                      "FSSPEC_S3_KEY": "testing", "FSSPEC_S3_SECRET": "testing"})
    monkeypatch.setitem(fsspec.config.conf, "s3", conf["s3"])
    s3fs.S3FileSystem.clear_instance_cache()


@pytest.fixture
def s3_bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    s3_settings(monkeypatch, s3_endpoint)
    bucket = f"callqa-{secrets.token_hex(4)}"
    fsspec.filesystem("s3").mkdir(bucket)
    return bucket


def test_s3_folder_ingest_and_local_copy(
    sessions: sessionmaker[Session], s3_bucket: str, local_reference: dict[str, CallRow],
) -> None:
    upload_samples(fsspec.filesystem("s3"), f"{s3_bucket}/calls")
    report = ingest(sessions, f"s3://{s3_bucket}/calls")
    assert report.added_call_ids == NAMES, report.failures
    stored = stored_calls(sessions)
    assert {call_id: row for call_id, (row, _) in stored.items()} == local_reference
    uri = stored["call_002"][1]
    assert uri == f"s3://{s3_bucket}/calls/call_002.wav"
    with local_copy(uri) as copy:
        assert copy.suffix == ".wav"
        assert copy.read_bytes() == (SAMPLES / "call_002.wav").read_bytes()
    assert not copy.exists()
    with (pytest.raises(InputError, match=r"nope\.wav: cannot download .*Fix: check the URL"),
          local_copy(f"s3://{s3_bucket}/calls/nope.wav")):
        pass
    again = ingest(sessions, f"s3://{s3_bucket}/calls")
    assert (again.added, again.already_present, again.failed) == (0, 7, 0)


def test_s3_missing_bucket_and_unreachable_endpoint_name_the_url(
    sessions: sessionmaker[Session], s3_endpoint: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    s3_settings(monkeypatch, s3_endpoint)
    with pytest.raises(InputError, match=r"s3://no-such-bucket/calls: no such file or folder"):
        ingest(sessions, "s3://no-such-bucket/calls")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    s3_settings(monkeypatch, closed)
    monkeypatch.setitem(fsspec.config.conf["s3"], "retries", 1)
    # Out of reach is not bad input: a TransientError, which the flows retry.
    with pytest.raises(TransientError, match=r"s3://b/calls: cannot list it .*Fix: check the"):
        ingest(sessions, "s3://b/calls")
    with (pytest.raises(TransientError, match=r"s3://b/c\.wav: cannot download"),
          local_copy("s3://b/c.wav")):
        pass
