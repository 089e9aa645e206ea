"""Rescore-only reprocess of a large SQLite store: the `reprocess` flow against the plain
library loop, on the same store in one run.

Usage: .venv/bin/python -m benchmarks.bench_reprocess [--calls 100000] [--reuse] [--build-only]

Data: `--calls` audio calls in a SQLite file (benchmarks/.data/reprocess-<N>.db, rebuilt
unless --reuse), each with a stored 5-minute transcript of about 750 words (cycled from 300
synthetic ones: tests.factories.synthetic_call, as in bench_scoring), a finished `transcribe`
stage under the current settings' key, and a current score with its criterion rows from the
bundled scorecards.

Runs, each after a scorecard change (a copy of the bundled scorecards with a new version):
1. the `reprocess` flow (Prefect's temporary server, the thread-pool task runner);
2. the plain loop: `queue_reprocess`, then `jobs.process_calls`, no Prefect.
Both must rescore every call and transcribe none. Goal: the flow within 5 minutes.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select

from callqa.configs.settings import Settings
from callqa.domain.records import CallMetadata, ChannelLayout
from callqa.models.base import table_of, utc_now
from callqa.models.engine import make_engine
from callqa.models.migrate import upgrade
from callqa.models.result_tables import CriterionRow, ScoreRow
from callqa.models.tables import Agent, Call, StageRun, Team, TranscriptRow
from callqa.scoring import choose_scorecard, score_call
from callqa.services.stages import transcribe_key
from tests.factories import synthetic_call

DATA = Path(__file__).resolve().parent / ".data"
GOAL_SECONDS = 300.0
DISTINCT = 300
BATCH = 2000


def build(path: Path, calls: int) -> None:
    """The store: calls, transcripts, transcribe markers, current scores and criteria."""
    path.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    rng = random.Random(11)
    transcripts = [synthetic_call(rng, n) for n in range(DISTINCT)]
    scores = [score_call(t, choose_scorecard(t.metadata.call_type if t.metadata else None))
              for t in transcripts]
    contracts = [t.model_dump(mode="json", by_alias=True) for t in transcripts]
    key = transcribe_key(Settings())
    now = utc_now()
    with engine.begin() as connection:
        connection.execute(insert(table_of(Team)), [{"team_id": f"t{i}", "created_at": now}
                                                    for i in range(20)])
        connection.execute(insert(table_of(Agent)), [
            {"agent_id": f"a{i:03d}", "team_pk": i % 20 + 1, "created_at": now}
            for i in range(200)])
    start = datetime(2026, 10, 1, tzinfo=UTC)
    for first in range(0, calls, BATCH):
        rows = range(first, min(first + BATCH, calls))
        call_rows, transcript_rows, stage_rows, score_rows, criterion_rows = [], [], [], [], []
        for n in rows:
            k = n % DISTINCT
            meta = transcripts[k].metadata or CallMetadata()
            started = start + timedelta(minutes=n)
            metadata = meta.model_copy(update={
                "call_id": f"c{n:07d}", "agent_id": f"a{n % 200:03d}",
                "team_id": f"t{n % 20}", "started_at": started,
                "channel_layout": ChannelLayout.AGENT_LEFT})
            call_rows.append(_call(n, metadata, started))
            transcript_rows.append({
                "call_pk": n + 1, "contract": contracts[k], "model_id": "tiny.en",
                "options_hash": key.options_hash, "language": "en",
                "duration": transcripts[k].duration, "diarization": "channels",
                "created_at": now})
            stage_rows.append({
                "content_sha256": f"{n:064x}", "stage": key.stage,
                "stage_version": key.version, "options_hash": key.options_hash,
                "status": "done", "attempts": 1, "started_at": now, "finished_at": now})
            score = scores[k]
            score_rows.append({
                "id": n + 1, "call_pk": n + 1, "scorecard_id": score.scorecard.id,
                "scorecard_version": score.scorecard.version,
                "scorecard_digest": score.scorecard.digest, "call_type": score.call_type,
                "language": score.language, "score": score.score,
                "compliance_score": score.compliance_score,
                "critical_failed": score.critical_failed, "passed": score.passed,
                "is_current": True, "sections": [s.model_dump(mode="json")
                                                 for s in score.sections],
                "summary": score.summary, "scored_at": now})
            criterion_rows += [{
                "score_pk": n + 1, "call_pk": n + 1, "scorecard_id": score.scorecard.id,
                "scorecard_version": score.scorecard.version, "criterion_id": c.id,
                "section": c.section, "kind": c.kind, "outcome": c.outcome,
                "points": c.points, "max_points": c.max_points, "critical": c.critical,
                "compliance": c.compliance, "reason": c.reason,
                "evidence": [e.model_dump(mode="json") for e in c.evidence], "value": c.value,
            } for c in score.criteria]
        with engine.begin() as connection:
            for model, batch in ((Call, call_rows), (TranscriptRow, transcript_rows),
                                 (StageRun, stage_rows), (ScoreRow, score_rows),
                                 (CriterionRow, criterion_rows)):
                connection.execute(insert(table_of(model)), batch)
        print(f"\rbuilt {rows.stop:,} of {calls:,} calls", end="", flush=True)
    print()
    engine.dispose()


def _call(n: int, metadata: CallMetadata, started: datetime) -> dict[str, Any]:
    return {
        "call_id": metadata.call_id, "content_sha256": f"{n:064x}", "source": "audio",
        "recording_uri": f"file:///archive/c{n:07d}.wav", "agent_pk": n % 200 + 1,
        "team_pk": n % 20 + 1, "customer_pk": None, "call_type": metadata.call_type,
        "started_at": started, "direction": "inbound", "language": "en",
        "channel_layout": "agent_left",
        "metadata": metadata.model_dump(mode="json", exclude_none=True),
        "status": "processed", "attempts": 1, "created_at": utc_now(),
        "updated_at": utc_now()}


def new_scorecards(version: str) -> Path:
    """A copy of the bundled scorecards, every one at `version`."""
    folder = Path(tempfile.mkdtemp(prefix=f"cards-{version}-"))
    source = Path(__file__).resolve().parents[1] / "callqa" / "configs" / "scorecards"
    for card in source.glob("*.yaml"):
        text = re.sub(r"(?m)^version: .*$", f"version: '{version}'", card.read_text())
        (folder / card.name).write_text(text)
    return folder


def counts(engine: Engine, version: str) -> tuple[int, int]:
    """(current scores at `version`, finished transcribe markers)."""
    with engine.connect() as connection:
        scored = connection.scalar(select(func.count()).select_from(ScoreRow).where(
            ScoreRow.is_current, ScoreRow.scorecard_version == version))
        transcribed = connection.scalar(select(func.count()).select_from(StageRun).where(
            StageRun.stage == "transcribe"))
    return int(scored or 0), int(transcribed or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep an existing store")
    parser.add_argument("--build-only", action="store_true", help="build the store and stop")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    path = DATA / f"reprocess-{args.calls}.db"
    if not (args.reuse and path.exists()):
        began = time.perf_counter()
        build(path, args.calls)
        print(f"store built in {time.perf_counter() - began:.0f} s "
              f"({path.stat().st_size / 2**30:.2f} GiB)")
    if args.build_only:
        return
    url = f"sqlite:///{path}"
    engine = make_engine(url)

    import os

    from callqa.flows.reprocess import reprocess
    from callqa.services import processing as jobs
    from callqa.services.reprocessing import queue_reprocess
    from callqa.services.store import sessions_for

    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    results: dict[str, float] = {}
    for label, version in (("flow", "bench-2"), ("plain loop", "bench-3")):
        cards = new_scorecards(version)
        os.environ["CALLQA_SCORECARDS_DIR"] = str(cards)
        began = time.perf_counter()
        if label == "flow":
            plan, report = reprocess(database_url=url)
            assert report is not None
        else:
            settings = Settings(scorecards_dir=cards)
            plan = queue_reprocess(sessions_for(url), settings)
            report = jobs.process_calls(sessions_for(url), settings)
        seconds = time.perf_counter() - began
        results[label] = seconds
        scored, transcribed = counts(engine, version)
        print(f"{label:>10}: {plan.rescore:,} queued to rescore, {plan.retranscribe} to "
              f"transcribe; {len(report.scored):,} rescored, {len(report.transcribed)} "
              f"transcribed, {len(report.failed)} failed in {seconds:.1f} s "
              f"({len(report.scored) / seconds:,.0f} calls/s); current scores at {version}: "
              f"{scored:,}; transcribe markers {transcribed:,}")
        assert scored == args.calls and report.transcribed == [] and not report.failed
        shutil.rmtree(cards)
    ratio = results["flow"] / results["plain loop"]
    flow_100k = results["flow"] * 100_000 / args.calls
    print(f"\nreprocess flow {results['flow']:.1f} s, plain loop {results['plain loop']:.1f} s: "
          f"ratio {ratio:.3f} (orchestration {100 * (ratio - 1):+.1f} %); the flow's rate makes "
          f"{flow_100k:.0f} s for 100,000 calls, goal {GOAL_SECONDS:.0f} s: "
          f"{'met' if flow_100k <= GOAL_SECONDS else 'NOT met'}")

if __name__ == "__main__":
    main()
