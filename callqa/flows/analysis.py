"""`compute_fcr_and_flags`: FCR over a period's calls, agent flags, process issues and the
review queue, stored for the review tools. Meant to run on a schedule (daily: prefect.yaml).

`days` analyses the last `days` days up to today (the scheduled form); `start`/`end` give a
fixed period; neither analyses every stored call.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from prefect import flow, get_run_logger

from callqa.flows.runtime import flow_settings
from callqa.flows.tasks import analyse_task
from callqa.services.analysis import Analysis


@flow(name="compute-fcr-and-flags", log_prints=False)
def compute_fcr_and_flags(
    days: int | None = None, start: date | None = None, end: date | None = None,
    database_url: str | None = None,
) -> Analysis:
    settings = flow_settings(database_url)
    if days is not None:
        end = end or datetime.now(UTC).date()
        start = end - timedelta(days=days - 1)
    flows = settings.flows
    analysis = analyse_task.with_options(retries=flows.retries,
                                         retry_delay_seconds=flows.retry_delay_seconds)(
        settings, start, end)
    flagged = sum(1 for flag in analysis.flags if flag.status == "flagged")
    watched = sum(1 for flag in analysis.flags if flag.status == "watch")
    get_run_logger().info(
        "period %s to %s: %d calls, FCR %s, %d agent flag(s), %d on watch, %d process "
        "issue(s), review queue %d", analysis.period[0], analysis.period[1], analysis.calls,
        analysis.fcr_counts, flagged, watched, len(analysis.process_issues),
        analysis.queue_size)
    return analysis
