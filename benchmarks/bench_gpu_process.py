"""callqa's batch path (`callqa process`) beside bare faster-whisper on the same calls, in the
same run: is one GPU kept as busy by callqa as by faster-whisper alone?

Usage, on the lent GPU machine (scripts/gpu_stage.py prepares the wheels, model and calls
and prints the `run` commands):
    python3 -m benchmarks.bench_gpu_process --calls DIR --model DIR --model-sha256 SHA \
        --device cuda --workers 1 2 4 8 --copies 8 --budget-s 420 --json $OUT/process.json
Here, on the CPU (the same script; also the real Prefect flow, to compare):
    .venv/bin/python -m benchmarks.bench_gpu_process --device cpu --workers 1 2 --copies 1 \
        --runner local prefect

Data: the four Harper Valley Bank stereo G.711 μ-law calls (8 kHz, agent left, caller right;
`--calls`, default ../shared/data/calls/hvb/derived), each `--copies` times: a copy has one
audio byte changed, so it is a new call (new content hash) with the same work.

Bare faster-whisper: this process, one `WhisperModel` (loaded by callqa's `Transcriber`, so
the same files, device and compute type), warmed up before the timer. For every call and
channel: the file decoded by callqa's decoder (faster-whisper's own needs PyAV, which the
GPU machine lacks), then `transcribe(vad_filter=True, ...)` with callqa's decode options
(beam 5, word timestamps, the VAD defaults), every segment consumed.

callqa, per worker count W and runner:
  - `local`: a fresh SQLite store, the calls ingested (not timed), then W processes, each
    with its one loaded model warmed up before the timer, run callqa's batch path until no
    call is pending: claim `--claim` calls, the transcribe stage (decode, VAD and the voice
    activity beside Whisper, roles, metrics, redaction, the store), the score stage. That is
    the work each process of `callqa process`'s pool does (callqa.flows.process submits the
    same services functions as Prefect tasks). Prefect's server does not travel to the GPU
    machine (no registry there), so these processes stand in for Prefect's process pool.
  - `prefect`: the real `process_calls` flow with `flows.workers` = W processes (where Prefect
    is installed), Prefect's temporary server started before the timer. The pool starts, and
    each process loads its model and compiles the scorecards, inside the timer: with few
    calls these fixed seconds weigh; the tasks' own overhead is about 0.1 s a call here.
Figures: audio seconds per wall second, and the ratio to bare faster-whisper in this run
(the goal on a GPU: at least 0.8 for some W). Sanity: every call processed, none failed,
and callqa's words per pass within 10 % of bare's (callqa drops words outside speech).

`--budget-s` bounds the script: a run expected to outlast what is left (by the last run's
length, its workers' start included) is skipped. The JSON
(`--json`) is rewritten after every run, so a killed run still leaves its results.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.bench_gpu_batched import ensure_av_importable

ensure_av_importable()  # before faster-whisper is imported, here and in every worker

from callqa.configs.settings import Settings, TranscriptionSettings  # noqa: E402
from callqa.configs.telemetry import disable_telemetry  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CALLQA_SHARED_DATA", REPO.parent / "shared" / "data"))
SIDS = ("0002f70f7386445b", "0091a706bc604188", "01f7ec3700424bc0", "02e41649e7c441fd")


@dataclass
class Run:
    runner: str
    workers: int
    wall_s: float
    audio_s: float
    processed: int
    failed: list[str]
    words: int

    @property
    def speed(self) -> float:
        return self.audio_s / self.wall_s


@dataclass
class Report:
    environment: dict[str, Any]
    calls: int = 0
    audio_s: float = 0.0
    bare_wall_s: float | None = None
    bare_words: int | None = None
    runs: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def make_calls(source: Path, folder: Path, copies: int) -> float:
    """The HVB calls `copies` times in `folder` with sidecars; their audio seconds."""
    import soundfile as sf

    folder.mkdir(parents=True)
    seconds = 0.0
    for sid in SIDS:
        wav = source / f"{sid}.stereo_agentL_callerR.ulaw.wav"
        if not wav.is_file():
            raise SystemExit(f"{wav} not found: pass --calls (the HVB derived folder)")
        data = bytearray(wav.read_bytes())
        duration = sf.info(str(wav)).duration
        for copy in range(copies):
            if copy:
                data[-1 - copy] ^= 1  # one μ-law sample a step apart: a new call
            call_id = f"{sid}-{copy}"
            (folder / f"{call_id}.wav").write_bytes(bytes(data))
            (folder / f"{call_id}.json").write_text(json.dumps({
                "call_id": call_id, "agent_id": "agent-1", "customer_id": f"cust-{sid}",
                "call_type": "general", "language": "en", "channel_layout": "agent_left",
                "started_at": "2026-11-02T10:00:00Z"}))
            seconds += duration
    return seconds


def bare(transcriber: Any, files: list[Path]) -> tuple[float, int]:
    """faster-whisper alone over every channel of `files`: (wall seconds, words)."""
    from callqa.pipeline.audio import decode_audio

    model, options = transcriber.whisper_model, transcriber.decode_options("en")
    words = 0
    started = time.perf_counter()
    for path in files:
        for channel in decode_audio(path).samples:
            segments, _ = model.transcribe(channel, vad_filter=True, **options)
            words += sum(len(s.words or ()) for s in segments)
    return time.perf_counter() - started, words


def _warm_up(settings: Settings, sample: Path) -> Any:
    """The process's loaded model past its first-call costs (CUDA start, allocations), and
    the one-time costs of the rest of the path (spaCy, the scorecards compiled), as a long
    batch would have them behind it: one call through transcription, redaction, scoring."""
    from callqa.domain.metadata import parse_metadata
    from callqa.pipeline.calls import transcribe_call
    from callqa.pipeline.redact import redact_transcript
    from callqa.pipeline.transcribe import get_transcriber
    from callqa.scoring import choose_scorecard, score_call
    from callqa.services.stages import scorecards_for

    transcriber = get_transcriber(settings.transcription)
    metadata = parse_metadata(json.loads(sample.with_suffix(".json").read_text()), "warm-up")
    transcript = transcribe_call(sample, metadata, settings, transcriber)
    transcript, _ = redact_transcript(transcript, settings.redaction)
    score_call(transcript, choose_scorecard(metadata.call_type, scorecards_for(settings)),
               metadata)
    return transcriber


def _worker(settings_json: str, sample: str, claim: int, start: Any, out: Any) -> None:
    """One worker process: its model loaded and warmed, then callqa's batch path until no
    call is left (the loop of `callqa.services.processing.process_calls`)."""
    ensure_av_importable()
    disable_telemetry()
    from callqa.services import processing as jobs
    from callqa.services.store import sessions_for

    settings = Settings.model_validate_json(settings_json)
    _warm_up(settings, Path(sample))
    sessions = sessions_for(settings.database_url, "write")
    processed, failed = 0, []
    start.wait()
    while True:
        report = jobs.process_calls(sessions, settings, limit=claim)
        if not report.processed and not report.failed:
            break
        processed += len(report.processed)
        failed += [f"{call_id}: {reason}" for call_id, reason in report.failed]
    out.put((processed, failed))


def run_local(settings: Settings, workers: int, claim: int, sample: Path,
              timeout: float) -> tuple[float, int, list[str]]:
    """W worker processes over the store; a worker that dies (a CUDA error, say) or a run
    past `timeout` seconds ends the run with a message instead of a hang."""
    import queue
    import threading

    context = multiprocessing.get_context("spawn")
    start, out = context.Barrier(workers + 1, timeout=timeout), context.Queue()
    processes = [context.Process(target=_worker, args=(settings.model_dump_json(), str(sample),
                                                       claim, start, out))
                 for _ in range(workers)]
    for process in processes:
        process.start()
    try:
        start.wait()  # every worker has loaded and warmed its model
        started = time.perf_counter()
        results: list[tuple[int, list[str]]] = []
        while len(results) < workers:
            try:
                results.append(out.get(timeout=5))
            except queue.Empty:
                dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
                if dead or time.perf_counter() - started > timeout:
                    raise RuntimeError(f"workers exited with {dead}" if dead
                                       else f"no end after {timeout:.0f} s") from None
        wall = time.perf_counter() - started
    except (RuntimeError, threading.BrokenBarrierError) as exc:
        for process in processes:
            process.kill()
        raise SystemExit(f"callqa W={workers}: the run broke off ({exc})") from exc
    for process in processes:
        process.join()
    return wall, sum(r[0] for r in results), [f for r in results for f in r[1]]


def run_prefect(settings: Settings, workers: int) -> tuple[float, int, list[str]]:
    """The real flow; its settings reach the pool's processes through the environment."""
    from callqa.flows.process import process_calls
    from callqa.services.store import sessions_for

    t = settings.transcription
    env = {"CALLQA_FLOWS__TASK_RUNNER": "processes", "CALLQA_FLOWS__WORKERS": str(workers),
           "CALLQA_TRANSCRIPTION__DEVICE": t.device,
           "CALLQA_TRANSCRIPTION__COMPUTE_TYPE": t.compute_type,
           "CALLQA_TRANSCRIPTION__MODEL": t.model, "CALLQA_DATA_DIR": str(settings.data_dir)}
    if t.model_sha256:
        env["CALLQA_TRANSCRIPTION__MODEL_SHA256"] = t.model_sha256
    os.environ.update(env)
    warm = Path(settings.data_dir).parent / "warm.db"
    sessions_for(f"sqlite:///{warm}")  # an empty store: the run below finds nothing to do
    process_calls(database_url=f"sqlite:///{warm}")  # Prefect's temporary server, started
    started = time.perf_counter()
    report = process_calls(database_url=settings.database_url)
    wall = time.perf_counter() - started
    return wall, len(report.processed), [f"{c}: {r}" for c, r in report.failed]


def stored_words(url: str) -> int:
    from sqlalchemy import select

    from callqa.models import store
    from callqa.models.tables import Call
    from callqa.services.store import sessions_for

    with sessions_for(url, "read")() as session:
        calls = list(session.scalars(select(Call)))
        return sum(len(u.words) for call in calls
                   for u in store.load_transcript(session, call).utterances)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=Path, default=SHARED / "calls/hvb/derived")
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--model", default=None, help="CTranslate2 model directory "
                        "(default: the bundled tiny.en)")
    parser.add_argument("--model-sha256", default=None)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--compute-type", default="auto")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runner", nargs="+", default=["local"], choices=["local", "prefect"])
    parser.add_argument("--claim", type=int, default=1, help="calls a worker claims at once")
    parser.add_argument("--budget-s", type=float, default=1800)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    deadline = time.monotonic() + args.budget_s
    disable_telemetry()
    import ctranslate2
    import faster_whisper

    from callqa.pipeline.transcribe import Transcriber
    from callqa.services.ingest import ingest
    from callqa.services.store import close_stores, sessions_for

    work = Path(tempfile.mkdtemp(prefix="callqa-gpu-process-"))
    audio_s = make_calls(args.calls, work / "calls", args.copies) * 2  # both channels
    files = sorted((work / "calls").glob("*.wav"))
    transcription = TranscriptionSettings(
        device=args.device, compute_type=args.compute_type, cpu_threads=1, language="en",
        **({"model": args.model, "model_sha256": args.model_sha256} if args.model else {}))
    transcriber = Transcriber(transcription)
    report = Report(environment={
        "python": platform.python_version(), "ctranslate2": ctranslate2.__version__,
        "faster_whisper": faster_whisper.__version__, "cpu_count": os.cpu_count(),
        "device": transcriber.device, "compute_type": transcriber.compute_type,
        "cuda_devices": ctranslate2.get_cuda_device_count(), "model": transcriber.source.id,
        "av_stubbed": "av" in sys.modules and not hasattr(sys.modules["av"], "__file__")},
        calls=len(files), audio_s=audio_s)
    print(f"environment: {json.dumps(report.environment)}")
    print(f"data: {len(files)} calls ({len(SIDS)} HVB stereo u-law x {args.copies}), "
          f"{audio_s:.0f} s of channel audio")

    def save() -> None:
        if args.json:
            args.json.write_text(json.dumps(asdict(report), indent=1))

    _warm_up(Settings(transcription=transcription), files[0])
    report.bare_wall_s, report.bare_words = bare(transcriber, files)
    print(f"bare faster-whisper, 1 process: {audio_s:.0f} s in {report.bare_wall_s:.2f} s = "
          f"{audio_s / report.bare_wall_s:.1f}x, {report.bare_words} words")
    save()
    previous = report.bare_wall_s
    for runner in args.runner:
        for workers in args.workers:
            name = f"{runner} W={workers}"
            if time.monotonic() + previous * 1.5 + 30 > deadline:
                print(f"skipped (budget): {name}")
                report.skipped.append(name)
                continue
            run_started = time.monotonic()
            folder = work / f"{runner}-{workers}"
            settings = Settings(database_url=f"sqlite:///{folder / 'callqa.db'}",
                                data_dir=folder / "data", transcription=transcription)
            folder.mkdir()
            ingest(sessions_for(settings.database_url), work / "calls")
            if runner == "local":
                wall, processed, failed = run_local(settings, workers, args.claim, files[0],
                                                    max(deadline - time.monotonic(), 60))
            else:
                wall, processed, failed = run_prefect(settings, workers)
            run = Run(runner, workers, wall, audio_s, processed, failed,
                      stored_words(settings.database_url))
            close_stores()
            previous = time.monotonic() - run_started  # the workers' start included
            ratio = report.bare_wall_s / wall
            words = run.words / report.bare_words - 1 if report.bare_words else 0.0
            flag = "" if processed == len(files) and not failed and abs(words) <= 0.1 else " !"
            print(f"callqa {name}: {audio_s:.0f} s in {wall:.2f} s = {run.speed:.1f}x, "
                  f"{ratio:.2f}x bare; {processed}/{len(files)} processed, {len(failed)} "
                  f"failed, words {words:+.1%} vs bare{flag}")
            for failure in failed[:3]:
                print(f"  failed: {failure}")
            report.runs.append({**asdict(run), "speed": run.speed, "vs_bare": ratio})
            save()
    print("vs bare: bare faster-whisper's wall time over callqa's on the same calls, this run "
          "(goal on a GPU: >= 0.8 for some W); '!': a call failed or unprocessed, or words "
          "more than 10% off bare")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
