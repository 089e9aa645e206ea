"""What every flow and task shares: settings, the task runner, the retry policy and progress
reporting. (Each process opens the store once: `callqa.services.store.sessions_for`.)"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect.client.schemas.objects import State, TaskRun
from prefect.settings import PREFECT_API_URL
from prefect.states import get_state_exception
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from callqa.configs.settings import FlowSettings, Settings, load_settings
from callqa.domain.progress import Progress
from callqa.services.errors import is_transient


class _ThreadTimeoutNotice(logging.Filter):
    """Drops Prefect's per-task notice that a timeout cannot interrupt a task running in a
    worker thread: known and accepted here (the timeout still fails the task when the blocking
    call returns; on Dask each task runs in a worker process)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "running in a worker thread" not in record.getMessage()


logging.getLogger("prefect.task_runs").addFilter(_ThreadTimeoutNotice())

_progress_hooks: list[Progress] = []
"""Listeners in the flow's own process (the CLI's progress bar)."""


def flow_settings(database_url: str | None) -> Settings:
    """The settings (configs/settings.yaml, CALLQA_* environment), with the flow's URL."""
    settings = load_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings


def task_runner_for(flows: FlowSettings) -> TaskRunner[Any]:
    """Processes or threads on this machine, or Dask: a scheduler's address or a local
    cluster."""
    if flows.task_runner == "dask":
        from prefect_dask.task_runners import DaskTaskRunner

        keep_blas_threads()

        if flows.dask_address:
            return DaskTaskRunner(address=flows.dask_address)
        return DaskTaskRunner(cluster_kwargs={
            "n_workers": flows.dask_workers, "threads_per_worker": 1, "processes": True,
            "dashboard_address": None})
    if flows.task_runner == "processes":
        return ProcessPoolTaskRunner(max_workers=flows.workers)
    return ThreadPoolTaskRunner(max_workers=flows.workers)


@contextmanager
def shared_api() -> Iterator[None]:
    """Task processes report to this process's Prefect API.

    With no PREFECT_API_URL (the local mode) Prefect starts a temporary server for this
    process, and each process of a process pool, which inherits no address, would start one
    of its own: seconds per process, and several servers on one database file. While this
    is open, the pool is given this process's server (taken from its client, so a server
    named in the settings stays as it is)."""
    if os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value():
        yield
        return
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        os.environ["PREFECT_API_URL"] = str(client.api_url)
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def keep_blas_threads() -> None:
    """Local Dask workers keep this process's BLAS thread settings (their nanny would set
    OMP_NUM_THREADS and the like to 1). numpy's BLAS sums Whisper's log-mel product in an
    order that depends on its thread count, which changes words at the margin: workers with
    this process's setting give the transcripts this process would. (Workers of a remote
    cluster need the same setting as the machines they are compared with.)"""
    import dask

    spawn_env = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        spawn_env.pop(name, None)
    dask.config.set({"distributed.nanny.pre-spawn-environ": spawn_env})


def retry_if_transient(task: Any, task_run: TaskRun, state: State[Any]) -> bool:
    """Retry only what may pass next time (callqa.domain.errors.is_transient)."""
    exc = _exception(state)
    return exc is not None and is_transient(exc)


def failure_reason(state: State[Any], what: str) -> str:
    exc = _exception(state)
    if exc is None:
        return f"{what} did not finish ({state.name})"
    return f"{what} failed: {type(exc).__name__}: {exc}"


def _exception(state: State[Any]) -> BaseException | None:
    try:
        exc = get_state_exception(state)
    except (TypeError, ValueError):
        return None
    return exc if isinstance(exc, BaseException) else None


def add_progress_hook(hook: Progress) -> None:
    _progress_hooks.append(hook)


def remove_progress_hook(hook: Progress) -> None:
    _progress_hooks.remove(hook)


def report_progress(step: str, done: float, total: float) -> None:
    for hook in list(_progress_hooks):
        hook(step, done, total)
