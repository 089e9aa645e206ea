"""Claims and stage markers in bulk: which worker processes which call, what is already done.

A worker claims pending calls in one statement (`status` pending → processing, with its
`host:pid:run` and the time), so that two workers never take the same call. A worker that
dies leaves its calls in `processing`: `requeue_abandoned` gives them back, at once when the
worker ran on this machine and its process is gone, after `claim_timeout` otherwise.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from callqa.domain.queries import CallFilter
from callqa.models._sql import LOOKUP_CHUNK
from callqa.models.base import utc_now
from callqa.models.tables import Agent, Call, Team, TranscriptRow
from callqa.support.batching import chunks

T = TypeVar("T")
"""Values per `IN (...)`: under SQLite's old limit of 999 bound parameters."""


def worker_id() -> str:
    """This process's claim signature: `host:pid:started:run`. The process's start time
    tells a live worker from a new process that got a dead one's pid (a restarted container
    keeps its host name and counts pids from 1 again)."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_started(pid) or 0}:{uuid.uuid4().hex[:8]}"


def requeue_abandoned(session: Session, claim_timeout: timedelta,
                      now: datetime | None = None) -> list[str]:
    """Put back to `pending` the calls whose worker is gone; their call ids."""
    now = now or utc_now()
    host = socket.gethostname()
    rows = session.execute(select(Call.id, Call.call_id, Call.claimed_by, Call.claimed_at)
                           .where(Call.status == "processing")).all()
    abandoned = [(pk, call_id) for pk, call_id, claimed_by, claimed_at in rows
                 if _is_abandoned(claimed_by, claimed_at, host, now - claim_timeout)]
    for chunk in chunks([pk for pk, _ in abandoned], LOOKUP_CHUNK):
        session.execute(update(Call).where(Call.id.in_(chunk), Call.status == "processing")
                        .values(status="pending", claimed_by=None, claimed_at=None))
    return [call_id for _, call_id in abandoned]


def _is_abandoned(claimed_by: str | None, claimed_at: datetime | None, host: str,
                  deadline: datetime) -> bool:
    if claimed_by is None or claimed_at is None:
        return True  # claimed by a worker that predates claims: nobody owns it
    owner_host, pid, started, *_ = [*claimed_by.split(":"), "", "", ""]
    if owner_host == host and pid.isdigit():
        if not _process_alive(int(pid)):
            return True
        now_started = _process_started(int(pid))
        return bool(started.isdigit() and int(started) and now_started
                    and now_started != int(started))
    return claimed_at < deadline


def _process_started(pid: int) -> int | None:
    """When the process started, in clock ticks since boot (Linux's /proc); None elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count after its last ')'.
    return int(stat.rpartition(")")[2].split()[19])


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def claim_pending(session: Session, worker: str, limit: int | None) -> int:
    """Claim up to `limit` pending calls (oldest first) for `worker`; how many it got.

    On PostgreSQL the ids are picked first with FOR UPDATE SKIP LOCKED (rows another worker
    is claiming are passed over, not waited for), then updated only while still pending
    (an UPDATE ... IN (SELECT ... LIMIT ... SKIP LOCKED) in one statement claimed them all:
    the planner may run the subquery more than once). Two workers never hold the same call.
    """
    pending = select(Call.id).where(Call.status == "pending").order_by(Call.id)
    if limit is not None:
        pending = pending.limit(limit)
    values = {"status": "processing", "claimed_by": worker, "claimed_at": utc_now(),
              "attempts": Call.attempts + 1, "failure_reason": None}
    if session.get_bind().dialect.name != "postgresql":
        # SQLite: one statement, so that the pick and the update are one write (a pick in a
        # read transaction of its own could not be upgraded after another writer's commit).
        result = session.execute(
            update(Call).where(Call.id.in_(pending.scalar_subquery()))
            .values(values).execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)
    picked = list(session.scalars(pending.with_for_update(skip_locked=True)))
    claimed = 0
    for chunk in chunks(picked, LOOKUP_CHUNK):
        result = session.execute(
            update(Call).where(Call.id.in_(chunk), Call.status == "pending")
            .values(values).execution_options(synchronize_session=False))
        claimed += int(getattr(result, "rowcount", 0) or 0)
    return claimed


def calls_by_id(session: Session, call_ids: Sequence[str]) -> dict[str, Call]:
    """The stored calls of these call ids (missing ones absent)."""
    found: dict[str, Call] = {}
    for chunk in chunks(list(call_ids), LOOKUP_CHUNK):
        found.update((c.call_id, c) for c in session.scalars(
            select(Call).where(Call.call_id.in_(chunk))))
    return found


def claimed_calls(session: Session, worker: str) -> list[Call]:
    """The calls `worker` holds in `processing`, oldest first."""
    return list(session.scalars(select(Call).where(Call.claimed_by == worker,
                                                   Call.status == "processing")
                                .order_by(Call.id)))


def with_transcript(session: Session, call_pks: Iterable[int]) -> set[int]:
    """Which of these calls have a stored transcript."""
    found: set[int] = set()
    for chunk in chunks(list(call_pks), LOOKUP_CHUNK):
        found.update(session.scalars(select(TranscriptRow.call_pk)
                                     .where(TranscriptRow.call_pk.in_(chunk))))
    return found


def requeue(session: Session, call_pks: Sequence[int]) -> None:
    """Put finished (or failed) calls back to `pending`: a reprocess."""
    for chunk in chunks(list(call_pks), LOOKUP_CHUNK):
        session.execute(update(Call).where(
            Call.id.in_(chunk), or_(Call.status == "processed", Call.status == "failed"))
            .values(status="pending", claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False))




def stage_candidates(session: Session, filters: CallFilter, statuses: Sequence[str]
                     ) -> list[tuple[int, str, str, str | None, str]]:
    """(pk, content sha256, source, call type, status) of the calls in `statuses` that
    `filters` selects, by pk."""
    stmt = (select(Call.id, Call.content_sha256, Call.source, Call.call_type, Call.status)
            .where(Call.status.in_(statuses)).order_by(Call.id))
    if filters.start is not None:
        stmt = stmt.where(Call.started_at >= datetime.combine(filters.start, time.min, UTC))
    if filters.end is not None:
        stmt = stmt.where(Call.started_at <= datetime.combine(filters.end, time.max, UTC))
    if filters.call_type is not None:
        stmt = stmt.where(Call.call_type == filters.call_type)
    if filters.agent_id is not None:
        stmt = stmt.join(Agent, Agent.id == Call.agent_pk).where(
            Agent.agent_id == filters.agent_id)
    if filters.team_id is not None:
        stmt = stmt.join(Team, Team.id == Call.team_pk).where(Team.team_id == filters.team_id)
    return [(pk, sha, source, call_type, status)
            for pk, sha, source, call_type, status in session.execute(stmt)]
