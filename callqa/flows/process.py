"""`process_calls`: every pending call transcribed (when its transcript is missing or out of
date) and scored, resumably.

The flow claims the calls for this run (after requeueing those a dead worker left), then a
subflow runs the work on the task runner the settings choose (`flows.task_runner`: threads
here, or Dask): one `transcribe` task per call, tagged `callqa-gpu` so that a Prefect
concurrency limit on that tag caps transcriptions per GPU, each followed by its `score`
task; calls that need only scoring go in chunks. A killed run leaves its calls claimed by a
process that is gone: the next run requeues them, and finished stages are skipped.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture, as_completed

from callqa.configs.settings import Settings
from callqa.flows.runtime import (
    failure_reason,
    flow_settings,
    report_progress,
    shared_api,
    task_runner_for,
)
from callqa.flows.tasks import claim_task, plan_task, score_task, transcribe_task
from callqa.models.store_claims import worker_id
from callqa.services import processing as jobs
from callqa.services.store import sessions_for


@flow(name="process-calls", log_prints=False)
def process_calls(database_url: str | None = None, limit: int | None = None
                  ) -> jobs.ProcessReport:
    """Process up to `limit` pending calls (all of them by default)."""
    settings = flow_settings(database_url)
    worker = worker_id()
    claimed, requeued = claim_task(settings, worker, limit)
    logger = get_run_logger()
    logger.info("claimed %d call(s) as %s; %d requeued from dead workers", claimed, worker,
                len(requeued))
    if not claimed:
        return jobs.ProcessReport(requeued=requeued)
    batch_flow = process_batch.with_options(task_runner=task_runner_for(settings.flows))
    with shared_api():
        return batch_flow(database_url=database_url, worker=worker, requeued=requeued)


@flow(name="process-batch", log_prints=False)
def process_batch(worker: str, database_url: str | None = None,
                  requeued: list[str] | None = None) -> jobs.ProcessReport:
    """The calls `worker` claimed: transcription tasks, then scoring."""
    settings = flow_settings(database_url)
    batch = plan_task(settings, worker, requeued or [])
    logger = get_run_logger()
    logger.info("%d call(s) to transcribe, %d to score from stored transcripts",
                len(batch.transcribe), len(batch.score))
    flows = settings.flows
    policy: dict[str, Any] = {"retries": flows.retries,
                              "retry_delay_seconds": flows.retry_delay_seconds}
    transcribe = transcribe_task.with_options(
        tags={flows.gpu_tag}, timeout_seconds=flows.transcription_timeout_seconds, **policy)
    score = score_task.with_options(timeout_seconds=flows.scoring_timeout_seconds, **policy)

    report = jobs.ProcessReport(requeued=batch.requeued)
    steps = jobs.work_plan(batch, flows.score_chunk_size)
    futures: list[PrefectFuture[Any]] = []
    pending: dict[PrefectFuture[Any], jobs.Step] = {}
    for step in steps:
        future: PrefectFuture[Any]
        if step.kind == "transcribe":
            future = transcribe.submit(settings, step.call_ids[0], worker)
        else:
            waits = [futures[step.after]] if step.after is not None else []
            future = score.submit(settings, step.call_ids, worker, wait_for=waits,
                                  return_state=False)
        futures.append(future)
        pending[future] = step

    done = 0
    failed: set[str] = set()
    for future in as_completed(list(pending)):
        step = pending[future]
        _collect(settings, report, step.kind, step.call_ids, future, failed)
        if step.kind == "score":
            done += len(step.call_ids)
            report_progress("process", done, len(batch))
    logger.info("%d processed, %d failed (%d transcribed, %d scored)", len(report.processed),
                len(report.failed), len(report.transcribed), len(report.scored))
    return report


def _collect(settings: Settings, report: jobs.ProcessReport, step: str, call_ids: list[str],
             future: PrefectFuture[Any], failed: set[str]) -> None:
    """Add a finished task to the report; a task that gave up fails its calls."""
    future.wait()  # sets the final state (`.state` alone may still read an earlier one)
    state = future.state
    if state.is_completed():
        if step == "transcribe":
            outcome, reason = future.result()
            report.add_transcription(call_ids[0], outcome, reason)
            if outcome == "failed":
                failed.add(call_ids[0])
        else:
            report.add_scores({call_id: result for call_id, result in future.result().items()
                               if call_id not in failed})
        return
    what = "transcription" if step == "transcribe" else "scoring"
    reason = failure_reason(state, what)
    sessions = sessions_for(settings.database_url, "write")
    for call_id in call_ids:
        if call_id in failed:
            continue  # its transcription already failed: the score task never ran
        failed.add(call_id)
        jobs.fail_call(sessions, call_id, reason)
        report.failed.append((call_id, reason))
