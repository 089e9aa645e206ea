"""The automatic scorer's agreement report (`GET /api/v1/agreement`, `callqa agreement`) over
100,000 human reviews.

Usage: .venv/bin/python -m benchmarks.bench_agreement_report [--reviews 100000]
       [--database sqlite:////tmp/callqa-agreement-bench.db | postgresql+psycopg://...]
       [--reuse] [--rounds 5]

Data: a seeded `callqa.scoring.simulate` archive bulk-loaded as scored calls (8 criterion
verdicts each), then `--reviews` reviews by 40 qa users, one per call, each giving every
criterion of the call (about 85 % equal to the automatic verdict, less on `empathy`), made
over the last 60 days (loading is reported, not counted).

Timed, median of `--rounds` after one warm-up (the first report also imports statsmodels,
shown apart): `services.agreement.agreement_report`, which sums the per-day agreement counts
that each review keeps in its own transaction (days x criteria rows), then computes a Wilson
interval and a trust decision per criterion. Baseline in the same process: the raw driver
fetching the reviewed verdicts those counts summarise (what a report without them would
read). Goal: the report under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import Engine, func, insert, select, text

from callqa.configs.settings import Settings
from callqa.models.base import table_of
from callqa.models.bulk import load_scored_calls
from callqa.models.engine import make_engine, session_factory
from callqa.models.migrate import upgrade
from callqa.models.people import User
from callqa.models.result_tables import CriterionRow
from callqa.models.reviews import ReviewCriterionRow, ReviewRow
from callqa.models.store_reviews import rebuild_agreement_counts
from callqa.models.tables import Call
from callqa.scoring.simulate import generate_archive
from callqa.services.agreement import agreement_report
from callqa.support.batching import chunks

CHUNK = 20_000
FLIP = {"pass": "fail", "fail": "pass", "na": "fail"}
RAW = """
SELECT r.scorecard_id, r.scorecard_version, rc.criterion_id, rc.outcome, rc.automatic_outcome
FROM reviews r JOIN review_criteria rc ON rc.review_pk = r.id
WHERE r.kind = 'review' AND r.updated_at >= {start} AND rc.automatic_outcome IS NOT NULL
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--database", default="sqlite:////tmp/callqa-agreement-bench.db")
    parser.add_argument("--reuse", action="store_true", help="Use the reviews already there.")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.reuse:
        load(args.database, args.reviews)
    engine = make_engine(args.database)
    measure(engine, args.rounds)


def load(url: str, reviews: int) -> None:
    if url.startswith("sqlite:////"):
        from pathlib import Path

        database = Path(url[len("sqlite:///"):])
        for stale in database.parent.glob(database.name + "*"):
            stale.unlink()
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    started = time.perf_counter()
    agents = max(10, reviews // 280)  # about 300 calls per agent in 28 days
    archive = generate_archive(days=28, n_agents=agents, seed=7)
    loaded = load_scored_calls(engine, archive.calls, archive.criteria, scorecard_id="bench")
    print(f"data: {loaded:,} scored calls, {len(archive.criteria):,} automatic verdicts "
          f"({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    added = add_reviews(engine, reviews)
    print(f"data: {reviews:,} reviews, {added:,} reviewed verdicts "
          f"({time.perf_counter() - started:.1f} s)")
    engine.dispose()


def add_reviews(engine: Engine, count: int) -> int:
    rng = np.random.default_rng(11)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(table_of(User)), [
            {"username": f"qa{i:02d}", "password_hash": "-", "role": "qa", "agent_id": None,
             "team_pk": None, "disabled": False, "created_at": now} for i in range(40)])
        reviewers = list(connection.scalars(select(User.id).order_by(User.id)))
        calls = list(connection.scalars(select(Call.id).order_by(Call.id).limit(count)))
        if len(calls) < count:
            raise SystemExit(f"only {len(calls):,} calls for {count:,} reviews")
        ages = rng.uniform(0, 60, size=count)
        picked = rng.integers(0, len(reviewers), size=count)
        for part in chunks(list(range(count)), CHUNK):
            connection.execute(insert(table_of(ReviewRow)), [{
                "call_pk": calls[i], "reviewer_pk": reviewers[picked[i]], "kind": "review",
                "calibration_pk": None, "scorecard_id": "bench", "scorecard_version": "1",
                "comment": None, "time_spent_seconds": 300.0,
                "created_at": now - timedelta(days=float(ages[i])),
                "updated_at": now - timedelta(days=float(ages[i]))} for i in part])
        review_of = dict(connection.execute(select(ReviewRow.call_pk, ReviewRow.id)).all())
        verdicts = connection.execute(
            select(CriterionRow.call_pk, CriterionRow.criterion_id, CriterionRow.outcome)
            .where(CriterionRow.call_pk.in_(select(ReviewRow.call_pk)))).all()
        disagree = rng.random(len(verdicts))
        rows = [{"review_pk": review_of[pk], "criterion_id": criterion,
                 "outcome": FLIP[auto] if disagree[i] < (0.35 if criterion == "empathy"
                                                          else 0.1) else auto,
                 "automatic_outcome": auto, "comment": None, "reason": None}
                for i, (pk, criterion, auto) in enumerate(verdicts)]
        for chunk in chunks(rows, CHUNK):
            connection.execute(insert(table_of(ReviewCriterionRow)), chunk)
    # Reviews written through the services keep the counts as they go; a bulk load
    # rebuilds them once.
    started = time.perf_counter()
    with session_factory(engine).begin() as session:
        kept = rebuild_agreement_counts(session)
    print(f"data: agreement counts rebuilt from the reviews, {kept:,} rows "
          f"({time.perf_counter() - started:.1f} s)")
    return len(rows)


def measure(engine: Engine, rounds: int) -> None:
    sessions = session_factory(engine)
    settings = Settings()
    with sessions() as session:
        reviews = session.scalar(select(func.count()).select_from(ReviewRow)) or 0
        verdicts = session.scalar(select(func.count()).select_from(ReviewCriterionRow)) or 0
    print(f"store: {engine.dialect.name}, {reviews:,} reviews, {verdicts:,} reviewed verdicts")
    started = time.perf_counter()
    report = agreement_report(sessions, settings)
    first = time.perf_counter() - started
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        report = agreement_report(sessions, settings)
        times.append(time.perf_counter() - started)
    first_day = datetime.combine(report.period_start, datetime.min.time(), UTC)
    sqlite = engine.dialect.name == "sqlite"
    raw_times = []
    for _ in range(rounds):
        started = time.perf_counter()
        with engine.connect() as connection:
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.execute(RAW.format(start="?" if sqlite else "%s"),
                           # SQLite keeps naive UTC text (models.base.UtcDateTime)
                           (str(first_day.replace(tzinfo=None)) if sqlite else first_day,))
            rows = cursor.fetchall()
        raw_times.append(time.perf_counter() - started)
    compared = sum(c.n for c in report.criteria)
    assert compared == len(rows), (compared, len(rows))
    median, raw = statistics.median(times), statistics.median(raw_times)
    print(f"agreement report: {median * 1000:.0f} ms median of {rounds} "
          f"(first call {first * 1000:.0f} ms, importing statsmodels); "
          f"{compared:,} verdicts compared over {len(report.criteria)} criteria")
    print(f"baseline, raw driver fetch of the reviewed verdicts it summarises: "
          f"{raw * 1000:.0f} ms median ({len(rows):,} rows)")
    print(f"report / baseline: {median / raw:.2f}; goal under 1 s: "
          f"{'met' if median < 1.0 else 'NOT met'}")
    for row in report.criteria:
        print(f"  {row.criterion_id:<22} n {row.n:>7,}  agreement {row.agreement:.3f}  "
              f"CI {row.ci_low:.3f}-{row.ci_high:.3f}  {row.status}")


if __name__ == "__main__":
    main()
