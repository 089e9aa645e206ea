"""The store at a million calls: analytics reads, bulk FCR writes, the review queue.

Usage: .venv/bin/python -m benchmarks.bench_store [--calls 1000000] [--agents 3000]
           [--customers 200000] [--review-items 20000] [--postgres URL] [--keep PATH]

Data: generated straight into a migrated database with the driver's bulk path (SQLite:
executemany of tuples in chunks, in one transaction; PostgreSQL: COPY), seeded: the calls
spread over 90 days in time order, a few thousand agents in 60 teams, ~200k customers,
4 call types, one metrics row and one current score per call (no per-criterion rows).
`--postgres URL` also runs everything on a fresh database created on that server (dropped at
the end).

Each figure is printed beside a baseline measured in the same process on the same data:
- `calls_frame` (whole period) against a raw DBAPI fetch of the same SELECT (and a
  `SELECT count(*) FROM calls` to show the scan cost alone);
- `save_fcr` of every call (records from a generator, as `fcr_outcomes()` yields them; the
  time to build the records alone is shown too), the re-run (every row an upsert), and
  `save_fcr_frame` of the same as a DataFrame, against the driver's plain executemany INSERT
  of the same rows, keys already resolved, into the same (emptied) table;
- `save_review_items` of ~20k items against the same kind of plain INSERT;
- `review_queue(limit=50)`, median of 50 runs, against the raw top-50 query on review_items
  alone. Goal: at most 50 ms.
Peak RSS (resource.getrusage) after each step.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from callqa.domain.review import FcrOutcome, FcrStatus, ReviewItem
from callqa.models import store
from callqa.models._sql import fetch_tuples
from callqa.models.engine import make_engine, session_factory
from callqa.models.migrate import upgrade
from callqa.models.store_frames import CALLS_COLUMNS, calls_select

CALL_TYPES = ("billing", "technical_support", "sales", "complaints")
TEAMS = 60
DAYS = 90
CHUNK = 100_000
GOAL_QUEUE_MS = 50.0
START = datetime(2026, 8, 1, tzinfo=UTC)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    begin = time.perf_counter()
    result = action()
    return time.perf_counter() - begin, result


def _duration(seconds: float) -> str:
    return f"{seconds:8.3f} s " if seconds >= 1 else f"{seconds * 1000:8.2f} ms"


def line(what: str, seconds: float, baseline_what: str, baseline: float) -> None:
    ratio = seconds / baseline if baseline > 0 else float("inf")
    print(f"  {what:<46} {_duration(seconds)}   {baseline_what:<30} {_duration(baseline)}"
          f"   ratio {ratio:7.2f}   peak RSS {peak_rss_mb():6.0f} MB", flush=True)


# --- generation ----------------------------------------------------------------------------


class Archive:
    """The seeded rows, produced chunk by chunk so that generation stays small in memory."""

    def __init__(self, calls: int, agents: int, customers: int, seed: int) -> None:
        self.calls, self.agents, self.customers, self.seed = calls, agents, customers, seed

    def teams(self) -> list[tuple[Any, ...]]:
        return [(t + 1, f"t{t + 1:03d}") for t in range(TEAMS)]

    def agent_rows(self) -> list[tuple[Any, ...]]:
        return [(a + 1, f"a{a + 1:05d}", f"Agent {a + 1}", a % TEAMS + 1)
                for a in range(self.agents)]

    def customer_rows(self) -> list[tuple[Any, ...]]:
        return [(c + 1, f"c{c + 1:07d}") for c in range(self.customers)]

    def call_chunks(self) -> Iterator[list[dict[str, Any]]]:
        rng = random.Random(self.seed)
        step = DAYS * 86400 / self.calls
        for first in range(0, self.calls, CHUNK):
            rows = []
            for i in range(first, min(first + CHUNK, self.calls)):
                agent = rng.randrange(self.agents) + 1
                call_id = f"call-{i + 1:08d}"
                started = START + timedelta(seconds=i * step + rng.random() * step)
                status = rng.choices(("processed", "failed", "pending"), (98.5, 1.0, 0.5))[0]
                handle = rng.uniform(60, 900)
                score = rng.uniform(40, 100)
                rows.append({
                    "id": i + 1, "call_id": call_id,
                    "sha": hashlib.sha256(call_id.encode()).hexdigest(),
                    "agent": agent, "team": (agent - 1) % TEAMS + 1,
                    "customer": rng.randrange(self.customers) + 1,
                    "call_type": CALL_TYPES[rng.randrange(4)], "started": started,
                    "status": status, "handle": handle, "score": score,
                    "critical": rng.random() < 0.05,
                    "cause": "an outage" if rng.random() < 0.03 else None,
                })
            yield rows


def _call_tuple(r: dict[str, Any], started: Any, now: Any, meta: str) -> tuple[Any, ...]:
    return (r["id"], r["call_id"], r["sha"], "audio", f"file:///archive/{r['call_id']}.wav",
            r["agent"], r["team"], r["customer"], r["call_type"], started, "inbound", "en",
            "agent_left", meta, r["cause"], r["status"],
            "cannot decode: truncated file" if r["status"] == "failed" else None, 1, now, now)


def _metrics_tuple(r: dict[str, Any], now: Any) -> tuple[Any, ...]:
    h = r["handle"]
    return (r["id"], h, h * 0.8, h * 0.2, 0.2, 12.0, 3.0, 2, 0.55, 0.45, 1, 2, 60.0, 40.0,
            150.0, 140.0, json.dumps({"handle_time": round(h, 2)}), now)


def _score_tuple(r: dict[str, Any], now: Any) -> tuple[Any, ...]:
    critical = r["critical"]
    return (r["id"], r["id"], "billing", "1.0.0", "0123456789abcdef", r["call_type"], "en",
            r["score"], 100.0, critical, (not critical) and r["score"] >= 80, True, "[]", "",
            now)


CALL_COLUMNS = ("id, call_id, content_sha256, source, recording_uri, agent_pk, team_pk, "
                "customer_pk, call_type, started_at, direction, language, channel_layout, "
                "metadata, outside_cause, status, failure_reason, attempts, created_at, "
                "updated_at")
METRICS_COLUMNS = ("call_pk, handle_time, talk_time, non_talk_time, non_talk_share, "
                   "longest_silence, overtalk_time, overtalk_count, agent_talk_share, "
                   "customer_talk_share, agent_interruptions, customer_interruptions, "
                   "agent_longest_monologue, customer_longest_monologue, "
                   "agent_words_per_minute, customer_words_per_minute, metrics, computed_at")
SCORE_COLUMNS = ("id, call_pk, scorecard_id, scorecard_version, scorecard_digest, call_type, "
                 "language, score, compliance_score, critical_failed, passed, is_current, "
                 "sections, summary, scored_at")


def _meta(r: dict[str, Any], started_iso: str) -> str:
    return json.dumps({"call_id": r["call_id"], "agent_id": f"a{r['agent']:05d}",
                       "customer_id": f"c{r['customer']:07d}", "call_type": r["call_type"],
                       "started_at": started_iso, "language": "en"})


def generate_sqlite(engine: Engine, archive: Archive) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # Generation only: the data can be regenerated, so skip the fsync per commit.
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

        def marks(columns: str) -> str:
            return ", ".join("?" for _ in columns.split(","))

        cursor.executemany("INSERT INTO teams (id, team_id, created_at) VALUES (?, ?, ?)",
                           [(*t, now) for t in archive.teams()])
        cursor.executemany("INSERT INTO agents (id, agent_id, name, team_pk, created_at) "
                           "VALUES (?, ?, ?, ?, ?)", [(*a, now) for a in archive.agent_rows()])
        cursor.executemany("INSERT INTO customers (id, customer_id, created_at) "
                           "VALUES (?, ?, ?)", [(*c, now) for c in archive.customer_rows()])
        for rows in archive.call_chunks():
            cursor.executemany(
                f"INSERT INTO calls ({CALL_COLUMNS}) VALUES ({marks(CALL_COLUMNS)})",
                [_call_tuple(r, r["started"].strftime("%Y-%m-%d %H:%M:%S.%f"), now,
                             _meta(r, r["started"].isoformat())) for r in rows])
            cursor.executemany(
                f"INSERT INTO call_metrics ({METRICS_COLUMNS}) VALUES "
                f"({marks(METRICS_COLUMNS)})", [_metrics_tuple(r, now) for r in rows])
            cursor.executemany(
                f"INSERT INTO scores ({SCORE_COLUMNS}) VALUES ({marks(SCORE_COLUMNS)})",
                [_score_tuple(r, now) for r in rows])
        raw.commit()
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
    finally:
        raw.close()


def generate_postgres(engine: Engine, archive: Archive) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        now = datetime.now(UTC)

        def copy(table: str, columns: str, rows: Sequence[tuple[Any, ...]]) -> None:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row)

        copy("teams", "id, team_id, created_at", [(*t, now) for t in archive.teams()])
        copy("agents", "id, agent_id, name, team_pk, created_at",
             [(*a, now) for a in archive.agent_rows()])
        copy("customers", "id, customer_id, created_at",
             [(*c, now) for c in archive.customer_rows()])
        for rows in archive.call_chunks():
            copy("calls", CALL_COLUMNS,
                 [_call_tuple(r, r["started"], now, _meta(r, r["started"].isoformat()))
                  for r in rows])
            copy("call_metrics", METRICS_COLUMNS, [_metrics_tuple(r, now) for r in rows])
            copy("scores", SCORE_COLUMNS, [_score_tuple(r, now) for r in rows])
        # COPY with explicit ids leaves the sequences behind: move them past the data.
        for table in ("teams", "agents", "customers", "calls", "scores"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT max(id) FROM {table}))")
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
        cursor.close()
    finally:
        raw.close()


# --- measurements --------------------------------------------------------------------------


def raw_fetch(engine: Engine, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(sql, params)
        rows = list(cursor.fetchall())
        cursor.close()
        raw.rollback()
        return rows
    finally:
        raw.close()


def raw_insert(engine: Engine, before: str, insert: str, rows: Sequence[tuple[Any, ...]]
               ) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(before)
        if rows:
            cursor.executemany(insert, rows)
        raw.commit()
        cursor.close()
    finally:
        raw.close()


def measure(engine: Engine, sessions: sessionmaker[Session], archive: Archive,
            review_items: int) -> None:
    call_ids = bench_calls_frame(engine, sessions, archive)
    rng = random.Random(archive.seed + 1)
    bench_fcr(engine, sessions, fcr_results(call_ids, rng))
    bench_review(engine, sessions, review_sample(call_ids, archive.agents, review_items, rng))


def bench_calls_frame(engine: Engine, sessions: sessionmaker[Session], archive: Archive
                      ) -> list[str]:
    count_s, _ = timed(lambda: raw_fetch(engine, "SELECT count(*) FROM calls"))
    with sessions() as session:
        raw_s, n = timed(lambda: _count_rows(session))
    with sessions() as session:
        frame_s, frame = timed(lambda: store.calls_frame(session))
    assert len(frame) == n == archive.calls and tuple(frame.columns) == CALLS_COLUMNS
    assert str(frame["started_at"].dt.tz) == "UTC"
    line(f"calls_frame ({n:,} rows)", frame_s, "raw cursor fetch, same SELECT", raw_s)
    line("calls_frame", frame_s, "SELECT count(*) FROM calls", count_s)
    call_ids: list[str] = frame["call_id"].tolist()
    return call_ids


def _count_rows(session: Session) -> int:
    rows = fetch_tuples(session, calls_select())
    return len(rows)


def fcr_results(call_ids: list[str], rng: random.Random) -> pd.DataFrame:
    """What `compute_fcr` returns, with random outcomes."""
    statuses = [s.value for s in FcrStatus]
    n = len(call_ids)
    return pd.DataFrame({
        "call_id": call_ids,
        "fcr_status": [statuses[rng.randrange(5)] for _ in call_ids],
        "callback_call_id": [call_ids[min(i + 1, n - 1)] if rng.random() < 0.2 else None
                             for i in range(n)],
        "hours_to_callback": [rng.uniform(0.3, 160) for _ in call_ids],
    })


def bench_fcr(engine: Engine, sessions: sessionmaker[Session], fcr: pd.DataFrame) -> None:
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    n = len(fcr)

    def outcomes() -> Iterator[FcrOutcome]:
        for call_id, status, callback, hours in fcr.itertuples(index=False, name=None):
            yield FcrOutcome(call_id=call_id, status=FcrStatus(status),
                             callback_call_id=None if pd.isna(callback) else callback,
                             hours_to_callback=hours)

    # Baseline: the driver's plain INSERT of the same rows (keys already known) into the same
    # table, emptied again afterwards: the floor any upsert through the store sits on.
    now = "2026-11-30 00:00:00.000000" if mark == "?" else datetime.now(UTC)
    rows = [(i + 1, s, None if pd.isna(c) else c, h, now) for i, (s, c, h) in enumerate(
        zip(fcr["fcr_status"], fcr["callback_call_id"], fcr["hours_to_callback"], strict=True))]
    baseline_s, _ = timed(lambda: raw_insert(
        engine, "DELETE FROM fcr_status",
        "INSERT INTO fcr_status (call_pk, status, callback_call_id, hours_to_callback, "
        f"computed_at) VALUES ({', '.join([mark] * 5)})", rows))
    rows.clear()
    raw_insert(engine, "DELETE FROM fcr_status", "", [])
    build_s, _ = timed(lambda: sum(1 for _ in outcomes()))

    def save_records() -> None:
        with sessions.begin() as session:
            store.save_fcr(session, outcomes())

    def save_frame() -> None:
        with sessions.begin() as session:
            store.save_fcr_frame(session, fcr)

    baseline = "raw INSERT, same table"
    first_s, _ = timed(save_records)
    line(f"save_fcr, {n:,} FcrOutcome (first write)", first_s, baseline, baseline_s)
    line("  of which building the FcrOutcome records", build_s, baseline, baseline_s)
    rerun_s, _ = timed(save_records)
    line("save_fcr again (every row an upsert)", rerun_s, baseline, baseline_s)
    frame_s, _ = timed(save_frame)
    line("save_fcr_frame (DataFrame, upserts)", frame_s, baseline, baseline_s)


def review_sample(call_ids: list[str], agents: int, size: int, rng: random.Random
                  ) -> list[ReviewItem]:
    picked = rng.sample(range(len(call_ids)), size)
    return [ReviewItem(call_id=call_ids[i], agent_id=f"a{(i * 7919) % agents + 1:05d}",
                       priority=round(rng.uniform(0, 20), 1),
                       reasons=("the customer called back", "no resolution confirmation"),
                       control=k % 10 == 0, kind="control" if k % 10 == 0 else "fcr_repeat")
            for k, i in enumerate(picked)]


def bench_review(engine: Engine, sessions: sessionmaker[Session], items: list[ReviewItem]
                 ) -> None:
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    with sessions() as session:
        agent_pks = {a: pk for a, pk in session.execute(text("SELECT agent_id, id FROM agents"))}
        call_pks = {c: pk for c, pk in session.execute(
            text("SELECT call_id, id FROM calls"))}
    now = "2026-11-30 00:00:00.000000" if mark == "?" else datetime.now(UTC)
    item_rows = [(call_pks[it.call_id], agent_pks[it.agent_id], it.priority,
                  json.dumps(list(it.reasons)), it.control, it.kind, now) for it in items]
    del call_pks
    baseline_s, _ = timed(lambda: raw_insert(
        engine, "DELETE FROM review_items",
        "INSERT INTO review_items (call_pk, agent_pk, priority, reasons, control, kind, "
        f"created_at) VALUES ({', '.join([mark] * 7)})", item_rows))
    raw_insert(engine, "DELETE FROM review_items", "", [])

    def save_items() -> None:
        with sessions.begin() as session:
            store.save_review_items(session, items)

    save_s, _ = timed(save_items)
    line(f"save_review_items ({len(items):,} items)", save_s, "raw INSERT, same table",
         baseline_s)

    top_sql = "SELECT id, priority FROM review_items ORDER BY priority DESC, id LIMIT 50"
    cases: list[tuple[str, dict[str, Any]]] = [
        ("review_queue(limit=50)", {}),
        ("review_queue(50, include_control=False)", {"include_control": False}),
        ("review_queue(50, agent_id=one agent)", {"agent_id": items[0].agent_id}),
    ]
    for label, kwargs in cases:
        with sessions() as session:
            store.review_queue(session, **kwargs)  # warm the statement cache
            runs = []
            for _ in range(50):
                begin = time.perf_counter()
                queue = store.review_queue(session, **kwargs)
                runs.append(time.perf_counter() - begin)
            assert queue and all(a.priority >= b.priority for a, b in pairwise(queue))
        raw_runs = [timed(lambda: raw_fetch(engine, top_sql))[0] for _ in range(50)]
        median = statistics.median(runs)
        line(f"{label} median", median, "raw top-50 on review_items",
             statistics.median(raw_runs))
        verdict = "meets" if median * 1000 <= GOAL_QUEUE_MS else "MISSES"
        print(f"    {verdict} the {GOAL_QUEUE_MS:.0f} ms goal")


def run(engine: Engine, archive: Archive, review_items: int, name: str) -> None:
    print(f"\n{name}: generating {archive.calls:,} calls, {archive.agents:,} agents, "
          f"{archive.customers:,} customers", flush=True)
    upgrade(engine)
    generate = generate_sqlite if engine.dialect.name == "sqlite" else generate_postgres
    gen_s, _ = timed(lambda: generate(engine, archive))
    print(f"  generated in {gen_s:.1f} s (peak RSS {peak_rss_mb():.0f} MB)", flush=True)
    measure(engine, session_factory(engine), archive, review_items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=3_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--review-items", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL", default=None,
                        help="also run on a fresh database created on this server")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--keep", metavar="PATH", type=Path, default=None,
                        help="write the SQLite database here and keep it")
    args = parser.parse_args()
    archive = Archive(args.calls, args.agents, args.customers, args.seed)
    review_items = min(args.review_items, args.calls)

    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            path = args.keep or Path(folder) / "bench.db"
            path.unlink(missing_ok=True)
            engine = make_engine(f"sqlite:///{path}")
            run(engine, archive, review_items, f"SQLite ({path})")
            engine.dispose()
            print(f"  database file: {path.stat().st_size / 2**20:.0f} MB")

    if args.postgres:
        admin = create_engine(make_url(args.postgres).set(drivername="postgresql+psycopg"),
                              isolation_level="AUTOCOMMIT")
        name = f"callqa_bench_{secrets.token_hex(4)}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(args.postgres).set(database=name)
            engine = make_engine(url.render_as_string(hide_password=False))
            run(engine, archive, review_items, f"PostgreSQL ({url.render_as_string()})")
            engine.dispose()
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
