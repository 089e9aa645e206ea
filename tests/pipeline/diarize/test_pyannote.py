"""The pyannote backend's adapter, run on a pipeline built from RANDOMLY INITIALISED models
saved locally (no pretrained pyannote weights can be downloaded here): this checks loading
from a directory, in-memory input, output conversion and plumbing — not accuracy, which is
measured on the embedded backend."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from callqa.configs.settings import DiarizationSettings
from callqa.pipeline.audio import decode_audio
from callqa.pipeline.diarize import DiarizationError

pytest.importorskip("pyannote.audio", reason="the pyannote extra is not installed")


@pytest.fixture(scope="module")
def random_pipeline_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.pipeline.diarize.pyannote_random import save_random_pipeline

    return save_random_pipeline(tmp_path_factory.mktemp("pyannote-random"))


def test_random_weights_pipeline_plumbing(random_pipeline_dir: Path, shared_data: Path) -> None:
    from callqa.pipeline.diarize.pyannote import PyannoteDiarizer

    settings = DiarizationSettings(backend="pyannote", pyannote_pipeline=str(random_pipeline_dir),
                                   device="cpu")
    diarizer = PyannoteDiarizer(settings)
    assert os.environ["PYANNOTE_METRICS_ENABLED"] in {"0", "false"}  # telemetry off
    samples = decode_audio(shared_data / "diarization/pyannote_sample.wav").samples[0]
    result = diarizer(samples[: 16000 * 8], [(0.0, 8.0)], 2)
    assert result.backend == "pyannote"
    assert set(result.speakers) <= {"S0", "S1"}
    for turns in (result.turns, result.talk_turns):
        assert all(0.0 <= t.start <= t.end <= 8.0 + 1e-3 for t in turns)
        assert [t.start for t in turns] == sorted(t.start for t in turns)
        assert {t.speaker for t in turns} <= set(result.speakers)
    exclusive = result.turns
    assert all(a.end <= b.start + 1e-3 for a, b in itertools.pairwise(exclusive))


def test_missing_pipeline_names_the_fix(tmp_path: Path) -> None:
    from callqa.pipeline.diarize.pyannote import PyannoteDiarizer

    missing = tmp_path / "no-such-pipeline"
    missing.mkdir()
    with pytest.raises(DiarizationError, match="cannot load the pyannote pipeline"):
        PyannoteDiarizer(DiarizationSettings(pyannote_pipeline=str(missing), device="cpu"))
