"""FCR, flags and the review queue over a million stored calls.

Usage: .venv/bin/python -m benchmarks.bench_review [--agents 3600] [--days 28]
       [--database sqlite:////tmp/callqa-review-bench.db | postgresql+psycopg://...]

Data: a seeded `callqa.scoring.simulate` archive (~1,000,000 calls with callbacks and transfers,
planted weak agents), bulk-loaded as scored calls (loading is reported, not counted). Then
the analysis the `flags` command runs, timed step by step: `calls_frame` from the store,
`compute_fcr`, `save_fcr_frame`, `fcr_assessment`, `review_plan` (build) and
`save_review_items` (the default budget: five reviews per agent); then the stored queue
query (`store.review_queue(limit=50)`, median of 50). Goals: analysis <= 60 s and <= 2 GB
peak memory on SQLite; queue query <= 50 ms.
Baseline, in the same process: the raw driver fetching the same call columns.
Criterion-level flags are left out at this size (8 criterion rows per call).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from datetime import date

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.models import store
from callqa.models.bulk import load_scored_calls
from callqa.models.engine import make_engine, session_factory
from callqa.models.migrate import upgrade
from callqa.scoring.fcr import compute_fcr
from callqa.scoring.flags import fcr_assessment
from callqa.scoring.review import review_plan
from callqa.scoring.simulate import generate_archive


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=3600)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--database", default="sqlite:////tmp/callqa-review-bench.db")
    parser.add_argument("--reuse", action="store_true",
                        help="Analyse the calls already in --database (no new load).")
    args = parser.parse_args()
    if not args.reuse:
        # Generate and load in a child process, so that the peak memory reported below is
        # the analysis's own.
        import multiprocessing

        child = multiprocessing.get_context("spawn").Process(target=load, args=(args,))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("loading the archive failed")
    engine = make_engine(args.database)
    sessions = session_factory(engine)
    analyse(engine, sessions)


def load(args: argparse.Namespace) -> None:
    if args.database.startswith("sqlite:////"):
        from pathlib import Path

        for stale in Path(args.database[len("sqlite:///"):]).parent.glob(
                Path(args.database).name + "*"):
            stale.unlink()
    engine = make_engine(args.database)
    upgrade(engine)
    started = time.perf_counter()
    archive = generate_archive(days=args.days, n_agents=args.agents, seed=1, with_criteria=False,
                               planted={"weak": 30, "hard_mix": 60, "part_timer": 40})
    generated = time.perf_counter() - started
    started = time.perf_counter()
    loaded = load_scored_calls(engine, archive.calls, None, scorecard_id="bench")
    print(f"data: {loaded:,} calls, {args.agents} agents ({generated:.1f} s to generate, "
          f"{time.perf_counter() - started:.1f} s to bulk-load) into {engine.dialect.name}")


def analyse(engine: Engine, sessions: sessionmaker[Session]) -> None:
    settings = Settings()
    steps: dict[str, float] = {}
    total = time.perf_counter()
    with sessions() as session:
        t = time.perf_counter()
        calls = store.calls_frame(session)
        steps["calls_frame"] = time.perf_counter() - t
        t = time.perf_counter()
        fcr = compute_fcr(calls, settings.fcr)
        steps["compute_fcr"] = time.perf_counter() - t
        t = time.perf_counter()
        store.save_fcr_frame(session, fcr)
        session.commit()
        steps["save_fcr_frame"] = time.perf_counter() - t
        calls = calls.assign(fcr_status=fcr["fcr_status"].to_numpy(),
                             callback_call_id=fcr["callback_call_id"].to_numpy())
        period = (calls["started_at"].min().date(), calls["started_at"].max().date())
        t = time.perf_counter()
        flags, _ = fcr_assessment(calls, period, settings.flags)
        steps["fcr_assessment"] = time.perf_counter() - t
        t = time.perf_counter()
        empty = calls.iloc[:0][["call_id"]].assign(criterion_id="", outcome="")
        plan = review_plan(calls, empty, flags, settings.review)
        queue = plan.items
        steps["review_plan build"] = time.perf_counter() - t
        t = time.perf_counter()
        store.save_review_items(session, queue, (date.min, date.max))
        store.save_review_plan(session, plan, (date.min, date.max))
        session.commit()
        steps["save_review_items"] = time.perf_counter() - t
    analysis = time.perf_counter() - total

    t = time.perf_counter()
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT call_id, agent_pk, team_pk, customer_pk, call_type, started_at, status "
            "FROM calls")).fetchall()
    baseline = time.perf_counter() - t
    del rows
    with sessions() as session:
        times = []
        for _ in range(50):
            t = time.perf_counter()
            top = store.review_queue(session, limit=50)
            times.append(time.perf_counter() - t)
    flagged = sum(f.status == "flagged" for f in flags)
    watched = sum(f.status == "watch" for f in flags)
    for name, seconds in steps.items():
        print(f"  {name:<20} {seconds:7.2f} s")
    print(f"analysis total        {analysis:7.2f} s (goal <= 60 s); raw fetch of the call "
          f"columns {baseline:.2f} s; ratio {analysis / baseline:.1f}")
    print(f"peak memory           {peak_rss_mb():7.0f} MB (goal <= 2048 MB)")
    print(f"review_queue(50)      {statistics.median(times) * 1000:7.2f} ms median of 50 "
          f"(goal <= 50 ms); {len(top)} items")
    print(f"flags: {flagged} agents flagged, {watched} on watch, of {len(flags)}; queue "
          f"{len(queue)} items (budget {plan.budget}, {plan.unused} unused); "
          f"{len(calls):,} calls analysed")


if __name__ == "__main__":
    main()
