"""Prefect 3 flows: thin layers over the library, one library call per task plus its policy.

- `ingest_archive` (callqa.flows.ingest): register the calls of a folder, fsspec URL or
  manifest.
- `process_calls` (callqa.flows.process): transcribe (behind the GPU tag's concurrency
  limit) and score every pending call; resumable, on threads or Dask.
- `reprocess` (callqa.flows.reprocess): redo what a scorecard, model or option change made
  out of date, for calls filtered by date, agent, team and call type.
- `compute_fcr_and_flags` (callqa.flows.analysis): FCR, flags and the review queue; daily.
- `purge_expired` (callqa.flows.retention): remove the calls past their retention; daily.
- `run_demo` (callqa.flows.demo): the main job on the sample calls, through these flows.

Telemetry is switched off before Prefect is imported (call recordings are personal data):
`DO_NOT_TRACK=1` and `PREFECT_SERVER_ANALYTICS_ENABLED=false` unless set otherwise.
Deployment: prefect.yaml and docs/deploy.md.
"""

import os

from callqa.configs.telemetry import disable_telemetry

disable_telemetry()
# The embedded temporary server migrates its database on first start, which can take longer
# than Prefect's 20 s default on a busy 2-core machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
