"""Call recordings are personal data: nothing about them may leave the machine by default."""

from __future__ import annotations

import os

# Each of these switches off a library's usage reporting. setdefault: a deployment that
# really wants one on can still say so explicitly.
_TELEMETRY_OFF = {
    "DO_NOT_TRACK": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PYANNOTE_METRICS_ENABLED": "0",
}


def disable_telemetry() -> None:
    """Turn off the telemetry of the libraries callqa uses (Prefect, pyannote, HF hub)."""
    for name, value in _TELEMETRY_OFF.items():
        os.environ.setdefault(name, value)
