"""`purge_expired`: remove the calls past their call type's retention (settings
`retention.*`), except calls under legal hold; daily. Each call goes everywhere at once,
as with `callqa delete` (callqa.services.erasure), recorded as done by `retention`.

Deployed by prefect.yaml (`purge-expired/daily-purge`, every day at 04:00 UTC, before the
analysis); without a Prefect server, serve it from any machine that has the settings:

    python -c "from callqa.flows.retention import purge_expired; \\
               purge_expired.serve(name='daily-purge', cron='0 4 * * *')"
"""

from __future__ import annotations

from prefect import flow, get_run_logger

from callqa.flows.runtime import flow_settings
from callqa.flows.tasks import purge_task
from callqa.services.erasure import PurgeReport


@flow(name="purge-expired", log_prints=False)
def purge_expired(dry_run: bool = False, database_url: str | None = None) -> PurgeReport:
    settings = flow_settings(database_url)
    flows = settings.flows
    report = purge_task.with_options(retries=flows.retries,
                                     retry_delay_seconds=flows.retry_delay_seconds)(
        settings, dry_run)
    # Counts only: call ids stay out of Prefect's logs.
    get_run_logger().info(
        "retention on %s: %d call(s) past retention, %d under legal hold kept, %d %s",
        report.now.date(), report.expired, report.held,
        report.expired - report.held if dry_run else len(report.erased),
        "would be removed (dry run)" if dry_run else "removed")
    return report
