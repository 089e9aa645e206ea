"""`ingest_archive`: register the calls of an archive in the store.

`source` is a local folder, a JSONL manifest, one recording, or an fsspec URL of any of them
(`s3://bucket/calls/2026-11/`, `gs://...`; the protocol's package, e.g. `callqa[s3]`, must be
installed). Idempotent by content hash: the same archive again adds nothing, so the flow can
run on a schedule over a folder that keeps growing.
"""

from __future__ import annotations

from prefect import flow, get_run_logger

from callqa.flows.runtime import flow_settings
from callqa.flows.tasks import ingest_task
from callqa.services.ingest import IngestReport


@flow(name="ingest-archive", log_prints=False)
def ingest_archive(source: str, database_url: str | None = None) -> IngestReport:
    settings = flow_settings(database_url)
    flows = settings.flows
    report = ingest_task.with_options(retries=flows.retries,
                                      retry_delay_seconds=flows.retry_delay_seconds)(
        settings, source)
    logger = get_run_logger()
    logger.info("ingest of %s: %s", source, report.summary())
    for failure in report.failures:
        logger.warning("not ingested: %s", failure)
    return report
