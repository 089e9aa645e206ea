"""callqa's transcription against bare faster-whisper, same files, model and options.

Usage: .venv/bin/python -m benchmarks.bench_transcribe [--rounds 3] [--threads 1 2]

Data: the four Harper Valley Bank stereo G.711 μ-law calls in
../shared/data/calls/hvb/derived (8 kHz, agent left, caller right). For each thread count,
one process loads one model; each round runs bare faster-whisper (decode_audio with
split_stereo, then `transcribe(vad_filter=True, ...)` per channel, segments consumed) and
callqa (`transcribe_call`: decoding, VAD, Whisper, the speech guard, the merged transcript),
alternating which goes first. Figures: real-time factor (audio seconds per wall second) of
the median round, and callqa's speed as a fraction of bare speed (goal >= 0.9).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from callqa.configs.settings import Settings, TranscriptionSettings
from callqa.configs.telemetry import disable_telemetry
from callqa.domain.records import CallMetadata, ChannelLayout
from callqa.pipeline.calls import transcribe_call
from callqa.pipeline.transcribe import Transcriber

HVB = Path(__file__).resolve().parents[2] / "shared/data/calls/hvb/derived"
SIDS = ("0002f70f7386445b", "0091a706bc604188", "01f7ec3700424bc0", "02e41649e7c441fd")


def _bare(transcriber: Transcriber, files: list[Path]) -> float:
    from faster_whisper import decode_audio

    started = time.perf_counter()
    for path in files:
        for channel in decode_audio(str(path), split_stereo=True):
            segments, _ = transcriber.whisper_model.transcribe(
                channel, vad_filter=True, **transcriber.decode_options("en")
            )
            for _ in segments:
                pass
    return time.perf_counter() - started


def _callqa(transcriber: Transcriber, settings: Settings, files: list[Path]) -> float:
    metadata = CallMetadata(language="en", channel_layout=ChannelLayout.AGENT_LEFT)
    started = time.perf_counter()
    for path in files:
        transcribe_call(path, metadata, settings, transcriber)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    disable_telemetry()
    files = [HVB / f"{sid}.stereo_agentL_callerR.ulaw.wav" for sid in SIDS]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise SystemExit(f"reference calls not found: {missing[0]} (needs ../shared/data)")
    import soundfile as sf

    audio_seconds = sum(sf.info(str(f)).duration for f in files)
    print(f"data: {len(files)} HVB stereo u-law calls, {audio_seconds:.1f} s of audio, "
          f"{args.rounds} rounds, median round reported")
    print(f"{'threads':>7} {'bare RTF':>9} {'callqa RTF':>11} {'callqa/bare speed':>18}")
    for threads in args.threads:
        transcription = TranscriptionSettings(device="cpu", cpu_threads=threads, language="en")
        settings = Settings(transcription=transcription)
        transcriber = Transcriber(transcription)
        _bare(transcriber, files[:1])  # warm-up: first-call allocations
        bare, ours = [], []
        for round_index in range(args.rounds):
            if round_index % 2 == 0:
                bare.append(_bare(transcriber, files))
                ours.append(_callqa(transcriber, settings, files))
            else:
                ours.append(_callqa(transcriber, settings, files))
                bare.append(_bare(transcriber, files))
        bare_time, our_time = statistics.median(bare), statistics.median(ours)
        print(f"{threads:>7} {audio_seconds / bare_time:>8.1f}x {audio_seconds / our_time:>10.1f}x"
              f" {bare_time / our_time:>18.3f}")


if __name__ == "__main__":
    main()
