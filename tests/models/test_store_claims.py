"""Claims, requeues, the stage keys and reprocess selection, on SQLite and PostgreSQL (no
model: calls carry stored transcripts, as for calls transcribed elsewhere)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain.queries import CallFilter
from callqa.models import store
from callqa.models import store_claims as claims
from callqa.models.tables import Call, StageRun
from callqa.services import processing as jobs
from callqa.services.reprocessing import queue_reprocess
from tests.factories import billing_call, metadata, sha
from tests.helpers.paths import BUNDLED_SCORECARDS

HOUR = timedelta(hours=1)


def _imported_calls(sessions: sessionmaker[Session], count: int, **fields: object) -> None:
    """`count` calls with stored transcripts (source=transcript), pending."""
    with sessions.begin() as session:
        for n in range(count):
            agent = f"a0{n % 3 + 1}"
            meta = metadata(f"c{n:03d}", agent_id=agent, team_id="t1" if n % 3 else "t2",
                            customer_id=f"cust{n}", call_type="billing" if n % 2 else "sales",
                            started_at=datetime(2026, 11, 1 + n % 20, 10, tzinfo=UTC),
                            **fields)
            call, _ = store.upsert_call(session, meta, content_sha256=sha(n + 1),
                                        recording_uri=f"file:///t/c{n:03d}.json",
                                        source="transcript")
            store.save_transcript(session, call, billing_call(f"c{n:03d}", meta))


def _status(sessions: sessionmaker[Session]) -> dict[str, str]:
    with sessions() as session:
        return {c: s for c, s in session.execute(select(Call.call_id, Call.status))}


def test_concurrent_claims_never_share_a_call(sessions: sessionmaker[Session]) -> None:
    _imported_calls(sessions, 40)
    got: dict[str, int] = {}

    def claim(worker: str) -> None:
        with sessions.begin() as session:
            got[worker] = claims.claim_pending(session, worker, 15)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if sessions.kw["bind"].dialect.name == "postgresql":  # SKIP LOCKED: nobody waits
        assert sorted(got.values()) == [0, 10, 15, 15]
    claim("last")  # SQLite: a claim that lost a race got fewer; the rest is still pending
    with sessions() as session:
        owners = {c: w for c, w in session.execute(select(Call.call_id, Call.claimed_by))}
    assert sum(got.values()) == 40 and None not in owners.values()
    for worker, count in got.items():
        assert sum(1 for owner in owners.values() if owner == worker) == count


def test_calls_of_dead_workers_are_requeued_and_live_ones_kept(
        sessions: sessionmaker[Session]) -> None:
    _imported_calls(sessions, 5)
    host = socket.gethostname()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    now = datetime.now(UTC)
    owners = {
        "c000": (claims.worker_id(), now),  # this live process
        "c001": (f"{host}:{dead.stdout.strip()}:1:x", now),  # a process that has exited
        "c002": (f"{host}:{os.getpid()}:1:x", now),  # this pid, another start: pid reused
        "c003": ("elsewhere:42:7:x", now - 7 * HOUR),  # another machine, past the timeout
        "c004": ("elsewhere:42:7:x", now - HOUR / 2),  # another machine, still in time
    }
    with sessions.begin() as session:
        for call_id, (owner, at) in owners.items():
            session.execute(update(Call).where(Call.call_id == call_id).values(
                status="processing", claimed_by=owner, claimed_at=at))
    with sessions.begin() as session:
        requeued = claims.requeue_abandoned(session, 6 * HOUR)
    assert sorted(requeued) == ["c001", "c002", "c003"]
    assert _status(sessions) == {"c000": "processing", "c001": "pending", "c002": "pending",
                                 "c003": "pending", "c004": "processing"}


def test_scoring_stage_is_keyed_and_a_bad_call_fails_alone(
        sessions: sessionmaker[Session]) -> None:
    _imported_calls(sessions, 6)
    with sessions.begin() as session:  # broken metadata in one stored call
        session.execute(update(Call).where(Call.call_id == "c002")
                        .values(call_metadata={"call_id": "c002", "started_at": "yesterday"}))
    settings = Settings()
    batch = jobs.claim_batch(sessions, settings)
    assert batch.transcribe == [] and len(batch.score) == 6  # transcripts are stored

    outcomes = jobs.score_stage(sessions, batch.score, settings, batch.worker)

    assert outcomes["c002"][0] == "failed" and "started_at" in str(outcomes["c002"][1])
    assert {c: o for c, (o, _) in outcomes.items() if c != "c002"} == dict.fromkeys(
        ["c000", "c001", "c003", "c004", "c005"], "done")
    status = _status(sessions)
    assert status.pop("c002") == "failed" and set(status.values()) == {"processed"}
    with sessions() as session:
        assert session.scalar(select(Call.failure_reason).where(Call.call_id == "c002"))
        done = session.scalars(select(StageRun.content_sha256).where(
            StageRun.stage == "score", StageRun.status == "done")).all()
    assert len(done) == 5
    # The same keys again: nothing to redo.
    assert queue_reprocess(sessions, settings).queued == 0


def test_reprocess_selects_by_date_agent_team_and_call_type(
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    _imported_calls(sessions, 30)
    settings = Settings()
    report = jobs.process_calls(sessions, settings)
    assert len(report.processed) == 30 and report.transcribed == []
    # A scorecard edit (a copy of the bundled ones with one version changed).
    cards = tmp_path / "cards"
    cards.mkdir()
    for card in BUNDLED_SCORECARDS.glob("*.yaml"):
        text = card.read_text()
        if card.name == "billing.yaml":
            text = text.replace("\nversion:", "\nversion: '9'\nold_version:", 1)
            text = "\n".join(line for line in text.splitlines()
                             if not line.startswith("old_version:"))
        (cards / card.name).write_text(text)
    changed = settings.model_copy(update={"scorecards_dir": cards})

    def plan(**filters: object) -> tuple[int, int, int]:
        result = queue_reprocess(sessions, changed, CallFilter(**filters))  # type: ignore[arg-type]
        with sessions.begin() as session:  # undo the queueing for the next question
            session.execute(update(Call).where(Call.status == "pending")
                            .values(status="processed"))
        return result.matched, result.rescore, result.retranscribe

    billing = {n for n in range(30) if n % 2}
    assert plan() == (30, len(billing), 0)  # only billing calls use the edited scorecard
    assert plan(call_type="sales") == (15, 0, 0)
    assert plan(agent_id="a02") == (10, len({n for n in billing if n % 3 == 1}), 0)
    assert plan(team_id="t2") == (10, len({n for n in billing if n % 3 == 0}), 0)
    in_range = {n for n in range(30) if 1 + n % 20 in range(5, 11)}
    assert plan(start=date(2026, 11, 5), end=date(2026, 11, 10)) == (
        len(in_range), len(in_range & billing), 0)

    queued = queue_reprocess(sessions, changed, CallFilter(agent_id="a02"))
    again = jobs.process_calls(sessions, changed)
    assert sorted(again.scored) == sorted(again.processed)
    assert len(again.scored) == queued.rescore and again.transcribed == []
    assert queue_reprocess(sessions, changed, CallFilter(agent_id="a02")).queued == 0


def test_a_newer_result_makes_the_older_keys_not_done(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        store.record_stage(session, sha(1), "score", "1", "old", "done")
        store.record_stage(session, sha(2), "score", "1", "old", "done")
        store.record_stages(session, [(sha(1), "score", "1", "new")])
        assert store.stage_done(session, sha(1), "score", "1", "new")
        assert not store.stage_done(session, sha(1), "score", "1", "old")  # superseded
        assert store.stage_done(session, sha(2), "score", "1", "old")  # another content
        store.record_stage(session, sha(1), "score", "1", "old", "running")
        assert store.stage_done(session, sha(1), "score", "1", "new")  # until it finishes
        store.record_stage(session, sha(1), "score", "1", "old", "done")
        assert not store.stage_done(session, sha(1), "score", "1", "new")
