"""`callqa transcribe`: writes the exports and the JSON contract, and fails cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from callqa.domain.records import Transcript

pytestmark = pytest.mark.model


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
