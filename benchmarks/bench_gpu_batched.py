"""GPU throughput of callqa's Whisper path: sequential WhisperModel vs BatchedInferencePipeline.

Usage (GPU machine; `scripts/gpu_stage.py --with-batched` lays out the model, wheels and
audio, and `BATCHED=1 scripts/gpu_device.sh` runs it there):
    python3 -m benchmarks.bench_gpu_batched --model DIR --audio NPZ --device cuda \
        --batch-sizes 1 4 8 16 --compute-types float16 int8_float16 --repeat 3 \
        --rounds 3 --budget-s 200 --json out.json
Dry run on CPU (no GPU needed; CUDA-only compute types are skipped with a message):
    python -m benchmarks.bench_gpu_batched --model DIR --audio NPZ --device cpu \
        --compute-types int8 --batch-sizes 1 4 --repeat 1

What runs: every channel of the audio (the HVB calls decoded by callqa's own decoder to 16 kHz,
one array per party, as callqa transcribes a stereo call channel by channel) `--repeat` times
over, per compute type and batch size, the way `callqa.pipeline.transcribe.Transcriber` does
it: Silero VAD over the channel first (`get_speech_timestamps`, on the CPU), then
  - batch size 1: plain `WhisperModel.transcribe` over the concatenated speech chunks
    (`collect_chunks`, `vad_filter=False`) and `restore_speech_timestamps`, as callqa does
    when batching is off (and always on CPU);
  - batch size N > 1: `BatchedInferencePipeline.transcribe(clip_timestamps=speech regions,
    batch_size=N, vad_filter=False, without_timestamps=False)`, VAD capped at 30 s a region,
    as callqa does on CUDA.
The segments are consumed inside the timing and callqa's speech guard is applied (words whose
middle lies more than 0.2 s outside VAD speech are dropped). Decode options mirror callqa's
defaults (callqa/configs/settings.py `TranscriptionSettings`, passed by `decode_options()`):
language en, beam 5, no-speech 0.6, log-prob -1.0, compression 2.4, hallucination-silence off,
condition on previous text, word timestamps; VAD threshold 0.5, min speech 0 ms, min silence
2000 ms, pad 400 ms; cpu_threads 1. `--check-callqa` compares these with callqa's settings
where callqa is importable (not on the GPU machine: it has no pydantic).

Timing: per compute type the model is loaded once and warmed up untimed (one sequential and
one batched pass over the start of the first channel: the first CUDA call spends ~16 s starting
libraries). Each timed run reports audio seconds per wall second (VAD included, as in callqa;
the VAD share is shown apart) and its speed relative to the sequential run of the same compute
type in this process (median over `--rounds`; rounds alternate the batch-size order).
`--budget-s` bounds the whole script: a run that would outlast it is skipped, and a run still
going at the deadline stops after its current channel and is reported as partial (throughput
over the audio it did). The JSON (`--json`) is rewritten after every run, so a killed run
still leaves its results; it also holds each configuration's first-pass text per channel, for
a WER against the references afterwards.

Sanity check (no WER): words per pass of every run against the sequential run of the same
compute type; more than `--max-word-diff` (10 %) apart is flagged.

Self-contained: it imports neither callqa nor pydantic, only numpy and faster-whisper (and
its ctranslate2, tokenizers, onnxruntime, huggingface-hub, tqdm). PyAV: faster_whisper imports
`av` at module level but uses it only to decode files; this script is handed numpy arrays, so
when `import av` fails it registers an in-process stub module `av` (in sys.modules, for this
process only: no wheel carried, nothing put on PYTHONPATH) whose functions raise.

Audio file (.npz, made by `scripts/gpu_stage.py --with-batched`): `names` (one per channel,
`<sid>.<party>`), `sample_rate` (16000), `scale` (float), and `ch0`, `ch1`, ... int16;
samples = chN * scale.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import statistics
import sys
import time
import types
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from callqa.support.hashing import file_sha256  # no pydantic: runs on the bare GPU machine

SAMPLE_RATE = 16000

# callqa's defaults (callqa/configs/settings.py TranscriptionSettings and VadSettings) as
# callqa/pipeline/transcribe.py hands them to faster-whisper. Language: tiny.en is English-only
# and benchmarks/bench_transcribe.py fixes "en" too.
LANGUAGE = "en"
DECODE_OPTIONS: dict[str, Any] = {
    "beam_size": 5,
    "no_speech_threshold": 0.6,
    "log_prob_threshold": -1.0,
    "compression_ratio_threshold": 2.4,
    "hallucination_silence_threshold": None,
    "condition_on_previous_text": True,
    "word_timestamps": True,
}
VAD_OPTIONS: dict[str, Any] = {
    "threshold": 0.5,
    "min_speech_duration_ms": 0,
    "min_silence_duration_ms": 2000,
    "speech_pad_ms": 400,
}
BATCHED_MAX_SPEECH_S = 30.0  # callqa: "a batch item is one Whisper window"
WORD_OUTSIDE_SPEECH_PAD = 0.2
CPU_THREADS = 1
WARMUP_SECONDS = 60.0

Speech = tuple[tuple[float, float], ...]


@dataclass
class Channel:
    name: str
    samples: np.ndarray  # float32, 16 kHz

    @property
    def seconds(self) -> float:
        return float(self.samples.shape[0] / SAMPLE_RATE)


@dataclass
class RunResult:
    compute_type: str
    batch_size: int
    round: int
    wall_s: float
    vad_s: float
    audio_s: float
    channels_done: int
    partial: bool
    segments: int
    words_raw: int
    words_kept: int
    words_per_pass: float
    audio_s_per_wall_s: float
    channel_words: dict[str, int] = field(default_factory=dict)
    """Kept words per channel in the first pass."""
    texts: dict[str, str] = field(default_factory=dict)
    """Kept text per channel in the first pass (round 0 only)."""


@dataclass
class Summary:
    compute_type: str
    batch_size: int
    runs: int
    partial_runs: int
    median_wall_s: float
    median_vad_s: float
    audio_s: float
    audio_s_per_wall_s: float
    whisper_audio_s_per_s: float
    """Speed without the VAD's time (Whisper alone, features included)."""
    spread_pct: float
    speed_vs_sequential: float | None
    words_per_pass: float
    """Kept words of the first run, scaled to one pass of the audio."""
    words_vs_sequential_pct: float | None
    """First-pass kept words against the sequential run's, over the channels both did."""
    words_ok: bool | None


@dataclass
class Report:
    environment: dict[str, Any]
    arguments: dict[str, Any]
    options: dict[str, Any]
    audio: dict[str, Any]
    warmups: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    runs: list[RunResult] = field(default_factory=list)
    summary: list[Summary] = field(default_factory=list)
    sanity_ok: bool | None = None


def ensure_av_importable() -> bool:
    """Register a stub `av` module when PyAV is absent; True when the stub is used."""
    try:
        importlib.import_module("av")
    except ImportError:
        stub = types.ModuleType("av")
        stub.__doc__ = "Stub of PyAV for bench_gpu_batched.py: audio arrives as numpy arrays."

        def unavailable(*args: object, **kwargs: object) -> None:
            raise RuntimeError("PyAV is stubbed in bench_gpu_batched.py: pass numpy audio")

        stub.__dict__["open"] = unavailable
        sys.modules["av"] = stub
        return True
    return False


def load_channels(path: Path) -> list[Channel]:
    with np.load(path, allow_pickle=False) as data:
        rate = int(data["sample_rate"])
        if rate != SAMPLE_RATE:
            raise SystemExit(f"{path}: sample_rate {rate}, expected {SAMPLE_RATE}")
        scale = float(data["scale"])
        names = [str(n) for n in data["names"]]
        return [
            Channel(name, (data[f"ch{i}"].astype(np.float32) * np.float32(scale)))
            for i, name in enumerate(names)
        ]


def check_against_callqa() -> list[str]:
    """Differences between this script's options and callqa's settings (needs callqa)."""
    from callqa.configs.settings import TranscriptionSettings

    s = TranscriptionSettings()
    mine: dict[str, Any] = {**DECODE_OPTIONS, "vad": VAD_OPTIONS,
                            "word_outside_speech_pad": WORD_OUTSIDE_SPEECH_PAD,
                            "cpu_threads": CPU_THREADS}
    theirs: dict[str, Any] = {key: getattr(s, key) for key in DECODE_OPTIONS
                              if key != "word_timestamps"}
    theirs.update(word_timestamps=True, vad=s.vad.model_dump(),
                  word_outside_speech_pad=s.word_outside_speech_pad, cpu_threads=s.cpu_threads)
    return [f"{key}: here {mine[key]!r}, callqa {theirs[key]!r}"
            for key in mine if mine[key] != theirs[key]]


def in_speech(t: float, speech: Speech, pad: float) -> bool:
    return any(start - pad <= t <= end + pad for start, end in speech)


class Bench:
    def __init__(self, args: argparse.Namespace, channels: list[Channel]) -> None:
        from faster_whisper.transcribe import restore_speech_timestamps
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        self.args = args
        self.channels = channels
        self.pass_audio_s = sum(c.seconds for c in channels)
        self.vad_sequential = VadOptions(**VAD_OPTIONS)
        self.vad_batched = VadOptions(**VAD_OPTIONS, max_speech_duration_s=BATCHED_MAX_SPEECH_S)
        self._get_speech_timestamps = get_speech_timestamps
        self._collect_chunks = collect_chunks
        self._restore = restore_speech_timestamps

    def transcribe_channel(
        self, model: Any, batched: Any, samples: np.ndarray, batch_size: int
    ) -> tuple[float, Speech, Iterable[Any]]:
        """VAD, then Whisper as callqa does; returns VAD seconds, speech and the segments
        (a lazy iterable: the caller consumes it inside the timing)."""
        started = time.perf_counter()
        vad = self.vad_batched if batch_size > 1 else self.vad_sequential
        chunks = self._get_speech_timestamps(samples, vad)
        vad_s = time.perf_counter() - started
        speech = tuple((c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks)
        if not chunks:
            return vad_s, speech, ()
        if batch_size > 1:
            clips = [{"start": a, "end": b} for a, b in speech]
            segments, _ = batched.transcribe(
                samples, language=LANGUAGE, clip_timestamps=clips, batch_size=batch_size,
                vad_filter=False, without_timestamps=False, **DECODE_OPTIONS,
            )
            return vad_s, speech, segments
        audio_chunks, _ = self._collect_chunks(samples, chunks)
        segments, _ = model.transcribe(
            np.concatenate(audio_chunks), language=LANGUAGE, vad_filter=False, **DECODE_OPTIONS
        )
        return vad_s, speech, self._restore(segments, chunks, SAMPLE_RATE)

    def run(
        self, model: Any, batched: Any, compute_type: str, batch_size: int, round_index: int,
        deadline: float,
    ) -> RunResult:
        vad_s = audio_s = 0.0
        segments_n = raw = kept = done = 0
        partial = False
        texts: dict[str, str] = {}
        channel_words: dict[str, int] = {}
        started = time.perf_counter()
        for pass_index in range(self.args.repeat):
            for channel in self.channels:
                if done and time.perf_counter() > deadline:
                    partial = True
                    break
                channel_vad, speech, segments = self.transcribe_channel(
                    model, batched, channel.samples, batch_size
                )
                vad_s += channel_vad
                pieces: list[str] = []
                kept_before = kept
                for segment in segments:
                    segments_n += 1
                    words = segment.words or ()
                    raw += len(words)
                    for word in words:
                        middle = (float(word.start) + float(word.end)) / 2
                        if in_speech(middle, speech, WORD_OUTSIDE_SPEECH_PAD):
                            kept += 1
                            pieces.append(word.word)
                if pass_index == 0:
                    texts[channel.name] = "".join(pieces).strip()
                    channel_words[channel.name] = kept - kept_before
                audio_s += channel.seconds
                done += 1
            if partial:
                break
        wall = time.perf_counter() - started
        return RunResult(
            compute_type=compute_type, batch_size=batch_size, round=round_index,
            wall_s=round(wall, 4), vad_s=round(vad_s, 4), audio_s=round(audio_s, 3),
            channels_done=done, partial=partial, segments=segments_n, words_raw=raw,
            words_kept=kept,
            words_per_pass=round(kept * self.pass_audio_s / audio_s, 1) if audio_s else 0.0,
            audio_s_per_wall_s=round(audio_s / wall, 2) if wall > 0 else 0.0,
            channel_words=channel_words,
            texts=texts if round_index == 0 else {},
        )


def summarize(runs: Sequence[RunResult], max_word_diff: float) -> list[Summary]:
    keys: list[tuple[str, int]] = []
    for run in runs:
        if (run.compute_type, run.batch_size) not in keys:
            keys.append((run.compute_type, run.batch_size))
    rows: list[Summary] = []
    first: dict[tuple[str, int], RunResult] = {}
    for compute_type, batch_size in keys:
        mine = [r for r in runs if (r.compute_type, r.batch_size) == (compute_type, batch_size)]
        first[(compute_type, batch_size)] = mine[0]
        speeds = [r.audio_s_per_wall_s for r in mine]
        median_speed = statistics.median(speeds)
        whisper = statistics.median(r.audio_s / (r.wall_s - r.vad_s) if r.wall_s > r.vad_s
                                    else 0.0 for r in mine)
        rows.append(Summary(
            compute_type=compute_type, batch_size=batch_size, runs=len(mine),
            partial_runs=sum(r.partial for r in mine),
            median_wall_s=round(statistics.median(r.wall_s for r in mine), 3),
            median_vad_s=round(statistics.median(r.vad_s for r in mine), 3),
            audio_s=round(statistics.median(r.audio_s for r in mine), 1),
            audio_s_per_wall_s=round(median_speed, 2),
            whisper_audio_s_per_s=round(whisper, 2),
            spread_pct=round(100 * (max(speeds) - min(speeds)) / median_speed, 1)
            if median_speed else 0.0,
            speed_vs_sequential=None, words_per_pass=mine[0].words_per_pass,
            words_vs_sequential_pct=None, words_ok=None,
        ))
    for row in rows:
        base = next((b for b in rows if b.compute_type == row.compute_type and b.batch_size == 1),
                    None)
        if base is None or not base.audio_s_per_wall_s:
            continue
        row.speed_vs_sequential = round(row.audio_s_per_wall_s / base.audio_s_per_wall_s, 3)
        mine_words = first[(row.compute_type, row.batch_size)].channel_words
        base_words = first[(row.compute_type, 1)].channel_words
        common = [name for name in mine_words if name in base_words]
        base_total = sum(base_words[name] for name in common)
        if base_total:
            diff = 100 * (sum(mine_words[name] for name in common) - base_total) / base_total
            row.words_vs_sequential_pct = round(diff, 1)
            row.words_ok = abs(diff) <= max_word_diff
    return rows


def table(rows: Sequence[Summary]) -> str:
    header = (f"{'compute':<13} {'batch':>5} {'runs':>4} {'wall s':>8} {'vad s':>7} "
              f"{'audio s':>8} {'audio s/s':>10} {'no-VAD':>9} {'spread':>7} {'vs seq':>7} "
              f"{'words/pass':>10} {'vs seq':>7}")
    lines = [header, "-" * len(header)]
    for r in rows:
        runs = f"{r.runs}{'p' if r.partial_runs else ''}"
        speed = f"{r.speed_vs_sequential:.2f}x" if r.speed_vs_sequential is not None else "n/a"
        words = (f"{r.words_vs_sequential_pct:+.1f}%{'' if r.words_ok else '!'}"
                 if r.words_vs_sequential_pct is not None else "n/a")
        lines.append(
            f"{r.compute_type:<13} {r.batch_size:>5} {runs:>4} {r.median_wall_s:>8.2f} "
            f"{r.median_vad_s:>7.2f} {r.audio_s:>8.0f} {r.audio_s_per_wall_s:>9.1f}x "
            f"{r.whisper_audio_s_per_s:>8.1f}x {r.spread_pct:>6.1f}% {speed:>7} "
            f"{r.words_per_pass:>10.0f} {words:>7}"
        )
    return "\n".join(lines)


def channel_table(runs: Sequence[RunResult]) -> str:
    """Kept words per channel in the first pass of each configuration's first run."""
    first: dict[str, RunResult] = {}
    for run in runs:
        first.setdefault(f"{run.compute_type}/{run.batch_size}", run)
    if not first:
        return ""
    names = list(next(iter(first.values())).channel_words)
    for run in first.values():
        names += [n for n in run.channel_words if n not in names]
    width = max(len(n) for n in names)
    lines = [f"{'words, first pass':<{width}} " + " ".join(f"{k:>17}" for k in first)]
    for name in names:
        cells = [str(r.channel_words[name]) if name in r.channel_words else "-"
                 for r in first.values()]
        lines.append(f"{name:<{width}} " + " ".join(f"{c:>17}" for c in cells))
    return "\n".join(lines)


def write_json(path: Path | None, report: Report) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(report), indent=1, ensure_ascii=False))
    os.replace(tmp, path)


def batch_order(batch_sizes: Sequence[int], round_index: int) -> list[int]:
    """Sequential (1) first: it is the baseline; odd rounds reverse the batched ones."""
    batched = [b for b in batch_sizes if b > 1]
    return [1, *(batched[::-1] if round_index % 2 else batched)]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--model", type=Path, required=False,
                        help="CTranslate2 Whisper model directory")
    parser.add_argument("--audio", type=Path, required=False,
                        help=".npz of 16 kHz channels (scripts/gpu_stage.py --with-batched)")
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--device-index", type=int, default=0)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--compute-types", nargs="+", default=["float16"])
    parser.add_argument("--repeat", type=int, default=3, help="passes over all channels per run")
    parser.add_argument("--rounds", type=int, default=1, help="timed runs per configuration")
    parser.add_argument("--budget-s", type=float, default=0.0,
                        help="wall-clock budget for the whole script (0: none)")
    parser.add_argument("--max-word-diff", type=float, default=10.0,
                        help="words per pass may differ from sequential by this many percent")
    parser.add_argument("--model-sha256", default=None,
                        help="check model.bin against this sha256 before loading")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--check-callqa", action="store_true",
                        help="only compare the mirrored options with callqa's settings")
    args = parser.parse_args(argv)
    if not args.check_callqa and (args.model is None or args.audio is None):
        parser.error("--model and --audio are required")
    if args.repeat < 1 or args.rounds < 1 or any(b < 1 for b in args.batch_sizes):
        parser.error("--repeat, --rounds and --batch-sizes must be >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    t_start = time.perf_counter()
    args = parse_args(argv)
    if args.check_callqa:
        differences = check_against_callqa()
        print("options match callqa's settings" if not differences else
              "options differ from callqa's:\n  " + "\n  ".join(differences))
        return 1 if differences else 0
    deadline = t_start + args.budget_s if args.budget_s > 0 else float("inf")

    if args.model_sha256:
        digest = file_sha256(args.model / "model.bin")
        if digest != args.model_sha256:
            raise SystemExit(f"{args.model / 'model.bin'}: sha256 {digest}, expected "
                             f"{args.model_sha256}")
        print(f"model.bin sha256 ok ({digest[:16]}...)")
    stubbed_av = ensure_av_importable()
    import ctranslate2
    import faster_whisper
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    channels = load_channels(args.audio)
    cuda_devices = ctranslate2.get_cuda_device_count()
    supported = sorted(ctranslate2.get_supported_compute_types(args.device, args.device_index))
    environment = {
        "python": platform.python_version(), "machine": platform.node(),
        "ctranslate2": ctranslate2.__version__, "faster_whisper": faster_whisper.__version__,
        "numpy": np.__version__, "av_stubbed": stubbed_av, "device": args.device,
        "cuda_devices": cuda_devices, "supported_compute_types": supported,
        "cpu_count": os.cpu_count(),
    }
    pass_audio_s = sum(c.seconds for c in channels)
    report = Report(
        environment=environment,
        arguments={k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        options={"language": LANGUAGE, **DECODE_OPTIONS, "vad": VAD_OPTIONS,
                 "batched_vad_max_speech_duration_s": BATCHED_MAX_SPEECH_S,
                 "word_outside_speech_pad": WORD_OUTSIDE_SPEECH_PAD, "cpu_threads": CPU_THREADS},
        audio={"channels": [c.name for c in channels],
               "channel_seconds": [round(c.seconds, 3) for c in channels],
               "pass_audio_s": round(pass_audio_s, 3), "repeat": args.repeat,
               "run_audio_s": round(pass_audio_s * args.repeat, 3)},
    )
    print(f"environment: {json.dumps(environment)}")
    print(f"audio: {len(channels)} channels, {pass_audio_s:.1f} s a pass, x{args.repeat} = "
          f"{pass_audio_s * args.repeat:.0f} s ({pass_audio_s * args.repeat / 60:.1f} min) a run")
    if args.device == "cuda" and cuda_devices == 0:
        raise SystemExit("CTranslate2 sees no CUDA device (check LD_LIBRARY_PATH, the driver)")

    bench = Bench(args, channels)
    warm_samples = channels[0].samples[: int(WARMUP_SECONDS * SAMPLE_RATE)]
    models: dict[str, tuple[Any, Any]] = {}
    for compute_type in args.compute_types:
        if compute_type not in supported:
            message = f"{compute_type}: not supported on {args.device} ({supported}); skipped"
            print(message)
            report.errors.append(message)
            continue
        try:
            started = time.perf_counter()
            model = WhisperModel(str(args.model), device=args.device,
                                 device_index=args.device_index, compute_type=compute_type,
                                 cpu_threads=CPU_THREADS)
            loaded = time.perf_counter() - started
            batched = BatchedInferencePipeline(model)
            warm: dict[str, Any] = {"compute_type": compute_type, "load_s": round(loaded, 2)}
            for batch_size in (1, max(args.batch_sizes)):
                started = time.perf_counter()
                _, _, segments = bench.transcribe_channel(model, batched, warm_samples,
                                                          batch_size)
                words = sum(len(s.words or ()) for s in segments)
                warm[f"warmup_batch{batch_size}_s"] = round(time.perf_counter() - started, 2)
                warm[f"warmup_batch{batch_size}_words"] = words
        except (RuntimeError, ValueError, OSError) as exc:
            message = f"{compute_type}: cannot load or run the model: {exc}"
            print(message)
            report.errors.append(message)
            continue
        models[compute_type] = (model, batched)
        report.warmups.append(warm)
        print(f"warm-up (untimed): {json.dumps(warm)}")
        write_json(args.json, report)

    last_wall: dict[tuple[str, int], float] = {}
    for round_index in range(args.rounds):
        for compute_type, (model, batched) in models.items():
            for batch_size in batch_order(args.batch_sizes, round_index):
                key = (compute_type, batch_size)
                now = time.perf_counter()
                if now >= deadline or (key in last_wall and now + last_wall[key] > deadline):
                    report.skipped.append({"compute_type": compute_type,
                                           "batch_size": batch_size, "round": round_index})
                    print(f"skipped (budget): {compute_type} batch {batch_size} round "
                          f"{round_index}")
                    continue
                result = bench.run(model, batched, compute_type, batch_size, round_index,
                                   deadline)
                last_wall[key] = result.wall_s
                report.runs.append(result)
                print(f"run: {compute_type} batch {batch_size:>2} round {round_index}: "
                      f"{result.audio_s:.0f} s audio in {result.wall_s:.2f} s "
                      f"(vad {result.vad_s:.2f} s) = {result.audio_s_per_wall_s:.1f}x, "
                      f"{result.words_kept} words{' PARTIAL' if result.partial else ''}",
                      flush=True)
                report.summary = summarize(report.runs, args.max_word_diff)
                write_json(args.json, report)

    report.summary = summarize(report.runs, args.max_word_diff)
    checks = [r.words_ok for r in report.summary if r.words_ok is not None]
    report.sanity_ok = all(checks) if checks else None
    write_json(args.json, report)
    print()
    print(table(report.summary))
    print()
    print(channel_table(report.runs))
    print(f"\nspeed: audio seconds per wall second (median over rounds; VAD on CPU included); "
          f"no-VAD: the same without the VAD's time; "
          f"vs seq: against batch 1 of the same compute type; 'p': some runs partial; "
          f"'!': words per pass off by more than {args.max_word_diff:g}%")
    print(f"sanity (word counts within {args.max_word_diff:g}% of sequential): "
          f"{'ok' if report.sanity_ok else 'n/a' if report.sanity_ok is None else 'FAILED'}")
    print(f"total {time.perf_counter() - t_start:.1f} s")
    return 0 if report.runs else 1


if __name__ == "__main__":
    sys.exit(main())
