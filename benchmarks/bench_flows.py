"""What orchestration costs: the `process_calls` flow against the plain library loop
(`callqa.services.processing.process_calls`) on the same 20 calls, in one process.

Usage: .venv/bin/python -m benchmarks.bench_flows [--rounds 2] [--calls 20]

Data: the 7 sample calls, the 4 HVB stereo calls from ../shared/data (when present), and
copies of the samples with one audio byte changed (a new content hash, so a new call) up to
`--calls`. Each round ingests the calls into two fresh SQLite stores and processes one with
each runner; rounds alternate which goes first. The Whisper model is loaded and Prefect's
temporary server started before timing (both are once per process, not per batch). Goal:
the flow within 10 % of the plain loop.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from callqa.configs.settings import Settings
from callqa.services import processing as jobs
from callqa.services.ingest import ingest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "calls"
HVB = Path(os.environ.get("CALLQA_SHARED_DATA", REPO.parent / "shared" / "data")) / "calls" / "hvb"


def make_calls(folder: Path, count: int) -> int:
    """`count` calls in `folder` (recordings with sidecars); how many audio seconds."""
    sources = sorted(SAMPLES.glob("*.wav"))
    for wav in sources:
        shutil.copy(wav, folder / wav.name)
        shutil.copy(wav.with_suffix(".json"), folder / f"{wav.stem}.json")
    made = len(sources)
    for sid_wav in sorted((HVB / "derived").glob("*.stereo_agentL_callerR.ulaw.wav")):
        if made >= count:
            break
        sid = sid_wav.name.split(".")[0]
        shutil.copy(sid_wav, folder / f"hvb_{sid}.wav")
        (folder / f"hvb_{sid}.json").write_text(json.dumps({
            "call_id": f"hvb_{sid}", "channel_layout": "agent_left", "language": "en",
            "call_type": "card_services"}))
        made += 1
    copy = 0
    while made < count:
        wav = sources[copy % len(sources)]
        data = bytearray(wav.read_bytes())
        data[-1 - copy] ^= 1  # one audio byte: inaudible, but another recording
        name = f"{wav.stem}_copy{copy}"
        (folder / f"{name}.wav").write_bytes(bytes(data))
        meta = json.loads(wav.with_suffix(".json").read_text())
        (folder / f"{name}.json").write_text(json.dumps({**meta, "call_id": name}))
        made += 1
        copy += 1
    import soundfile

    return int(sum(soundfile.info(str(p)).duration for p in folder.glob("*.wav")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from callqa.flows.process import process_calls
    from callqa.pipeline.transcribe import get_transcriber
    from callqa.services.store import sessions_for

    work = Path(tempfile.mkdtemp(prefix="bench-flows-"))
    calls = work / "calls"
    calls.mkdir()
    seconds_of_audio = make_calls(calls, args.calls)
    settings = Settings()
    get_transcriber(settings.transcription)  # the model, loaded once per process
    warm = f"sqlite:///{work / 'warm.db'}"
    process_calls(database_url=warm)  # Prefect's temporary server, started once per process
    print(f"{args.calls} calls, {seconds_of_audio} s of audio; {args.rounds} round(s)")

    times: dict[str, list[float]] = {"plain loop": [], "flow": []}
    for round_ in range(args.rounds):
        order = ["plain loop", "flow"] if round_ % 2 == 0 else ["flow", "plain loop"]
        for runner in order:
            name = runner.replace(" ", "_")
            url = f"sqlite:///{work / f'{name}-{round_}.db'}"
            sessions = sessions_for(url)
            ingest(sessions, calls)
            began = time.perf_counter()
            if runner == "flow":
                report = process_calls(database_url=url)
            else:
                report = jobs.process_calls(sessions, settings)
            elapsed = time.perf_counter() - began
            times[runner].append(elapsed)
            assert len(report.processed) == args.calls, report.failed
            print(f"round {round_ + 1} {runner:>10}: {elapsed:6.1f} s "
                  f"({seconds_of_audio / elapsed:.1f}x real time)")
    plain, flow = (statistics.median(times[r]) for r in ("plain loop", "flow"))
    ratio = flow / plain
    print(f"\nmedian: plain loop {plain:.1f} s, flow {flow:.1f} s; ratio {ratio:.3f} "
          f"(orchestration {100 * (ratio - 1):+.1f} %, {(flow - plain) / args.calls * 1000:.0f}"
          f" ms a call); goal under +10 %: {'met' if ratio < 1.10 else 'NOT met'}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
