"""Exports parse back with their own libraries (the CLI that writes them: tests/cli/)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from callqa.domain.records import CallMetadata, ChannelLayout, Transcript
from callqa.pipeline.calls import transcribe_call
from callqa.pipeline.exports import export
from callqa.pipeline.transcribe import Transcriber

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def stereo(shared_data: Path, transcriber: Transcriber) -> Transcript:
    return transcribe_call(
        shared_data / "speech/stereo_diarization.wav",
        CallMetadata(call_id="stereo-1", channel_layout=ChannelLayout.AGENT_RIGHT),
        transcriber=transcriber,
    )


def test_webvtt(stereo: Transcript) -> None:
    import webvtt

    captions = webvtt.from_buffer(io.StringIO(export(stereo, "vtt")))
    assert len(captions) == len(stereo.utterances)
    assert {c.voice for c in captions.captions} == {"agent", "customer"}


def test_srt(stereo: Transcript) -> None:
    import srt

    subtitles = list(srt.parse(export(stereo, "srt")))
    assert [s.content.split("]")[0] for s in subtitles] == [
        f"[{u.role.value}" for u in stereo.utterances
    ]


def test_rttm_names_roles(stereo: Transcript) -> None:
    rows = [line.split() for line in export(stereo, "rttm").splitlines()]
    assert len(rows) == len(stereo.turns) > 0
    assert {row[1] for row in rows} == {"stereo-1"}
    assert {row[7] for row in rows} == {"agent", "customer"}
    for row, turn in zip(rows, stereo.turns, strict=True):
        assert abs(float(row[3]) - turn.start) < 1e-3
        assert abs(float(row[4]) - (turn.end - turn.start)) < 1e-3


def test_json_contract(stereo: Transcript) -> None:
    data = json.loads(export(stereo, "json"))
    assert data["schema"] == "callqa.transcript/1"
    for key in ("language", "duration", "audio", "model", "speakers", "utterances"):
        assert key in data
    assert {"path", "sha256", "sample_rate", "channels"} <= data["audio"].keys()
    assert {"id", "options_hash"} <= data["model"].keys()
    word = data["utterances"][0]["words"][0]
    assert set(word) == {"start", "end", "text", "probability"}
    assert Transcript.model_validate(data) == stereo
