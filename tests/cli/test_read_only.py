"""Read commands and dry runs never write; a store or storage out of reach is one message.

- `review-queue`, `report`, `suggestions`, `reprocess --dry-run` and `reprocess
  --retry-failed --dry-run` (with failed calls in the store) leave the store's bytes as they
  were: callqa.db, and its write-ahead log when there is one.
- Run where there is no store and no --database: every command that needs a store (read
  commands, dry runs, `flags`, `process`, `reprocess`) ends with one message and exit code 2,
  and no callqa.db appears.
- A PostgreSQL server out of reach (`report`, `ingest`, ...): exit code 3, one message naming
  the URL without its password. A SQLite path in a missing folder: exit code 2.
- `ingest s3://...` without credentials: exit code 3, one message naming the fix.
"""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest

from callqa.configs.settings import load_settings
from callqa.domain.errors import ExitCode, StorageAccessError
from callqa.services import analysis, processing
from callqa.services.archive import storage_error
from callqa.services.ingest import ingest
from callqa.services.store import close_stores, sessions_for
from tests.factories import billing_call, metadata
from tests.helpers.cli import (
    Run,
    assert_no_traceback,
    assert_one_message,
    callqa,
    operator_env,
    shared_prefect_api,
)
from tests.helpers.paths import REPO

BAD_RECORDINGS = ("truncated", "not_audio")
"""From the malformed corpus: calls that end failed."""
READ_COMMANDS = [
    ["review-queue"], ["review-queue", "--json"], ["report"], ["report", "--json"],
    ["suggestions"], ["suggestions", "--json"], ["reprocess", "--dry-run"],
    ["reprocess", "--retry-failed", "--dry-run"], ["purge", "--dry-run"], ["hold"],
]
STORE_COMMANDS = [*READ_COMMANDS, ["flags"], ["process"], ["reprocess"], ["purge"],
                  ["delete", "ro-1", "--yes"], ["hold", "ro-1", "--reason", "case 1"]]
"""Every command that needs an existing store (only `ingest` and `demo` create one)."""


def store_bytes(database: Path) -> dict[str, str]:
    """sha256 of the store's file and of its write-ahead log (an empty log is no log)."""
    found = {}
    for path in (database, database.with_name(database.name + "-wal")):
        content = path.read_bytes() if path.exists() else b""
        found[path.name] = hashlib.sha256(content).hexdigest()
    return found


def closed_port() -> int:
    """A localhost port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store as operations leave it: calls imported as transcripts and scored, two
    recordings that failed with their reasons, the period analysed (flags, review queue).
    Built in this process, then closed: nothing holds the file open."""
    folder = tmp_path_factory.mktemp("read-only")
    lines = []
    for number, agent in enumerate(("a01", "a01", "a02", "a02"), start=1):
        call_id = f"ro-{number}"
        call = billing_call(call_id, metadata(call_id, agent_id=agent,
                                              customer_id=f"c{number}"))
        (folder / f"{call_id}.json").write_text(call.to_json(), encoding="utf-8")
        lines.append({"call_id": call_id, "transcript": f"{call_id}.json"})
    corpus = REPO / "tests" / "data" / "malformed" / "audio"
    for name in BAD_RECORDINGS:
        (folder / f"{name}.wav").write_bytes((corpus / f"{name}.wav").read_bytes())
        lines.append({"call_id": f"ro-{name}", "agent_id": "a02", "audio": f"{name}.wav"})
    manifest = folder / "calls.jsonl"
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    database = folder / "callqa.db"
    url = f"sqlite:///{database}"
    settings = load_settings().model_copy(update={"database_url": url})
    sessions = sessions_for(url, "create")
    assert not ingest(sessions, manifest).failures
    report = processing.process_calls(sessions, settings)
    assert sorted(call_id for call_id, _ in report.failed) == [
        f"ro-{name}" for name in sorted(BAD_RECORDINGS)]
    analysis.analyse_period(sessions, settings)
    close_stores()
    return database


@pytest.mark.model  # processing loads the Whisper model (the bad recordings fail before it runs)
@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_read_commands_and_dry_runs_leave_the_store_byte_for_byte(
        store: Path, args: list[str]) -> None:
    before = store_bytes(store)
    run = callqa([*args, "--database", f"sqlite:///{store}"], store.parent)
    assert run.code == ExitCode.OK, run.describe()
    assert_no_traceback(run)
    assert not run.errors, run.describe()
    assert store_bytes(store) == before
    if "--retry-failed" in args:
        assert f"{len(BAD_RECORDINGS)} failed to retry" in " ".join(run.stdout.split())
        assert f"would queue {len(BAD_RECORDINGS)} call(s)" in run.stdout


@pytest.mark.parametrize("args", STORE_COMMANDS, ids=" ".join)
def test_without_a_store_nothing_is_created(tmp_path: Path, args: list[str]) -> None:
    run = callqa(args, tmp_path)
    assert run.code == ExitCode.INPUT, run.describe()
    assert_one_message(run, r"there is no callqa store at sqlite:///callqa\.db \(no file "
                            r"callqa\.db\)\. Fix: ingest calls first")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["report"], ["review-queue"], ["flags"],
                                  ["reprocess", "--dry-run"], ["ingest", "calls"]],
                         ids=" ".join)
def test_an_unreachable_database_server_is_one_message(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "calls").mkdir()
    url = f"postgresql+psycopg://nobody:secret@127.0.0.1:{closed_port()}/callqa"
    run = callqa([*args, "--database", url], tmp_path)
    assert run.code == ExitCode.ENVIRONMENT, run.describe()
    assert_one_message(run, r"cannot reach the database postgresql\+psycopg://nobody:\*\*\*@"
                            r"127\.0\.0\.1:\d+/callqa \(.*\)\. Fix: start the database server")
    assert "secret" not in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calls"]


@pytest.mark.parametrize(("args", "pattern"), [
    (["report"], r"there is no callqa store at sqlite:///.*/no/such/folder/callqa\.db"),
    (["ingest", "calls"], r"the folder of the SQLite database .*/no/such/folder/callqa\.db "
                          r"does not exist\. Fix: create"),
], ids=["report", "ingest"])
def test_a_sqlite_store_in_a_missing_folder_is_one_message(
        tmp_path: Path, args: list[str], pattern: str) -> None:
    """Ingest opens the store at the first call it stores: two recordings, one message."""
    (tmp_path / "calls").mkdir()
    for name in ("bom", "crlf"):
        recording = REPO / "tests" / "data" / "malformed" / "sidecars" / "ok" / f"{name}.wav"
        (tmp_path / "calls" / recording.name).write_bytes(recording.read_bytes())
    run = callqa([*args, "--database", f"sqlite:///{tmp_path}/no/such/folder/callqa.db"],
                 tmp_path, prefect_api=shared_prefect_api())
    assert run.code == ExitCode.INPUT, run.describe()
    assert_one_message(run, pattern)


def test_s3_without_credentials_is_one_message(tmp_path: Path) -> None:
    """No credentials anywhere (environment, files, instance metadata): botocore refuses
    before it connects, so an endpoint nobody listens on never answers the question."""
    pytest.importorskip("s3fs", reason="pip install 'callqa[s3]'")
    env = {name: value for name, value in operator_env().items()
           if not name.startswith(("AWS_", "FSSPEC_"))}
    env |= {"HOME": str(tmp_path), "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "FSSPEC_S3_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}"}
    run: Run = callqa(["ingest", "s3://callqa-calls/2026-11/", "--database",
                       f"sqlite:///{tmp_path}/callqa.db"], tmp_path,
                      prefect_api=shared_prefect_api(), env=env)
    assert run.code == ExitCode.ENVIRONMENT, run.describe()
    assert_one_message(run, r"s3://callqa-calls/2026-11/?: cannot list it \(Unable to locate "
                            r"credentials\)\. Fix: give the storage's credentials")


def test_missing_credentials_are_an_environment_error() -> None:
    """The classification behind the message above, on botocore's own error."""
    botocore = pytest.importorskip("botocore.exceptions")
    error = storage_error("s3://b/calls", botocore.NoCredentialsError(), "cannot list it")
    assert isinstance(error, StorageAccessError)
    assert error.exit_code == ExitCode.ENVIRONMENT
    assert "Fix: give the storage's credentials" in str(error)
