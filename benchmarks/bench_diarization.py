"""Embedded diarization speed and DER, and the whole mono path against bare faster-whisper.

Usage: .venv/bin/python -m benchmarks.bench_diarization [--rounds 3]

Data: the four Harper Valley Bank mono mixes (../shared/data/calls/hvb/derived/*.mono_mix.wav,
8 kHz, two speakers) and their human RTTMs. In one process:
1. embedded diarization (fine Silero VAD + Resemblyzer windows + spectral clustering) with
   1 and 2 torch threads: real-time factor of the median round (goal >= 30x on 2 cores) and
   DER (pyannote.metrics, 0.25 s collar);
2. `transcribe_call` on each mono mix (decode, Whisper, VAD, diarization, alignment, roles,
   metrics) against bare faster-whisper (`decode_audio` + `transcribe(vad_filter=True)`) on
   the same file with the same model and options: real-time factors and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from benchmarks.bench_transcribe import HVB, SIDS
from callqa.configs.settings import DiarizationSettings, Settings, TranscriptionSettings
from callqa.configs.telemetry import disable_telemetry
from callqa.domain.records import CallMetadata
from callqa.pipeline.audio import decode_audio
from callqa.pipeline.calls import transcribe_call
from callqa.pipeline.diarize.embedded import EmbeddedDiarizer
from callqa.pipeline.transcribe import Transcriber, speech_regions


def _der(sid: str, turns: list[tuple[float, float, str]]) -> float:
    from pyannote.core import Annotation, Segment
    from pyannote.database.util import load_rttm
    from pyannote.metrics.diarization import DiarizationErrorRate

    hypothesis = Annotation(uri=sid)
    for start, end, speaker in turns:
        hypothesis[Segment(start, end)] = speaker
    reference = load_rttm(HVB / f"{sid}.rttm")[sid]
    return float(DiarizationErrorRate(collar=0.25)(reference, hypothesis))


def bench_embedded(rounds: int, audio: dict[str, np.ndarray], seconds: float) -> None:
    settings = Settings()
    print(f"{'torch threads':>13} {'RTF (VAD+diarize)':>18} {'DER per call':>40}")
    for threads in (1, 2):
        diarizer = EmbeddedDiarizer(DiarizationSettings(torch_threads=threads, device="cpu"))
        times, ders = [], {}
        for _ in range(rounds):
            started = time.perf_counter()
            for sid, samples in audio.items():
                result = diarizer(samples, speech_regions(samples, settings.activity_vad), 2)
                ders[sid] = _der(sid, [(t.start, t.end, t.speaker) for t in result.turns])
            times.append(time.perf_counter() - started)
        rtf = seconds / statistics.median(times)
        print(f"{threads:>13} {rtf:>17.1f}x {' '.join(f'{d:.3f}' for d in ders.values()):>40}")


def bench_mono_transcribe(rounds: int, files: list[Path], seconds: float) -> None:
    from faster_whisper import decode_audio as bare_decode

    transcription = TranscriptionSettings(device="cpu", language="en")
    settings = Settings(transcription=transcription)
    transcriber = Transcriber(transcription)
    metadata = CallMetadata(language="en")
    bare, ours = [], []
    for round_index in range(rounds):
        def run_bare() -> float:
            started = time.perf_counter()
            for path in files:
                segments, _ = transcriber.whisper_model.transcribe(
                    bare_decode(str(path)), vad_filter=True, **transcriber.decode_options("en"))
                for _ in segments:
                    pass
            return time.perf_counter() - started

        def run_ours() -> float:
            started = time.perf_counter()
            for path in files:
                transcribe_call(path, metadata, settings, transcriber)
            return time.perf_counter() - started

        first, second = (run_bare, run_ours) if round_index % 2 == 0 else (run_ours, run_bare)
        results = {first: first(), second: second()}
        bare.append(results[run_bare])
        ours.append(results[run_ours])
    bare_time, our_time = statistics.median(bare), statistics.median(ours)
    print(f"mono transcribe: bare faster-whisper {seconds / bare_time:.1f}x real time, "
          f"callqa (ASR + diarization + roles + metrics) {seconds / our_time:.1f}x, "
          f"callqa/bare speed {bare_time / our_time:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    disable_telemetry()
    files = [HVB / f"{sid}.mono_mix.wav" for sid in SIDS]
    if not all(f.is_file() for f in files):
        raise SystemExit("reference calls not found (needs ../shared/data)")
    audio = {sid: decode_audio(f).samples[0] for sid, f in zip(SIDS, files, strict=True)}
    seconds = sum(len(a) for a in audio.values()) / 16000
    print(f"data: {len(files)} HVB mono mixes, {seconds:.1f} s of audio, {args.rounds} rounds, "
          "median round reported")
    bench_embedded(args.rounds, audio, seconds)
    bench_mono_transcribe(args.rounds, files, seconds)


if __name__ == "__main__":
    main()
