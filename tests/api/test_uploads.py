"""Uploads: an agent's own call is processed and lands under their id; every bad upload
gets a clear 4xx and leaves nothing half-made in the store."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from callqa.api import create_app
from callqa.models.tables import Call
from callqa.services.store import close_stores
from tests.api.conftest import api_settings, sign_in
from tests.helpers.paths import SAMPLES

pytestmark = pytest.mark.model


def _count(client: TestClient) -> int:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(func.count()).select_from(Call)) or 0)


def _shortened(sample: str, seconds: float) -> bytes:
    """A new recording (new bytes) cut from a sample call."""
    samples, rate = sf.read(SAMPLES / f"{sample}.wav", dtype="int16", always_2d=True)
    buffer = io.BytesIO()
    sf.write(buffer, samples[: int(seconds * rate)], rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def test_an_agents_upload_is_processed_under_their_own_id(client: TestClient) -> None:
    headers = sign_in(client, "agent")
    answer = client.post("/api/v1/calls", headers=headers,
                         files={"audio": ("my-call.wav", _shortened("call_002", 12.0),
                                          "audio/wav")},
                         data={"metadata": json.dumps({"call_type": "billing"}),
                               "note": "was I clear about the fee?"})
    assert answer.status_code == 202, answer.text
    call_id = answer.json()["call_id"]
    assert answer.json()["status"] == "pending"
    # The in-process runner has processed it by the time the response is done.
    detail = client.get(f"/api/v1/calls/{call_id}", headers=headers).json()
    assert detail["agent_id"] == "a01" and detail["team_id"] == "t1"
    assert detail["status"] == "processed", detail["failure_reason"]
    assert detail["for_feedback"] and detail["submitted_by"] == "alex"
    assert detail["note"] == "was I clear about the fee?"
    assert detail["transcript"]["utterances"] and detail["score_result"] is not None
    again = client.post("/api/v1/calls", headers=headers,
                        files={"audio": ("renamed.wav", _shortened("call_002", 12.0),
                                         "audio/wav")})
    assert again.status_code == 202 and again.json() == {
        "call_id": call_id, "status": "stored", "created": False}  # same bytes, same call


def test_a_transcript_upload_is_scored(client: TestClient) -> None:
    headers = sign_in(client, "qa")
    transcript = client.get("/api/v1/calls/call_003", headers=headers).json()["transcript"]
    transcript["utterances"] = transcript["utterances"][:-1]  # new bytes
    answer = client.post("/api/v1/calls", headers=headers, files={
        "transcript": ("chat.json", json.dumps(transcript).encode(), "application/json")},
        data={"metadata": json.dumps({"call_id": "chat-1", "agent_id": "a03",
                                      "call_type": "sales"})})
    assert answer.status_code == 202, answer.text
    detail = client.get("/api/v1/calls/chat-1", headers=headers).json()
    assert detail["status"] == "processed" and detail["source"] == "transcript"
    assert not detail["for_feedback"] and detail["agent_id"] == "a03"


@pytest.mark.parametrize(("files", "data", "status", "words"), [
    ({"audio": ("empty.wav", b"", "audio/wav")}, {}, 422, "empty"),
    ({"audio": ("notes.wav", b"these are my notes, not audio\n" * 40, "audio/wav")}, {},
     415, "not a recording"),
    ({"audio": ("call.wav", b"RIFF....WAVE", "audio/wav")}, {"metadata": "{not json"}, 422,
     "metadata is not JSON"),
    ({"audio": ("call.wav", b"RIFF....WAVE", "audio/wav")}, {"metadata": "[1, 2]"}, 422,
     "JSON object"),
    ({"transcript": ("t.json", b'{"schema": "something else"}', "application/json")}, {}, 415,
     "callqa.transcript/1"),
    ({}, {"metadata": "{}"}, 422, "send one file"),
    ({"audio": ("x.wav", b"RIFF", "audio/wav")}, {"metadata": json.dumps({"agent_id": "a02"})},
     403, "own calls"),
    ({"audio": ("x.wav", b"RIFF", "audio/wav")},
     {"metadata": json.dumps({"started_at": 12345})}, 422, "started_at"),
])
def test_bad_uploads_are_refused_and_store_nothing(
        client: TestClient, files: dict[str, tuple[str, bytes, str]], data: dict[str, str],
        status: int, words: str) -> None:
    before = _count(client)
    if "started_at" in words:  # metadata is checked on real audio too
        files = {"audio": ("ok.wav", _shortened("call_001", 2.0), "audio/wav")}
    answer = client.post("/api/v1/calls", headers=sign_in(client, "agent"), files=files,
                         data=data)
    assert answer.status_code == status, answer.text
    assert words in answer.json()["detail"]
    assert _count(client) == before


def test_an_oversize_upload_is_413(api_store: Path, tmp_path: Path) -> None:
    database = tmp_path / "callqa.db"
    database.write_bytes(api_store.read_bytes())
    app = create_app(api_settings(database, tmp_path / "data", max_upload_mb=0.05))
    with TestClient(app) as client:
        before = _count(client)
        answer = client.post("/api/v1/calls", headers=sign_in(client, "qa"),
                             files={"audio": ("big.wav", _shortened("call_001", 5.0),
                                              "audio/wav")})
        assert answer.status_code == 413 and "api.max_upload_mb" in answer.json()["detail"]
        assert _count(client) == before
        assert not list((tmp_path / "data").glob("uploads/*"))
    close_stores()


def test_uploads_are_kept_by_content(client: TestClient, tmp_path: Path) -> None:
    headers = sign_in(client, "agent")
    client.post("/api/v1/calls", headers=headers,
                files={"audio": ("a.wav", _shortened("call_001", 3.0), "audio/wav")})
    kept = list((tmp_path / "data" / "uploads").glob("*.wav"))
    assert len(kept) == 1 and len(kept[0].stem) == 64  # named by its sha256, not its name
    assert np.frombuffer(kept[0].read_bytes()[:4], dtype=np.uint8).tobytes() == b"RIFF"
