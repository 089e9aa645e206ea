"""Which stages finished on which content (`stage_runs`): the markers that let a re-run skip
finished work. A marker is (content sha256, stage, stage version, options hash) with a status;
the keys themselves are built in `callqa.services.stages`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from callqa.domain.errors import StoreError
from callqa.models._sql import LOOKUP_CHUNK, insert_for
from callqa.models.base import table_of, utc_now
from callqa.models.tables import STAGE_STATUSES, StageRun
from callqa.support.batching import chunks


def record_stage(
    session: Session, content_sha256: str, stage: str, stage_version: str, options_hash: str,
    status: str, error: str | None = None,
) -> None:
    """Mark a stage `running`, `done` or `failed` on a content under a version and options.

    `done` also forgets the stage's runs under other versions or options: the stored result
    (one transcript, one score per scorecard) is now this run's, so an older key must not
    count as done if the settings go back to it.
    """
    if status not in STAGE_STATUSES:
        raise StoreError(f"stage status {status!r} is not one of {', '.join(STAGE_STATUSES)}",
                         "record 'running' when a stage starts, then 'done' or 'failed'")
    table = table_of(StageRun)
    now = utc_now()
    running = status == "running"
    stmt = insert_for(session, table).values(
        content_sha256=content_sha256, stage=stage, stage_version=stage_version,
        options_hash=options_hash, status=status, attempts=1 if running else 0,
        started_at=now, finished_at=None if running else now, error=error)
    values: dict[str, Any] = {"status": status, "error": error,
                              "finished_at": None if running else now}
    if running:
        values |= {"started_at": now, "attempts": table.c.attempts + 1}
    if status == "done":
        _forget_other_runs(session, [content_sha256], stage, stage_version, options_hash)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["content_sha256", "stage", "stage_version", "options_hash"],
        set_=values))


def record_stages(session: Session, done: Sequence[tuple[str, str, str, str]]) -> None:
    """Mark many stages `done` at once: (content sha256, stage, stage version, options hash)."""
    if not done:
        return
    by_key: dict[tuple[str, str, str], list[str]] = {}
    for sha, stage, version, options in done:
        by_key.setdefault((stage, version, options), []).append(sha)
    for (stage, version, options), shas in by_key.items():
        _forget_other_runs(session, shas, stage, version, options)
    table = table_of(StageRun)
    now = utc_now()
    stmt = insert_for(session, table)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["content_sha256", "stage", "stage_version", "options_hash"],
        set_={"status": stmt.excluded.status, "error": None,
              "finished_at": stmt.excluded.finished_at}),
        [{"content_sha256": sha, "stage": stage, "stage_version": version,
          "options_hash": options, "status": "done", "attempts": 1, "started_at": now,
          "finished_at": now, "error": None} for sha, stage, version, options in done])


def _forget_other_runs(session: Session, shas: Sequence[str], stage: str, version: str,
                       options: str) -> None:
    for chunk in chunks(shas, LOOKUP_CHUNK):
        session.execute(delete(StageRun).where(
            StageRun.content_sha256.in_(chunk), StageRun.stage == stage,
            ~and_(StageRun.stage_version == version, StageRun.options_hash == options)))


def stage_done(
    session: Session, content_sha256: str, stage: str, stage_version: str, options_hash: str,
) -> bool:
    """Whether this stage already finished on this content with this version and options."""
    found = session.scalar(select(StageRun.id).where(
        StageRun.content_sha256 == content_sha256, StageRun.stage == stage,
        StageRun.stage_version == stage_version, StageRun.options_hash == options_hash,
        StageRun.status == "done"))
    return found is not None


def done_contents(session: Session, shas: Iterable[str], stage: str, version: str,
                  options_hash: str) -> set[str]:
    """Which of these contents finished `stage` under this version and options."""
    done: set[str] = set()
    for chunk in chunks(list(shas), LOOKUP_CHUNK):
        done.update(session.scalars(select(StageRun.content_sha256).where(
            StageRun.content_sha256.in_(chunk), StageRun.stage == stage,
            StageRun.stage_version == version, StageRun.options_hash == options_hash,
            StageRun.status == "done")))
    return done


def done_keys(session: Session, shas: Iterable[str], stage: str, version: str
              ) -> set[tuple[str, str]]:
    """(content sha256, options hash) of every finished run of `stage` on these contents."""
    found: set[tuple[str, str]] = set()
    for chunk in chunks(list(shas), LOOKUP_CHUNK):
        found.update((sha, options) for sha, options in session.execute(
            select(StageRun.content_sha256, StageRun.options_hash).where(
                StageRun.content_sha256.in_(chunk), StageRun.stage == stage,
                StageRun.stage_version == version, StageRun.status == "done")))
    return found
