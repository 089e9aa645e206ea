"""Calls through the API: detail, pages and filters, audio with range requests, sign-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from callqa.domain.records import Transcript
from callqa.services.reviews import call_with_verdicts
from callqa.services.users import find_user
from tests.api.conftest import PASSWORD, USERS, sign_in
from tests.helpers.paths import SAMPLES

pytestmark = pytest.mark.model


def test_detail_has_metadata_transcript_and_score(client: TestClient) -> None:
    answer = client.get("/api/v1/calls/call_001", headers=sign_in(client, "agent"))
    assert answer.status_code == 200
    call = answer.json()
    assert call["agent_id"] == "a01" and call["status"] == "processed"
    assert call["transcript"]["schema"] == "callqa.transcript/1"
    assert call["score_result"]["schema"] == "callqa.score/1"
    assert call["score"] == call["score_result"]["score"]


def test_detail_passes_the_stored_transcript_through_unchanged(app: FastAPI,
                                                               client: TestClient) -> None:
    """The detail route sends the stored transcript's JSON as it is (not parsed and written
    again): the answer must be what the service's validated record says, field for field."""
    answer = client.get("/api/v1/calls/call_003", headers=sign_in(client, "qa")).json()
    person = find_user(app.state.sessions, USERS["qa"][0])
    assert person is not None
    record = call_with_verdicts(app.state.sessions, person, "call_003")
    assert record is not None and record.transcript is not None
    assert answer == json.loads(record.model_dump_json(by_alias=True))
    assert Transcript.model_validate(answer["transcript"]) == record.transcript


def test_pages_follow_the_cursor_to_the_end(client: TestClient) -> None:
    headers = sign_in(client, "qa")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/calls", params=params, headers=headers).json()
        seen += [item["call_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["call_003", "call_002", "call_001"]
    bad = client.get("/api/v1/calls", params={"cursor": "nonsense"}, headers=headers)
    assert bad.status_code == 400 and "cursor" in bad.json()["detail"]


def test_filters_and_words_in_the_transcript(client: TestClient) -> None:
    headers = sign_in(client, "qa")

    def ids(**params: str) -> set[str]:
        answer = client.get("/api/v1/calls", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return {item["call_id"] for item in answer.json()["items"]}

    assert ids(team_id="t2") == {"call_003"}
    assert ids(call_type="billing") == {"call_001", "call_002"}
    assert ids(status="failed") == set()
    detail = client.get("/api/v1/calls/call_003", headers=headers).json()
    word = max(detail["transcript"]["utterances"][0]["text"].split(), key=len).strip(".,?!")
    assert "call_003" in ids(q=word)
    assert ids(q="zzzz-no-call-says-this") == set()


def test_audio_answers_ranges_of_the_stored_bytes(client: TestClient) -> None:
    headers = sign_in(client, "agent")
    stored = (SAMPLES / "call_001.wav").read_bytes()
    whole = client.get("/api/v1/calls/call_001/audio", headers=headers)
    assert whole.status_code == 200 and whole.content == stored
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"].startswith("audio/")
    for header, expected in (("bytes=0-99", stored[:100]), ("bytes=1000-1999", stored[1000:2000]),
                             ("bytes=-500", stored[-500:])):
        part = client.get("/api/v1/calls/call_001/audio", headers={**headers, "Range": header})
        assert part.status_code == 206, header
        assert part.content == expected, header
        first = len(stored) - len(expected) if header.startswith("bytes=-") else int(
            header[6:].split("-")[0])
        assert part.headers["content-range"] == (
            f"bytes {first}-{first + len(expected) - 1}/{len(stored)}")
    beyond = client.get("/api/v1/calls/call_001/audio",
                        headers={**headers, "Range": f"bytes={len(stored) + 10}-"})
    assert beyond.status_code == 416


def test_sign_in_is_limited_and_disabled_users_are_out(client: TestClient,
                                                       caplog: pytest.LogCaptureFixture
                                                       ) -> None:
    for _ in range(5):
        wrong = client.post("/api/v1/auth/token", data={"username": "quinn",
                                                        "password": "not it at all"})
        assert wrong.status_code == 401
    assert "not it at all" not in caplog.text  # the password is never logged
    assert "quinn" in caplog.text
    blocked = client.post("/api/v1/auth/token", data={"username": "quinn",
                                                      "password": PASSWORD})
    assert blocked.status_code == 429 and "retry-after" in blocked.headers


def test_me_and_health(client: TestClient) -> None:
    me = client.get("/api/v1/me", headers=sign_in(client, "team_leader")).json()
    assert me == {"username": "tess", "role": "team_leader", "agent_id": None, "teams": ["t1"]}
    assert client.get("/healthz").json()["status"] == "ok"


def test_a_disabled_user_token_stops_working(client: TestClient, app: object,
                                             tmp_path: Path) -> None:
    from callqa.services.users import disable_user

    headers = sign_in(client, "qa")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    disable_user(client.app.state.sessions, "quinn")  # type: ignore[attr-defined]
    assert client.get("/api/v1/me", headers=headers).status_code == 401
