"""The web service under load: list, detail and review queue over a million calls in
PostgreSQL, through HTTP on loopback, beside the same service calls made in-process.

Usage: .venv/bin/python -m benchmarks.bench_api [--calls 1000000] [--database URL] [--reuse]
       [--rate 100] [--seconds 20] [--concurrency 8] [--workers 1] [--routes detail,queue]

Data (rebuilt unless --reuse, which completes an interrupted build; the database is created
when missing, and emptied only when its name starts with `callqa_bench`): a seeded
`callqa.scoring.simulate` archive of about `--calls` scored calls (28 days, one agent per
393 calls, callbacks and transfers included), bulk-loaded
(`callqa.models.bulk.load_scored_calls`); FCR, flags and the review queue computed as
`callqa flags` does (`services.analysis.analyse_period`, with a `--queue-size` queue);
3,000 calls given a stored 5-minute transcript of about 750 words
(cycled from 300 `tests.factories.synthetic_call`s) and its score against the bundled
scorecards, a third of them in the team leader's team; users: `bench-qa` (qa: everything),
`bench-tl` (team leader of the team with most queued calls), `bench-agent`. Then VACUUM
ANALYZE, as autovacuum would in time.

Load: `callqa serve` (uvicorn, one process) started on 127.0.0.1; per route and role, an
open-loop generator sends `--rate` requests/s for `--seconds` with at most `--concurrency`
in flight (httpx), after a short warm-up. Latency is measured from the moment a request was
due, so a server that falls behind is charged for the wait (no coordinated omission).
Routes: `GET /api/v1/calls?limit=50` (plain, `agent_id=`, `call_type=`, a later page by
cursor), `GET /api/v1/calls/{id}` (random calls with transcripts in the role's scope),
`GET /api/v1/review-queue?limit=50`, each as qa and as team leader.
Baseline, in the same run with the server idle: the same service calls in-process
(`services.calls.list_calls`, `services.reviews.call_with_verdicts` (what the detail
route answers), `services.analysis.queue_in_scope`), timed one
after another. The ratio is the API's cost; `cpu`, the server's CPU per request, says what
one process can serve whatever else the machine runs. Goal: detail and queue p95 <= 50 ms at
100 requests/s. Only loopback traffic; every phase is bounded in requests and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import ReviewSettings, Settings
from callqa.domain.queries import CallQuery, Scope
from callqa.models import store
from callqa.models.people import User
from callqa.models.result_tables import ReviewItemRow
from callqa.models.tables import Agent, Call, Team, TranscriptRow
from callqa.services.users import Person

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/callqa_bench_api"
PASSWORD = "bench api password"
USERS = {"qa": "bench-qa", "team_leader": "bench-tl", "agent": "bench-agent"}
ROLES = ("qa", "team_leader")
TRANSCRIPTS = 3000
CALLS_PER_AGENT = 393
"""Calls per agent in the simulated 28 days (callbacks and transfers included)."""
DISTINCT_TRANSCRIPTS = 300
PAGE = 50
GOAL_MS = 50.0
GOAL_ROUTES = ("detail", "queue")
WARM_UP = 20
IN_PROCESS_REQUESTS = 300
DRAIN_SECONDS = 30.0
SETTLE_SECONDS = 60.0
REQUEST_TIMEOUT = 10.0


# --- the store --------------------------------------------------------------------------------

def ensure_database(url: str, fresh: bool) -> None:
    """Create the benchmark's own database when missing; empty it (drop and create) when
    `fresh`, but only a database whose name says it is a benchmark's."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit("bench_api needs a PostgreSQL URL (postgresql+psycopg://...)")
    name = parsed.database or ""
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                       {"n": name}) is not None
            if exists and fresh:
                if not name.startswith("callqa_bench"):
                    raise SystemExit(f"refusing to empty database {name!r}: give one whose "
                                     "name starts with callqa_bench, or --reuse")
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                exists = False
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def build(url: str, calls: int, queue_size: int) -> None:
    """Complete the store, step by step (each skipped when already done, so an interrupted
    build resumes): load the archive, analyse it, give some calls transcripts and scores,
    add the users, VACUUM ANALYZE. Run in a child process, so that the benchmark's own
    process stays small."""
    from callqa.models.bulk import load_scored_calls
    from callqa.scoring.simulate import generate_archive
    from callqa.services.analysis import analyse_period
    from callqa.services.store import engine_for, sessions_for
    from callqa.services.users import add_user

    sessions = sessions_for(url, "create")
    engine = engine_for(url, "create")
    changed = False
    if not _count(sessions, Call):
        agents = max(24, round(calls / CALLS_PER_AGENT))
        began = time.perf_counter()
        archive = generate_archive(days=28, n_agents=agents, seed=1, with_criteria=False,
                                   planted={"weak": 30, "hard_mix": 60, "part_timer": 40})
        generated = time.perf_counter() - began
        began = time.perf_counter()
        loaded = load_scored_calls(engine, archive.calls, None, scorecard_id="bench")
        print(f"loaded {loaded:,} calls of {agents:,} agents ({generated:.0f} s to generate, "
              f"{time.perf_counter() - began:.0f} s to bulk-load)", flush=True)
        del archive
        changed = True
    if not _count(sessions, ReviewItemRow):
        began = time.perf_counter()
        settings = Settings(review=ReviewSettings(queue_size=queue_size))
        analysis = analyse_period(sessions, settings)
        print(f"analysed: {len(analysis.flags):,} flags, a queue of {analysis.queue_size:,} "
              f"calls ({time.perf_counter() - began:.0f} s)", flush=True)
        changed = True
    team = busiest_team(sessions)
    if not _count(sessions, TranscriptRow):
        began = time.perf_counter()
        with sessions() as session:
            team_pk = session.scalar(select(Team.id).where(Team.team_id == team))
            session.execute(text("SELECT setseed(0.5)"))
            own = list(session.scalars(select(Call.call_id).where(Call.team_pk == team_pk)
                                       .order_by(func.random()).limit(TRANSCRIPTS // 3)))
            rest = list(session.scalars(select(Call.call_id).where(Call.team_pk != team_pk)
                                        .order_by(func.random())
                                        .limit(TRANSCRIPTS - len(own))))
        add_transcripts(sessions, own + rest)
        print(f"stored {len(own) + len(rest):,} transcripts and scores "
              f"({time.perf_counter() - began:.0f} s)", flush=True)
        changed = True
    if not _count(sessions, User):
        with sessions() as session:
            agent = session.scalar(select(Agent.agent_id).join(Team, Team.id == Agent.team_pk)
                                   .where(Team.team_id == team).order_by(Agent.agent_id))
        add_user(sessions, USERS["qa"], PASSWORD, "qa")
        add_user(sessions, USERS["team_leader"], PASSWORD, "team_leader", [team])
        add_user(sessions, USERS["agent"], PASSWORD, "agent", [team], agent)
        changed = True
    if changed:
        began = time.perf_counter()
        with engine.connect() as connection:  # as autovacuum would, in time
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE"))
        print(f"VACUUM ANALYZE ({time.perf_counter() - began:.0f} s)", flush=True)


def _count(sessions: sessionmaker[Session], model: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def busiest_team(sessions: sessionmaker[Session]) -> str:
    """The team (not the process team) with the most calls in the review queue."""
    with sessions() as session:
        rows = session.execute(
            select(Team.team_id, func.count()).select_from(ReviewItemRow)
            .join(Agent, Agent.id == ReviewItemRow.agent_pk)
            .join(Team, Team.id == Agent.team_pk)
            .where(Team.team_id != "t-process")
            .group_by(Team.team_id).order_by(func.count().desc(), Team.team_id).limit(1)
        ).all()
        if rows:
            return str(rows[0][0])
        return str(session.scalars(select(Team.team_id).order_by(Team.id)).first())


def add_transcripts(sessions: sessionmaker[Session], call_ids: list[str]) -> None:
    """Give these calls a synthetic 5-minute transcript and its score (current)."""
    from callqa.scoring import choose_scorecard, score_call
    from tests.factories import synthetic_call

    rng = random.Random(7)
    transcripts = [synthetic_call(rng, n) for n in range(DISTINCT_TRANSCRIPTS)]
    scores = [score_call(t, choose_scorecard(t.metadata.call_type if t.metadata else None))
              for t in transcripts]
    for first in range(0, len(call_ids), 500):
        chunk = call_ids[first:first + 500]
        with sessions.begin() as session:
            calls = session.scalars(select(Call).where(Call.call_id.in_(chunk))).all()
            scored = []
            for n, call in enumerate(calls, start=first):
                k = n % DISTINCT_TRANSCRIPTS
                transcript = transcripts[k].model_copy(update={"call_id": call.call_id})
                store.save_transcript(session, call, transcript)
                scored.append((call, scores[k].model_copy(update={"call_id": call.call_id})))
            store.save_scores(session, scored)


# --- what the requests ask for --------------------------------------------------------------

@dataclass
class Fixtures:
    """What the benchmark knows of the store: people, calls with transcripts, agents."""

    people: dict[str, Person]
    detail_ids: dict[str, list[str]]
    agent_ids: dict[str, list[str]]
    call_types: list[str]
    cursors: dict[str, list[str]] = field(default_factory=dict)
    summary: str = ""


def read_fixtures(sessions: sessionmaker[Session]) -> Fixtures:
    from callqa.services.calls import list_calls
    from callqa.services.users import find_user

    people = {}
    for role, username in USERS.items():
        person = find_user(sessions, username)
        if person is None:
            raise SystemExit(f"no user {username} in the store: run without --reuse")
        people[role] = person
    team = people["team_leader"].teams[0]
    with sessions() as session:
        with_text = session.execute(
            select(Call.call_id, Team.team_id).select_from(TranscriptRow)
            .join(Call, Call.id == TranscriptRow.call_pk)
            .outerjoin(Team, Team.id == Call.team_pk)).all()
        agents = session.execute(select(Agent.agent_id, Team.team_id)
                                 .outerjoin(Team, Team.id == Agent.team_pk)).all()
        call_types = sorted(c for c in session.scalars(select(Call.call_type).distinct())
                            if c)
        n_calls = session.scalar(select(func.count()).select_from(Call)) or 0
        queued = session.scalar(select(func.count()).select_from(ReviewItemRow)) or 0
        in_team = session.scalar(
            select(func.count()).select_from(ReviewItemRow)
            .join(Agent, Agent.id == ReviewItemRow.agent_pk)
            .join(Team, Team.id == Agent.team_pk).where(Team.team_id == team)) or 0
    fixtures = Fixtures(
        people=people,
        detail_ids={"qa": sorted(c for c, _ in with_text),
                    "team_leader": sorted(c for c, t in with_text if t == team)},
        agent_ids={"qa": sorted(a for a, _ in agents),
                   "team_leader": sorted(a for a, t in agents if t == team)},
        call_types=call_types)
    for role in ROLES:  # later pages: the cursors of pages 2..11 of the plain list
        cursor: str | None = None
        found: list[str] = []
        for _ in range(10):
            page = list_calls(sessions, people[role].scope, CallQuery(), PAGE, cursor)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
            found.append(cursor)
        fixtures.cursors[role] = found or [""]
    fixtures.summary = (
        f"{n_calls:,} calls, {len(agents):,} agents, {len(with_text):,} with transcripts, "
        f"review queue {queued:,} items; the team leader's team {team}: "
        f"{len(fixtures.agent_ids['team_leader'])} agents, {in_team} queued, "
        f"{len(fixtures.detail_ids['team_leader'])} calls with transcripts")
    return fixtures


@dataclass(frozen=True)
class Ask:
    """One request: its path and query for HTTP, and the same service call in-process."""

    path: str
    params: dict[str, Any]
    call: Callable[[], object]


Route = Callable[[random.Random], Ask]


def routes(sessions: sessionmaker[Session], fixtures: Fixtures, role: str
           ) -> dict[str, Route]:
    from callqa.services.analysis import queue_in_scope
    from callqa.services.calls import list_calls
    from callqa.services.reviews import call_with_verdicts

    person = fixtures.people[role]
    scope: Scope = person.scope
    agents, types = fixtures.agent_ids[role], fixtures.call_types
    cursors, ids = fixtures.cursors[role], fixtures.detail_ids[role]

    def plain(rng: random.Random) -> Ask:
        return Ask("/api/v1/calls", {"limit": PAGE},
                   lambda: list_calls(sessions, scope, CallQuery(), PAGE))

    def by_agent(rng: random.Random) -> Ask:
        agent = rng.choice(agents)
        return Ask("/api/v1/calls", {"limit": PAGE, "agent_id": agent},
                   lambda: list_calls(sessions, scope, CallQuery(agent_id=agent), PAGE))

    def by_type(rng: random.Random) -> Ask:
        kind = rng.choice(types)
        return Ask("/api/v1/calls", {"limit": PAGE, "call_type": kind},
                   lambda: list_calls(sessions, scope, CallQuery(call_type=kind), PAGE))

    def later_page(rng: random.Random) -> Ask:
        cursor = rng.choice(cursors)
        return Ask("/api/v1/calls", {"limit": PAGE, "cursor": cursor},
                   lambda: list_calls(sessions, scope, CallQuery(), PAGE, cursor))

    def detail(rng: random.Random) -> Ask:
        call_id = rng.choice(ids)
        return Ask(f"/api/v1/calls/{call_id}", {},
                   lambda: _found(call_with_verdicts(sessions, person, call_id)))

    def queue(rng: random.Random) -> Ask:
        return Ask("/api/v1/review-queue", {"limit": PAGE},
                   lambda: queue_in_scope(sessions, scope, PAGE + 1, 0))

    return {"list": plain, "list agent_id=": by_agent, "list call_type=": by_type,
            "list page 2-11": later_page, "detail": detail, "queue": queue}


def _found(value: object) -> object:
    if value is None:
        raise AssertionError("a call with a transcript in scope was not found")
    return value


# --- timing ------------------------------------------------------------------------------------

@dataclass
class Timing:
    latencies: list[float] = field(default_factory=list)
    """Seconds from when each request was due to its answer."""
    errors: int = 0
    """Requests answered with an error, or not answered DRAIN_SECONDS after the last was
    due (`dropped`, counted here too)."""
    dropped: int = 0
    requests: int = 0
    seconds: float = 0.0
    cpu_ms: float = float("nan")
    """CPU per request: the server process's (HTTP), or the benchmark's own (in-process)."""

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def in_process(route: Route, seconds: float) -> Timing:
    rng = random.Random(3)
    for _ in range(WARM_UP):
        route(rng).call()
    timing = Timing()
    began, cpu = time.perf_counter(), time.process_time()
    while timing.requests < IN_PROCESS_REQUESTS and time.perf_counter() - began < seconds:
        ask = route(rng)
        t = time.perf_counter()
        ask.call()
        timing.latencies.append(time.perf_counter() - t)
        timing.requests += 1
    timing.seconds = time.perf_counter() - began
    timing.cpu_ms = (time.process_time() - cpu) * 1000 / max(1, timing.requests)
    return timing


async def over_http(client: httpx.AsyncClient, token: str, route: Route, rate: float,
                    seconds: float, concurrency: int) -> Timing:
    """Open loop: request i is due at start + i / rate whatever happened to the others; at
    most `concurrency` are in flight (the rest wait, and their wait counts)."""
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(5)
    timing = Timing()
    gate = asyncio.Semaphore(concurrency)
    done_at: list[float] = []

    async def one(due: float, ask: Ask) -> None:
        async with gate:
            try:
                answer = await client.get(ask.path, params=ask.params, headers=headers)
                ok = answer.status_code == 200
            except httpx.HTTPError:
                ok = False
        finished = time.perf_counter()
        done_at.append(finished)
        if ok:
            timing.latencies.append(finished - due)
        else:
            timing.errors += 1

    total = int(rate * seconds)
    start = time.perf_counter() + 0.05
    tasks = []
    for i in range(total):
        due = start + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(one(due, route(rng))))
    timing.requests = total
    _, pending = await asyncio.wait(tasks, timeout=DRAIN_SECONDS)
    for task in pending:  # still waiting after the drain: counted as errors
        task.cancel()
    timing.errors += len(pending)
    timing.dropped = len(pending)
    timing.seconds = (max(done_at) if done_at else time.perf_counter()) - start
    return timing


# --- the server ---------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds so far of a process and its live children (the workers of
    `callqa serve --workers N`; Linux /proc; 0 when gone)."""
    total = 0.0
    for one in (pid, *_children(pid)):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, port: int, data_dir: Path, log: Path, workers: int = 1
                 ) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CALLQA_DATA_DIR": str(data_dir), "CALLQA_API__TOKEN_MINUTES": "240",
           "CALLQA_API__PROCESS_UPLOADS": "queue"}
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "callqa", "serve", "--database", url, "--port", str(port),
             "--workers", str(workers)],
            stdout=sink, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the server did not answer /healthz in 120 s:\n{log.read_text()}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def sign_in(base: str, username: str) -> str:
    answer = httpx.post(f"{base}/api/v1/auth/token",
                        data={"username": username, "password": PASSWORD}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


async def load_all(base: str, tokens: dict[str, str], table: dict[str, dict[str, Route]],
                   args: argparse.Namespace, server_pid: int
                   ) -> dict[tuple[str, str], Timing]:
    """Each route and role in turn, on a fresh connection pool, once the server is idle
    (a backlog left by the previous row would be charged to this one)."""
    limits = httpx.Limits(max_connections=args.concurrency,
                          max_keepalive_connections=args.concurrency)
    results = {}
    for role in ROLES:
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        for name, route in table[role].items():
            async with httpx.AsyncClient(base_url=base, limits=limits,
                                         timeout=REQUEST_TIMEOUT) as client:
                await settle(client)
                rng = random.Random(4)
                for _ in range(WARM_UP):
                    ask = route(rng)
                    with contextlib.suppress(httpx.HTTPError):
                        await client.get(ask.path, params=ask.params, headers=headers)
                server_cpu = cpu_seconds(server_pid)
                timing = await over_http(client, tokens[role], route, args.rate,
                                         args.seconds, args.concurrency)
                await settle(client)
            served = max(1, timing.requests - timing.dropped)
            timing.cpu_ms = (cpu_seconds(server_pid) - server_cpu) * 1000 / served
            results[(name, role)] = timing
            print(f"  http {name:<16} {role:<12} p95 {timing.percentile(95):8.1f} ms, "
                  f"{timing.rate:5.1f} req/s, server cpu {timing.cpu_ms:5.1f} ms/req",
                  flush=True)
    return results


async def settle(client: httpx.AsyncClient) -> None:
    """Wait (at most SETTLE_SECONDS) until the server answers /healthz within 100 ms."""
    deadline = time.perf_counter() + SETTLE_SECONDS
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        try:
            await client.get("/healthz")
            if time.perf_counter() - began < 0.1:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.5)


# --- main -------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--reuse", action="store_true",
                        help="Use the store already in --database (no new load).")
    parser.add_argument("--rate", type=float, default=100.0, help="Requests per second.")
    parser.add_argument("--seconds", type=float, default=20.0, help="Per route and role.")
    parser.add_argument("--concurrency", type=int, default=8, help="Requests in flight.")
    parser.add_argument("--workers", type=int, default=1, help="`callqa serve --workers`.")
    parser.add_argument("--routes", default=None,
                        help="Only these routes, comma-separated (e.g. 'detail,queue').")
    parser.add_argument("--queue-size", type=int, default=20_000,
                        help="review.queue_size of the analysis (--reuse: as stored).")
    args = parser.parse_args()
    if args.rate <= 0 or args.seconds <= 0 or args.concurrency < 1:
        raise SystemExit("--rate and --seconds must be positive, --concurrency at least 1")
    ensure_database(args.database, fresh=not args.reuse)
    import multiprocessing

    began = time.perf_counter()
    child = multiprocessing.get_context("spawn").Process(
        target=build, args=(args.database, args.calls, args.queue_size))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit("building the store failed")
    if not args.reuse:
        print(f"store built in {time.perf_counter() - began:.0f} s", flush=True)

    from callqa.services.store import sessions_for

    sessions = sessions_for(args.database, "write")
    fixtures = read_fixtures(sessions)
    table = {role: routes(sessions, fixtures, role) for role in ROLES}
    if args.routes:
        wanted = {name.strip() for name in args.routes.split(",")}
        table = {role: {name: route for name, route in chosen.items() if name in wanted}
                 for role, chosen in table.items()}
    print(f"store: {fixtures.summary} ({make_url(args.database).render_as_string()})")

    before_load = os.getloadavg()[0]
    baseline: dict[tuple[str, str], Timing] = {}
    for role in ROLES:
        for name, route in table[role].items():
            baseline[(name, role)] = in_process(route, args.seconds)

    with tempfile.TemporaryDirectory(prefix="callqa-bench-api-") as folder:
        port = free_port()
        server = start_server(args.database, port, Path(folder) / "data",
                              Path(folder) / "server.log", args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            tokens = {role: sign_in(base, USERS[role]) for role in ROLES}
            http = asyncio.run(load_all(base, tokens, table, args, server.pid))
        finally:
            stop_server(server)
    report(args, baseline, http, (before_load, os.getloadavg()[0]))


def report(args: argparse.Namespace, baseline: dict[tuple[str, str], Timing],
           http: dict[tuple[str, str], Timing], load: tuple[float, float]) -> None:
    print(f"\nHTTP: open loop at {args.rate:g} requests/s for {args.seconds:g} s per row, at "
          f"most {args.concurrency} in flight, loopback, `callqa serve --workers "
          f"{args.workers}`; "
          f"latency from when each request was due; cpu: the server process's CPU per "
          f"request (its PostgreSQL backends' not counted). In-process: the same service calls one "
          f"after another (at most {IN_PROCESS_REQUESTS} or {args.seconds:g} s), no HTTP; "
          f"cpu: the calling process's. Machine: {os.cpu_count()} CPUs, load average "
          f"{load[0]:.1f} before the runs, {load[1]:.1f} after.")
    header = (f"{'route':<16} {'role':<12} {'sent':>5} {'err':>4} {'req/s':>6} "
              f"{'p50':>6} {'p95':>6} {'p99':>6} {'cpu':>5} | "
              f"{'in-proc p50':>11} {'p95':>6} {'p99':>6} {'cpu':>5} | {'p95 ratio':>9}")
    print(header)
    print("-" * len(header))
    failing = []
    for (name, role), timing in http.items():
        inner = baseline[(name, role)]
        ratio = timing.percentile(95) / inner.percentile(95)
        print(f"{name:<16} {role:<12} {timing.requests:>5} {timing.errors:>4} "
              f"{timing.rate:>6.1f} {timing.percentile(50):>6.1f} {timing.percentile(95):>6.1f} "
              f"{timing.percentile(99):>6.1f} {timing.cpu_ms:>5.1f} | "
              f"{inner.percentile(50):>11.1f} {inner.percentile(95):>6.1f} "
              f"{inner.percentile(99):>6.1f} {inner.cpu_ms:>5.1f} | {ratio:>8.1f}x")
        if name in GOAL_ROUTES and not (
                timing.percentile(95) <= GOAL_MS and timing.errors == 0
                and timing.rate >= 0.95 * args.rate):
            failing.append(f"{name} as {role}")
    print("(milliseconds)")
    for name in GOAL_ROUTES:
        bound = {role: 1000 / http[(name, role)].cpu_ms for role in ROLES
                 if (name, role) in http and http[(name, role)].cpu_ms > 0}
        if not bound:
            continue
        print(f"{name}: the server's CPU per request allows at most "
              + ", ".join(f"{rate:.0f} req/s as {role}" for role, rate in bound.items())
              + " on one free core (one process)")
    measured = any(name in GOAL_ROUTES for name, _ in http)
    verdict = ("not measured (--routes left them out)" if not measured
               else "met" if not failing else "NOT met: " + ", ".join(failing))
    print(f"goal (detail and queue p95 <= {GOAL_MS:g} ms at {args.rate:g} requests/s, no "
          f"errors): {verdict}  [{date.today().isoformat()}]")
    if args.rate < 100:
        print("note: the goal is stated at 100 requests/s; this run used fewer")


if __name__ == "__main__":
    main()
