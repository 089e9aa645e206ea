"""What a finished stage depends on: the keys that let a re-run skip finished work.

A stage's completion is stored as (content sha256, stage, stage version, options hash)
(`stage_runs`). A re-run looks its key up and redoes the stage only when the key is new:

- `transcribe` (audio to a `callqa.transcript/1`: ASR, who spoke when, roles, metrics)
  depends on the model and every setting that changes the transcript. Runtime choices that
  only change the speed (device, threads, batching on CPU) are left out.
- `score` depends on the scorecard's content (its digest, so an edit without a version bump
  still counts), the outside-cause phrases and the transcript it scored (the `transcribe`
  key, or the imported transcript's own hash).

Bump a stage's version when its code changes what it produces.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from callqa.configs.settings import BUNDLED_MODEL, Settings
from callqa.scoring import Scorecard, bundled_scorecards, folder_scorecards
from callqa.support.hashing import short_digest

TRANSCRIBE = "transcribe"
SCORE = "score"
TRANSCRIBE_VERSION = "2"
SCORE_VERSION = "1"


@dataclass(frozen=True)
class StageKey:
    stage: str
    version: str
    options_hash: str


def transcribe_key(settings: Settings) -> StageKey:
    t = settings.transcription
    options: dict[str, Any] = {
        "model": t.model,
        "model_file": _model_file_stamp(t.model),
        "model_sha256": t.model_sha256,
        "asr": t.model_dump(mode="json", exclude={
            "model", "model_sha256", "download_root", "device", "compute_type", "cpu_threads",
            "batch_size"}),
        # On CUDA the batched pipeline decodes differently from the sequential one.
        "batched": t.device == "cuda" and t.batch_size > 1,
        "audio": settings.audio.model_dump(mode="json"),
        "diarization": settings.diarization.model_dump(
            mode="json", exclude={"device", "torch_threads", "pyannote_token"}),
        "activity_vad": settings.activity_vad.model_dump(mode="json"),
        "metrics": settings.metrics.model_dump(mode="json"),
        "default_channel_layout": settings.default_channel_layout,
        "roles": _config_digest("roles.yaml"),
        # What is redacted (and whether the audio is silenced) changes what is stored.
        # (`kinds` is a set: sorted, or the key would change with the process's hash seed.)
        "redaction": {**settings.redaction.model_dump(mode="json"),
                      "kinds": sorted(settings.redaction.kinds)},
    }
    return StageKey(TRANSCRIBE, TRANSCRIBE_VERSION, short_digest(options))


def score_key(scorecard: Scorecard, transcript_key: str) -> StageKey:
    """`transcript_key`: the options hash of the `transcribe` stage that made the transcript,
    or the content hash of an imported transcript."""
    options = {"scorecard": [scorecard.id, scorecard.version, scorecard.digest],
               "causes": _config_digest("outside_causes.yaml"), "transcript": transcript_key}
    return StageKey(SCORE, SCORE_VERSION, short_digest(options))


def scorecards_for(settings: Settings) -> tuple[Scorecard, ...]:
    """The scorecards in use: `settings.scorecards_dir`, else the bundled ones."""
    if settings.scorecards_dir is not None:
        return folder_scorecards(settings.scorecards_dir)
    return bundled_scorecards()


def _model_file_stamp(spec: str) -> list[int] | None:
    """A local model directory's `model.bin` size and time: a replaced model shows."""
    if spec == BUNDLED_MODEL:
        return None
    model_bin = Path(spec).expanduser() / "model.bin"
    try:
        stat = model_bin.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


@lru_cache(maxsize=4)
def _config_digest(name: str) -> str:
    data = resources.files("callqa.configs").joinpath(name).read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]
