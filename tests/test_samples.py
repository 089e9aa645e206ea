"""The sample calls shipped in the repository, and the demo job that runs on them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from callqa.domain.metadata import load_metadata, sidecar_path
from callqa.domain.records import Role, Transcript
from tests.helpers.invariants import assert_transcript_invariants
from tests.helpers.paths import SAMPLES

RECORDINGS = sorted(SAMPLES.glob("*.wav"))


def test_samples_are_small_stereo_ulaw_calls_with_metadata() -> None:
    assert len(RECORDINGS) >= 6
    assert sum(p.stat().st_size for p in SAMPLES.iterdir()) < 5 * 1024 * 1024
    agents, call_types = set(), set()
    for path in RECORDINGS:
        info = sf.info(str(path))
        assert (info.channels, info.samplerate, info.subtype) == (2, 8000, "ULAW"), path
        metadata = load_metadata(sidecar_path(path))
        assert metadata.call_id == path.stem and metadata.channel_layout is not None
        agents.add(metadata.agent_id)
        call_types.add(metadata.call_type)
    assert len(agents) >= 2 and len(call_types) >= 2


def _demo(samples: Path, output: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callqa", "demo", "--samples", str(samples), "-o", str(output)],
        capture_output=True, text=True, timeout=600,
    )


@pytest.mark.model
def test_demo_transcribes_every_sample_and_survives_a_corrupt_file(tmp_path: Path) -> None:
    samples = tmp_path / "calls"
    shutil.copytree(SAMPLES, samples)
    (samples / "zz_corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt garbage")
    output = tmp_path / "out"
    result = _demo(samples, output)
    assert result.returncode == 0, result.stderr
    assert "zz_corrupt.wav" in result.stderr and "Fix:" in result.stderr
    transcripts = {
        p.name.split(".")[0]: Transcript.from_json(p.read_text())
        for p in output.glob("*.transcript.json")
    }
    assert set(transcripts) == {p.stem for p in RECORDINGS}
    for transcript in transcripts.values():
        assert_transcript_invariants(transcript)
        assert transcript.roles.method == "channel_layout"
        assert {s.role for s in transcript.speakers} == {Role.AGENT, Role.CUSTOMER}
    # call_001 is a good call, agent on the left; call_003 has the agent on the right.
    for call_id in ("call_001", "call_003"):
        agent = transcripts[call_id].text_by_role(Role.AGENT).lower()
        customer = transcripts[call_id].text_by_role(Role.CUSTOMER).lower()
        assert "thank you for calling" in agent and "thank you for calling" not in customer
    assert "my name is maria" in transcripts["call_001"].text_by_role(Role.AGENT).lower()
    # The full job: the store holds every sample call, the corrupt one failed with its reason,
    # and the planted weak agent a02 is flagged with call_004 (its customer called back in
    # call_005) in the review queue.
    assert "agent flagged for FCR" in result.stdout or "a02" in result.stdout
    queue = subprocess.run(
        [sys.executable, "-m", "callqa", "review-queue", "--json", "--limit", "500",
         "--agent", "a02", "--database", f"sqlite:///{output}/callqa.db"],
        capture_output=True, text=True, timeout=120)
    assert queue.returncode == 0, queue.stderr
    items = {i["call_id"]: i for i in map(json.loads, queue.stdout.splitlines())}
    assert items["call_004"]["kind"] == "fcr_repeat" and not items["call_004"]["control"]
    assert "call_005" in items["call_004"]["reasons"][0]
    flags = subprocess.run(
        [sys.executable, "-m", "callqa", "flags", "--json", "--database",
         f"sqlite:///{output}/callqa.db"], capture_output=True, text=True, timeout=120)
    assert flags.returncode == 0, flags.stderr
    lines = [json.loads(line) for line in flags.stdout.splitlines()]
    fcr = [f for f in lines if f.get("kind") == "fcr" and f.get("status") == "flagged"]
    assert [f["agent_id"] for f in fcr] == ["a02"]
    assert {"calls", "events", "expected", "q_value", "reasons"} <= fcr[0].keys()
    # Graded evidence: an estimate above peers with its interval, and how sure it is.
    assert fcr[0]["interval_low"] > 1.0 and fcr[0]["prob_worse"] >= 0.95
    # The last line: how the review budget was spent and what it should find vs random.
    plan = lines[-1]["review_plan"]
    assert plan["targeted"] > 0 and plan["expected_found"] > plan["expected_random"]
