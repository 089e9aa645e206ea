"""Exports parse back with their own libraries; the CLI writes them, and fails cleanly."""

from __future__ import annotations

import io
import json
import subprocess
import sys
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


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "callqa", *args],
                          capture_output=True, text=True, timeout=300)


def test_cli_transcribe_with_metadata(shared_data: Path, tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"call_id": "hvb-1", "channel_layout": "agent_left"}))
    output = tmp_path / "out" / "hvb-1.json"
    audio = shared_data / "calls/hvb/derived/0002f70f7386445b.stereo_agentL_callerR.ulaw.wav"
    result = _cli("transcribe", str(audio),
                  "--metadata", str(meta), "--device", "cpu", "-o", str(output))
    assert result.returncode == 0, result.stderr
    transcript = Transcript.from_json(output.read_text())
    assert transcript.call_id == "hvb-1"
    assert transcript.utterances[0].role.value == "agent"
    assert "Patricia" not in result.stderr  # no transcript text in the logs


@pytest.mark.parametrize("fmt", ["txt", "vtt", "srt", "rttm"])
def test_cli_formats_to_stdout(shared_data: Path, fmt: str) -> None:
    result = _cli("transcribe", str(shared_data / "speech/jfk.flac"), "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert ("SPEAKER" if fmt == "rttm" else "country") in result.stdout


def test_cli_bad_audio_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunk")
    output = tmp_path / "out.json"
    result = _cli("transcribe", str(bad), "-o", str(output))
    assert result.returncode == 2
    assert str(bad) in result.stderr and "Fix:" in result.stderr
    assert not output.exists() and list(tmp_path.iterdir()) == [bad]


def test_cli_bad_metadata_names_field(shared_data: Path, tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"channel_layout": "sideways"}))
    result = _cli("transcribe", str(shared_data / "speech/jfk.flac"), "--metadata", str(meta))
    assert result.returncode == 2 and "channel_layout" in result.stderr


def test_cli_version() -> None:
    from callqa import __version__

    result = _cli("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_cli_mono_call_with_embedded_diarization(shared_data: Path) -> None:
    audio = shared_data / "calls/hvb/derived/0091a706bc604188.mono_mix.wav"
    result = _cli("transcribe", str(audio), "--diarization", "embedded", "--speakers", "2",
                  "--format", "rttm")
    assert result.returncode == 0, result.stderr
    labels = {line.split()[7] for line in result.stdout.splitlines()}
    assert labels == {"agent", "customer"}


def test_cli_channels_backend_on_mono_names_the_fix(shared_data: Path) -> None:
    audio = shared_data / "calls/hvb/derived/0091a706bc604188.mono_mix.wav"
    result = _cli("transcribe", str(audio), "--diarization", "channels")
    assert result.returncode == 2
    assert "one party per channel" in result.stderr and "'embedded'" in result.stderr
