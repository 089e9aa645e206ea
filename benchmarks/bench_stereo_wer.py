"""Stereo WER: callqa's stereo μ-law path against bare faster-whisper, per call and channel.

Usage: .venv/bin/python -m benchmarks.bench_stereo_wer [--snr 15 20] [--threads 1]

Data: the four Harper Valley Bank calls of ../shared/data/calls/hvb: the derived stereo
G.711 μ-law file (8 kHz, agent left, caller right), each party's own 8 kHz PCM file and each
party's human reference. In one process, with one model (the bundled tiny.en, CPU int8):

- callqa: `transcribe_call` on the μ-law file with `channel_layout: agent_left` (decoding,
  VAD, Whisper, the speech guard, the merged transcript), the text of each role;
- bare μ-law: faster-whisper's own `decode_audio(split_stereo=True)` of the same μ-law file,
  then `transcribe(vad_filter=True, beam_size=5, language="en")` per channel (faster-whisper's
  defaults otherwise);
- bare own: the same bare call on each party's own PCM file.

Printed per call and channel: reference words and each system's WER with substitutions,
deletions and insertions (Whisper's English normaliser, tests/helpers/wer.py), then the
totals, callqa's WER minus bare-own WER in points (the bar: at most +1.0) and their ratio.

`--snr DB` adds, for each value, a harder copy of the four calls made in a temporary folder:
each channel band-limited to 300-3400 Hz with line noise DB below its speech level, written
as μ-law stereo; its "own files" are the same noisy channels as 16-bit PCM.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.bench_transcribe import HVB, SIDS
from callqa.configs.settings import Settings, TranscriptionSettings
from callqa.configs.telemetry import disable_telemetry
from callqa.domain.records import CallMetadata, ChannelLayout, Role
from callqa.pipeline.calls import transcribe_call
from callqa.pipeline.transcribe import Transcriber
from tests.helpers.wer import ErrorCounts, error_counts

PARTIES = (("agent", Role.AGENT), ("caller", Role.CUSTOMER))
SYSTEMS = ("callqa", "bare_ulaw", "bare_own")
HEADERS = {"callqa": "callqa stereo u-law", "bare_ulaw": "bare u-law channel",
           "bare_own": "bare own file"}
BAR_POINTS = 1.0


@dataclass(frozen=True)
class Call:
    sid: str
    ulaw: Path
    own: tuple[Path, Path]
    references: tuple[str, str]


def hvb_calls(root: Path) -> list[Call]:
    return [
        Call(sid, root / f"derived/{sid}.stereo_agentL_callerR.ulaw.wav",
             (root / f"audio/agent/{sid}.wav", root / f"audio/caller/{sid}.wav"),
             tuple((root / f"derived/{sid}.{party}.ref.txt").read_text()  # type: ignore[arg-type]
                   for party, _ in PARTIES))
        for sid in SIDS
    ]


def noisy_calls(calls: list[Call], root: Path, snr_db: float, folder: Path) -> list[Call]:
    """The calls' stereo PCM band-limited to 300-3400 Hz, with line noise `snr_db` below each
    channel's speech level, as μ-law stereo plus one 16-bit PCM file per channel."""
    import soundfile as sf

    out = []
    for index, call in enumerate(calls):
        pcm, rate = sf.read(root / f"derived/{call.sid}.stereo_agentL_callerR.wav",
                            dtype="float64", always_2d=True)
        rng = np.random.default_rng(index)
        freqs = np.fft.rfftfreq(len(pcm), 1 / rate)
        band = (freqs >= 300) & (freqs <= 3400)
        noisy = np.empty_like(pcm)
        for ch in range(2):
            clean = np.fft.irfft(np.fft.rfft(pcm[:, ch]) * band, len(pcm))
            active = np.abs(clean) > 0.02 * np.abs(clean).max()
            level = np.sqrt(np.mean(clean[active] ** 2))
            noise = np.fft.irfft(np.fft.rfft(rng.standard_normal(len(pcm)))
                                 * band / np.sqrt(1 + freqs / 1500), len(pcm))
            noisy[:, ch] = clean + noise * level * 10 ** (-snr_db / 20) / noise.std()
        noisy = np.clip(noisy, -1, 1)
        ulaw = folder / f"{call.sid}.snr{snr_db:g}.ulaw.wav"
        sf.write(ulaw, noisy, rate, subtype="ULAW")
        own = []
        for ch in range(2):
            path = folder / f"{call.sid}.snr{snr_db:g}.ch{ch}.wav"
            sf.write(path, noisy[:, ch], rate, subtype="PCM_16")
            own.append(path)
        out.append(Call(call.sid, ulaw, (own[0], own[1]), call.references))
    return out


def transcribe_all(transcriber: Transcriber, settings: Settings,
                   calls: list[Call]) -> dict[str, list[tuple[str, str]]]:
    """system -> (reference, hypothesis) per call and channel, in the order of `calls`."""
    from faster_whisper import decode_audio

    def bare(samples: np.ndarray) -> str:
        segments, _ = transcriber.whisper_model.transcribe(
            samples, vad_filter=True, beam_size=transcriber.settings.beam_size, language="en")
        return " ".join(s.text for s in segments)

    metadata = CallMetadata(language="en", channel_layout=ChannelLayout.AGENT_LEFT)
    pairs: dict[str, list[tuple[str, str]]] = {s: [] for s in SYSTEMS}
    for call in calls:
        transcript = transcribe_call(call.ulaw, metadata, settings, transcriber)
        channels = decode_audio(str(call.ulaw), split_stereo=True)
        for ch, (_, role) in enumerate(PARTIES):
            reference = call.references[ch]
            pairs["callqa"].append((reference, transcript.text_by_role(role)))
            pairs["bare_ulaw"].append((reference, bare(channels[ch])))
            pairs["bare_own"].append((reference, bare(decode_audio(str(call.own[ch])))))
    return pairs


def _cell(counts: ErrorCounts) -> str:
    return (f"{100 * counts.wer:5.1f}% S{counts.substitutions:3d} D{counts.deletions:3d} "
            f"I{counts.insertions:3d}")


def report(title: str, calls: list[Call], pairs: dict[str, list[tuple[str, str]]]) -> None:
    print(f"\n{title}")
    print(f"{'call':16} {'party':6} {'words':>5}  "
          + "  ".join(f"{HEADERS[s]:>23}" for s in SYSTEMS))
    row = 0
    for call in calls:
        for party, _ in PARTIES:
            counts = {s: error_counts([pairs[s][row]]) for s in SYSTEMS}
            print(f"{call.sid:16} {party:6} {counts['callqa'].words:5d}  "
                  + "  ".join(f"{_cell(counts[s]):>23}" for s in SYSTEMS))
            row += 1
    for party_index, (party, _) in enumerate((*PARTIES, ("all", None))):
        selected = {s: [p for i, p in enumerate(pairs[s])
                        if party == "all" or i % 2 == party_index] for s in SYSTEMS}
        counts = {s: error_counts(selected[s]) for s in SYSTEMS}
        print(f"{'total':16} {party:6} {counts['callqa'].words:5d}  "
              + "  ".join(f"{_cell(counts[s]):>23}" for s in SYSTEMS))
    total = {s: error_counts(pairs[s]) for s in SYSTEMS}
    points = 100 * (total["callqa"].wer - total["bare_own"].wer)
    ratio = total["callqa"].wer / total["bare_own"].wer if total["bare_own"].wer else float("nan")
    print(f"callqa - bare own: {points:+.1f} points (bar: <= +{BAR_POINTS:.1f}), "
          f"callqa / bare own: {ratio:.3f}; callqa - bare u-law: "
          f"{100 * (total['callqa'].wer - total['bare_ulaw'].wer):+.1f} points")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snr", type=float, nargs="*", default=[],
                        help="also measure noisy copies at these signal-to-noise ratios (dB)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    disable_telemetry()
    root = HVB.parent
    calls = hvb_calls(root)
    missing = [p for c in calls for p in (c.ulaw, *c.own) if not p.is_file()]
    if missing:
        raise SystemExit(f"reference calls not found: {missing[0]} (needs ../shared/data)")
    transcription = TranscriptionSettings(device="cpu", cpu_threads=args.threads, language="en")
    settings = Settings(transcription=transcription)
    transcriber = Transcriber(transcription)
    print(f"model {transcriber.model_info.id}, {transcriber.device} "
          f"{transcriber.compute_type}, {args.threads} thread(s); callqa options "
          f"{transcriber.options}")
    print("bare: faster_whisper.decode_audio, transcribe(vad_filter=True, "
          f"beam_size={transcription.beam_size}, language='en'), faster-whisper defaults "
          "otherwise")
    started = time.perf_counter()
    report("HVB: derived stereo u-law files; bare own = each party's own 8 kHz PCM file",
           calls, transcribe_all(transcriber, settings, calls))
    with tempfile.TemporaryDirectory() as folder:
        for snr in args.snr:
            noisy = noisy_calls(calls, root, snr, Path(folder))
            report(f"HVB with line noise at {snr:g} dB SNR (300-3400 Hz), u-law; bare own = "
                   "the same noisy channel as 16-bit PCM", noisy,
                   transcribe_all(transcriber, settings, noisy))
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
