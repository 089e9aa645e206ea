"""`reprocess`: redo what a changed scorecard, model or option made out of date.

Matching calls (by start date, agent, team, call type) whose finished stages carry another
key than the current settings give are put back to pending, then processed: a scorecard
change rescores from the stored transcript without transcribing again; a model or
transcription-option change transcribes again, then rescores. Calls already up to date are
left alone, so running it twice does the work once.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger

from callqa.domain.queries import CallFilter
from callqa.flows.process import process_calls
from callqa.flows.runtime import flow_settings
from callqa.flows.tasks import queue_reprocess_task
from callqa.services import processing as jobs
from callqa.services.reprocessing import ReprocessPlan


@flow(name="reprocess", log_prints=False)
def reprocess(
    start: date | None = None, end: date | None = None, agent_id: str | None = None,
    team_id: str | None = None, call_type: str | None = None, retry_failed: bool = False,
    process: bool = True, database_url: str | None = None,
) -> tuple[ReprocessPlan, jobs.ProcessReport | None]:
    """Queue the out-of-date calls matching the filters (and failed ones if `retry_failed`),
    then process them unless `process` is false."""
    settings = flow_settings(database_url)
    filters = CallFilter(start, end, agent_id, team_id, call_type)
    plan = queue_reprocess_task(settings, filters, retry_failed)
    get_run_logger().info(
        "reprocess %s: %d matched, %d to transcribe again, %d to rescore, %d up to date, "
        "%d failed retried", filters.describe(), plan.matched, plan.retranscribe, plan.rescore,
        plan.unchanged, plan.failed_retried)
    if not process or plan.queued == 0:
        return plan, None
    return plan, process_calls(database_url=database_url)
