"""Erasure through the API and the command line, on SQLite and PostgreSQL: after
`DELETE /api/v1/calls/{id}` (admin) the call is gone from every API route and every table,
with its upload; a legal hold answers 409 until released; `callqa delete` and `callqa hold`
give one clear message and exit code 2 for an unknown or held call."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from callqa.api import create_app
from callqa.cli import app as cli
from callqa.configs.settings import ApiSettings, Settings
from callqa.domain.errors import CallqaError
from callqa.domain.review import ReviewItem
from callqa.models import store
from callqa.models.tables import Call
from callqa.services.store import close_stores
from tests.api.conftest import sign_in
from tests.api.test_reviews import FLIP, decided, override, verdicts
from tests.cli.test_read_only import store_bytes
from tests.helpers.cli import assert_one_message, callqa
from tests.helpers.paths import SAMPLES
from tests.services.test_erasure import row_counts, rows_naming

pytestmark = pytest.mark.model


@dataclass
class Ran:
    exit_code: int
    output: str
    stdout: str
GONE = "call_001"  # agent a01 (alex), team t1


@pytest.fixture
def client(loop_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """An app over a fresh copy of the API store; uploads wait in the queue (not processed)."""
    settings = Settings(database_url=loop_url, data_dir=tmp_path / "data",
                        api=ApiSettings(process_uploads="queue"))
    with TestClient(create_app(settings)) as test_client:
        yield test_client
    close_stores()


def _gets(client: TestClient) -> list[str]:
    """Every GET route of the API, from its own schema."""
    return sorted(path for path, operations in client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
                  if "get" in operations and path.startswith("/api/v1/"))


def _everything(client: TestClient, headers: dict[str, str], call_id: str
                ) -> dict[str, tuple[int, Any]]:
    """Every GET route's answer: with `call_id` in its path, or as is when it has none."""
    answers: dict[str, tuple[int, Any]] = {}
    for path in _gets(client):
        if "{" in path and "{call_id}" not in path:
            continue  # an id of another kind (a session, a dispute)
        url = path.replace("{call_id}", call_id)
        answer = client.get(url, headers=headers)
        answers[path] = (answer.status_code, answer.text)
    return answers


def test_a_deleted_call_is_gone_from_every_route_and_table(client: TestClient,
                                                           tmp_path: Path) -> None:
    admin, qa, alex = (sign_in(client, r) for r in ("admin", "qa", "agent"))
    criterion = decided(verdicts(client, qa, GONE))
    automatic = verdicts(client, qa, GONE)[criterion]["automatic"]
    override(client, qa, GONE, criterion, FLIP[automatic])
    assert client.post(f"/api/v1/calls/{GONE}/acknowledge", json={"comment": "ok"},
                       headers=alex).status_code == 200
    assert client.post(f"/api/v1/calls/{GONE}/disputes", headers=alex, json={
        "criterion_id": criterion, "reason": "listen at 2:10"}).status_code == 201
    assert client.post("/api/v1/library", headers=qa, json={
        "call_id": GONE, "criterion_id": criterion, "note": "model"}).status_code == 201
    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    with sessions.begin() as session:
        store.save_review_items(session, [ReviewItem(
            call_id=GONE, agent_id="a01", priority=1.5, kind="criterion",
            reasons=("fails greeting",))])
    # An upload: callqa keeps its bytes under data_dir/uploads.
    with (SAMPLES / "call_004.wav").open("rb") as audio:
        meta = json.dumps({"call_id": "upload-9", "agent_id": "a01"})
        sent = client.post("/api/v1/calls", headers=admin, files={"audio": audio},
                           data={"metadata": meta})
    assert sent.status_code == 202, sent.text
    uploads = list((tmp_path / "data" / "uploads").iterdir())
    assert len(uploads) == 1

    seen = _everything(client, admin, GONE)
    assert seen["/api/v1/calls/{call_id}"][0] == seen["/api/v1/calls/{call_id}/audio"][0] == 200
    assert GONE in seen["/api/v1/calls"][1] and GONE in seen["/api/v1/review-queue"][1]
    with sessions() as session:
        pk = session.scalar(select(Call.id).where(Call.call_id == GONE))
        sha = session.scalar(select(Call.content_sha256).where(Call.call_id == GONE))
    assert pk is not None and sha is not None

    # A legal hold blocks the deletion; only admins hold, release and delete.
    assert client.delete(f"/api/v1/calls/{GONE}", headers=qa).status_code == 403
    held = client.put(f"/api/v1/calls/{GONE}/legal-hold", headers=admin,
                      json={"reason": "complaint 2026-88"})
    assert held.status_code == 200 and held.json()["held"] and held.json()["by"] == "ada"
    refused = client.delete(f"/api/v1/calls/{GONE}", headers=admin)
    assert refused.status_code == 409 and "complaint 2026-88" in refused.json()["detail"]
    assert client.get(f"/api/v1/calls/{GONE}", headers=admin).status_code == 200
    released = client.delete(f"/api/v1/calls/{GONE}/legal-hold", headers=admin)
    assert released.status_code == 200 and not released.json()["held"]

    assert client.delete(f"/api/v1/calls/{GONE}", headers=admin).status_code == 204
    assert client.delete("/api/v1/calls/upload-9", headers=admin).status_code == 204
    assert not uploads[0].exists()
    assert client.delete(f"/api/v1/calls/{GONE}", headers=admin).status_code == 404

    for headers in (admin, qa, alex):
        for path, (code, body) in _everything(client, headers, GONE).items():
            if "{call_id}" in path:
                assert code in (403, 404), (path, code, body)  # 403: not for this role
            assert GONE not in body, (path, body)
    with sessions() as session:
        left = rows_naming(session, pk, (GONE, sha))
    assert set(left) == {"call_erasures", "audit_events"}, left
    assert [(e["action"], e["actor"], e["before"], e["after"]) for e in left["audit_events"]
            ] == [("call.deleted", "ada", None, None)]
    # The others are untouched.
    assert client.get("/api/v1/calls/call_002", headers=admin).status_code == 200


def test_the_commands_name_the_problem_and_exit_2(client: TestClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    url: str = client.app.state.settings.database_url  # type: ignore[attr-defined]
    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    runner = CliRunner()

    def run(*args: str) -> Ran:
        """The command in this process; a CallqaError ends it as `callqa.cli.main` does."""
        result = runner.invoke(cli, [*args, "--database", url])
        if isinstance(result.exception, CallqaError):
            return Ran(int(result.exception.exit_code), str(result.exception), "")
        return Ran(result.exit_code, result.output, result.stdout)

    # The real command, once: one message, exit code 2, no traceback.
    real = callqa(["delete", "no-such-call", "--yes", "--database", url], Path.cwd())
    assert_one_message(real, r"no call 'no-such-call' in the store")
    assert real.code == 2
    unknown = run("delete", "no-such-call", "--yes")
    assert unknown.exit_code == 2 and "no call 'no-such-call'" in unknown.output
    missing_reason = run("hold", "call_002")
    assert missing_reason.exit_code == 2 and "needs a reason" in missing_reason.output
    held = run("hold", "call_002", "--reason", "case 7", "--by", "dana")
    assert held.exit_code == 0 and "set by cli:dana: case 7" in held.output
    listed = run("hold", "--json")
    assert [json.loads(line)["call_id"] for line in listed.stdout.splitlines()] == ["call_002"]
    refused = run("delete", "call_002", "--yes")
    assert refused.exit_code == 2 and "under legal hold" in refused.output
    assert "callqa hold --release call_002" in refused.output
    no_prompt = run("delete", "call_003")  # no terminal to confirm on: refused, not done
    assert no_prompt.exit_code == 2 and "--yes" in no_prompt.output
    # A dry run of the purge (every sample call is past one day) writes nothing.
    monkeypatch.setenv("CALLQA_RETENTION__DEFAULT_DAYS", "1")
    with sessions() as session:
        rows = row_counts(session)
    database = make_url(url).database if url.startswith("sqlite") else None
    before = store_bytes(Path(database)) if database else None
    dry = run("purge", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would remove 2 call(s); 1 under legal hold stay" in " ".join(dry.output.split())
    with sessions() as session:
        assert row_counts(session) == rows
    if database:
        assert store_bytes(Path(database)) == before
    monkeypatch.delenv("CALLQA_RETENTION__DEFAULT_DAYS")
    assert run("hold", "--release", "call_002").exit_code == 0
    done = run("delete", "call_002", "--yes", "--json")
    assert done.exit_code == 0, done.output
    erased = json.loads(done.stdout)
    assert erased["call_id"] == "call_002" and erased["rows"]["calls"] == 1
    assert erased["archive_uri"].endswith("call_002.wav")  # the archive keeps its recording
    assert Path(store.local_path(erased["archive_uri"])).exists()
    audit = run("audit", "--call", "call_002", "--json")
    assert [json.loads(line)["action"] for line in audit.stdout.splitlines()] == [
        "call.deleted"]
