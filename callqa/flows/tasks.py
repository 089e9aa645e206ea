"""The tasks: each is one library call plus its policy (retries for transient errors only,
a timeout, the GPU tag). Settings travel with the call, so a Dask worker in another process
(or on another machine) runs with the flow's settings; each process opens its own engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import ParamSpec, TypeVar

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain.queries import CallFilter
from callqa.flows.runtime import retry_if_transient
from callqa.services import analysis
from callqa.services import processing as jobs
from callqa.services.erasure import PurgeReport, purge_expired
from callqa.services.ingest import IngestReport, ingest
from callqa.services.reprocessing import ReprocessPlan, queue_reprocess
from callqa.services.store import sessions_for

P = ParamSpec("P")
R = TypeVar("R")


def _task(name: str) -> Callable[[Callable[P, R]], Task[P, R]]:
    """A task retried only on transient errors (retries and timeouts are set by the flow).

    NO_CACHE: completed work is keyed in callqa's own store (stage_runs), not in Prefect's
    cache; nothing about a call (and no transcript) is persisted in Prefect's results.
    """
    return task(name=name, cache_policy=NO_CACHE, retry_condition_fn=retry_if_transient,
                persist_result=False)


def _store(settings: Settings) -> sessionmaker[Session]:
    """The flow's store, which must exist already (only ingest creates one)."""
    return sessions_for(settings.database_url, "write")


@_task("ingest")
def ingest_task(settings: Settings, source: str) -> IngestReport:
    def session() -> Session:  # the store is opened (and created) at the first call stored
        return sessions_for(settings.database_url, "create")()

    return ingest(session, source, redaction=settings.redaction, metrics=settings.metrics)


@_task("claim-calls")
def claim_task(settings: Settings, worker: str, limit: int | None) -> tuple[int, list[str]]:
    return jobs.claim_calls(_store(settings), settings, worker, limit)


@_task("plan-batch")
def plan_task(settings: Settings, worker: str, requeued: list[str]) -> jobs.Batch:
    return jobs.claimed_batch(_store(settings), settings, worker, requeued)


@_task("transcribe")
def transcribe_task(settings: Settings, call_id: str, worker: str
                    ) -> tuple[jobs.Outcome, str | None]:
    return jobs.transcribe_stage(_store(settings), call_id, settings, worker)


@_task("score")
def score_task(settings: Settings, call_ids: Sequence[str], worker: str
               ) -> dict[str, tuple[jobs.Outcome, str | None]]:
    return jobs.score_stage(_store(settings), call_ids, settings, worker)


@_task("queue-reprocess")
def queue_reprocess_task(settings: Settings, filters: CallFilter, retry_failed: bool
                         ) -> ReprocessPlan:
    return queue_reprocess(_store(settings), settings, filters,
                           retry_failed)


@_task("analyse-period")
def analyse_task(settings: Settings, start: date | None, end: date | None) -> analysis.Analysis:
    return analysis.analyse_period(_store(settings), settings, start, end)


@_task("purge-expired")
def purge_task(settings: Settings, dry_run: bool) -> PurgeReport:
    return purge_expired(_store(settings), settings, dry_run=dry_run)
