"""Where the tests' data lives. Reference audio lives in ../shared/data (read-only, never
copied here): tests that need it take the `shared_data` fixture, which skips when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("CALLQA_SHARED_DATA", REPO.parent / "shared" / "data"))
SAMPLES = REPO / "samples" / "calls"
BUNDLED_SCORECARDS = REPO / "callqa" / "configs" / "scorecards"
