"""pyannote.audio's speaker-diarization pipeline (3.1 or community-1), an optional extra.

Loaded from a local directory holding its `config.yaml` (and the models it names) or from
the Hugging Face hub with a token; runs on CUDA when present. It is given the waveform in
memory, so no audio decoding library of its own is needed. pyannote's telemetry is turned off.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from callqa.configs.settings import DiarizationSettings
from callqa.configs.telemetry import disable_telemetry
from callqa.pipeline.audio import SAMPLE_RATE
from callqa.pipeline.diarize.base import Backend, Diarization, DiarizationError, SpeakerTurn


class PyannoteDiarizer:
    backend: Backend = "pyannote"

    def __init__(self, settings: DiarizationSettings) -> None:
        disable_telemetry()  # before pyannote.audio reads PYANNOTE_METRICS_ENABLED
        try:
            import torch
            from pyannote.audio import Pipeline
        except ImportError as exc:
            raise DiarizationError(
                f"the pyannote backend needs pyannote.audio ({exc}): install the extra with "
                "`pip install 'callqa[pyannote]'`, or use diarization backend 'embedded'"
            ) from exc
        self.settings = settings
        self._torch = torch
        source = settings.pyannote_pipeline
        token = (settings.pyannote_token.get_secret_value() if settings.pyannote_token
                 else os.environ.get("HF_TOKEN"))
        try:
            pipeline = Pipeline.from_pretrained(source, token=token)
        except Exception as exc:  # hub, file and checkpoint errors have no common base
            raise DiarizationError(
                f"cannot load the pyannote pipeline '{source}': {exc}. Give a local directory "
                "with its config.yaml (diarization.pyannote_pipeline), or a Hugging Face id "
                "with a token (diarization.pyannote_token or HF_TOKEN) on a machine that "
                "reaches the hub"
            ) from exc
        if pipeline is None:
            raise DiarizationError(
                f"pyannote pipeline '{source}' not found: check the id or directory"
            )
        use_cuda = settings.device != "cpu" and torch.cuda.is_available()
        if settings.device == "cuda" and not use_cuda:
            raise DiarizationError("diarization.device is 'cuda' but torch sees no GPU")
        self._pipeline: Any = pipeline.to(torch.device("cuda" if use_cuda else "cpu"))

    def __call__(
        self,
        samples: np.ndarray,
        speech: Sequence[tuple[float, float]],
        num_speakers: int | None,
    ) -> Diarization:
        waveform = self._torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))
        kwargs: dict[str, int] = (
            {"num_speakers": num_speakers} if num_speakers else
            {"min_speakers": self.settings.min_speakers, "max_speakers": self.settings.max_speakers}
        )
        output = self._pipeline({"waveform": waveform[None, :], "sample_rate": SAMPLE_RATE},
                                **kwargs)
        # pyannote.audio 4 returns both diarizations; 3.x returns the overlapping one only,
        # where each word still goes to the speaker with the most overlap.
        overlapping = getattr(output, "speaker_diarization", output)
        exclusive = getattr(output, "exclusive_speaker_diarization", None)
        names = {label: f"S{i}" for i, label in enumerate(_by_first_turn(overlapping))}
        return Diarization(
            turns=_turns(exclusive if exclusive is not None else overlapping, names),
            speakers=tuple(sorted(names.values())),
            backend=self.backend,
            overlapping=_turns(overlapping, names),
        )


def _by_first_turn(annotation: Any) -> list[str]:
    order: list[str] = []
    for _, _, label in annotation.itertracks(yield_label=True):
        if label not in order:
            order.append(label)
    return order


def _turns(annotation: Any, names: dict[str, str]) -> tuple[SpeakerTurn, ...]:
    turns = [
        SpeakerTurn(round(segment.start, 3), round(segment.end, 3), names[label])
        for segment, _, label in annotation.itertracks(yield_label=True)
        if label in names
    ]
    return tuple(sorted(turns, key=lambda t: (t.start, t.end)))
