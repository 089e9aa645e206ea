"""`POST /api/v1/calls` with a `callqa.import/1` file: stored, processed and scored like any
transcript (no model needed); an invalid import is a 422 naming the utterance and the fix."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from callqa.api import create_app
from callqa.services.store import close_stores, sessions_for
from callqa.services.users import add_user
from tests.api.conftest import api_settings
from tests.api.test_access import csrf_of
from tests.helpers.paths import REPO

IMPORTS = REPO / "tests" / "data" / "imports"
PASSWORD = "correct horse battery"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The app over an empty store with one qa user (no recordings: nothing to transcribe)."""
    database = tmp_path / "callqa.db"
    add_user(sessions_for(f"sqlite:///{database}"), "quinn", PASSWORD, "qa")
    close_stores()
    with TestClient(create_app(api_settings(database, tmp_path / "data", plain_http=True)),
                    follow_redirects=False) as test_client:
        yield test_client
    close_stores()


def signed_in(client: TestClient) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": "quinn",
                                                     "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_an_uploaded_asr_export_is_scored(client: TestClient) -> None:
    headers = signed_in(client)
    answer = client.post("/api/v1/calls", headers=headers, files={"transcript": (
        "call-7731.json", (IMPORTS / "vendor_asr_export.json").read_bytes(),
        "application/json")}, data={"metadata": json.dumps({"call_id": "up-7731",
                                                            "agent_id": "a12"})})
    assert answer.status_code == 202, answer.text
    detail = client.get("/api/v1/calls/up-7731", headers=headers).json()
    assert detail["status"] == "processed" and detail["source"] == "transcript"
    transcript = detail["transcript"]
    assert transcript["roles"]["method"] == "inferred"
    assert transcript["source"]["audio"] == "s3://acme-exports/2026-11/call-7731.wav"
    # The upload's metadata over the import's own: the call type still picks the scorecard.
    assert transcript["metadata"]["call_type"] == "technical_support"
    score = detail["score_result"]
    found = {c["id"]: c for c in score["criteria"]}
    assert found["prohibited_language"]["outcome"] == "fail" and score["critical_failed"]
    assert found["recording_disclosure"]["outcome"] == "pass"


def test_an_uploaded_chat_has_its_timing_criteria_na(client: TestClient) -> None:
    headers = signed_in(client)
    answer = client.post("/api/v1/calls", headers=headers, files={"transcript": (
        "chat.json", (IMPORTS / "chat_billing.json").read_bytes(), "application/json")})
    assert answer.status_code == 202, answer.text
    assert answer.json()["call_id"] == "chat-20261102-0042"  # the import's own
    detail = client.get("/api/v1/calls/chat-20261102-0042", headers=headers).json()
    found = {c["id"]: c for c in detail["score_result"]["criteria"]}
    assert found["greeting_by_name"]["outcome"] == "pass"
    assert found["dead_air"]["outcome"] == "na"
    assert "non_talk_share is unknown" in found["dead_air"]["reason"]


def test_an_untimed_chat_page_shows_no_times(client: TestClient) -> None:
    """Its utterances carry no times (stored at 0 s): the page numbers the lines and draws
    no timeline, instead of putting every line at 0:00."""
    answer = client.post("/api/v1/calls", headers=signed_in(client), files={"transcript": (
        "chat.json", (IMPORTS / "chat_billing.json").read_bytes(), "application/json")})
    assert answer.status_code == 202, answer.text
    token = csrf_of(client.get("/login").text)
    assert client.post("/login", data={"username": "quinn", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 303
    page = client.get("/calls/chat-20261102-0042")
    assert page.status_code == 200
    lines = page.text.count('data-testid="transcript-line"')
    assert lines > 3
    assert page.text.count('title="imported without times">#') == lines
    assert 'class="time"' not in page.text and 'data-testid="timeline"' not in page.text


def test_an_invalid_import_is_422_with_the_utterance_and_the_fix(client: TestClient) -> None:
    bad = {"schema": "callqa.import/1", "language": "en", "utterances": [
        {"role": "agent", "text": "Hello"}, {"role": "supervisor", "text": "Hi"}]}
    answer = client.post("/api/v1/calls", headers=signed_in(client), files={
        "transcript": ("bad.json", json.dumps(bad).encode(), "application/json")})
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert "bad.json: not a valid callqa.import/1 document (utterances.1.role: unknown role " \
           "'supervisor'" in detail
    assert "Fix: correct the named fields as docs/transcript-import.md describes" in detail
    listed = client.get("/api/v1/calls", headers=signed_in(client)).json()
    assert listed["items"] == []
