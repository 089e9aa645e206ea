"""Shared fixtures. Reference audio lives in ../shared/data (read-only, never copied here):
tests that need it skip with a reason when it is absent, as in a user's fresh clone."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from callqa.configs.telemetry import disable_telemetry

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("CALLQA_SHARED_DATA", REPO.parent / "shared" / "data"))
SAMPLES = REPO / "samples" / "calls"
HVB_SIDS = ("0002f70f7386445b", "0091a706bc604188", "01f7ec3700424bc0", "02e41649e7c441fd")

disable_telemetry()
# Flows run on Prefect's temporary local server, with its database in a folder of this test
# session (subprocesses inherit it), never in the user's ~/.prefect.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="callqa-prefect-"))
# Prefect's INFO lines (and its goodbye at exit, after pytest closed the output) stay quiet.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

pytest_plugins = ("tests.store_fixtures",)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference audio not found at {SHARED_DATA} (set CALLQA_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def transcriber():  # type: ignore[no-untyped-def]
    """The real bundled Whisper tiny.en, loaded once for the whole session."""
    from callqa.configs.settings import TranscriptionSettings
    from callqa.pipeline.transcribe import get_transcriber

    return get_transcriber(TranscriptionSettings(device="cpu"))
