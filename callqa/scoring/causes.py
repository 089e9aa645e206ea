"""Does a call name a cause of the problem outside the agent's control (an outage, the back
office, a courier)? Such a repeat is ranked lower in the review queue."""

from __future__ import annotations

import functools
from importlib import resources

import yaml

from callqa.domain import Transcript
from callqa.pipeline.roles import normalise


@functools.lru_cache(maxsize=1)
def _cues() -> dict[str, tuple[str, ...]]:
    text = resources.files("callqa.configs").joinpath("outside_causes.yaml").read_text("utf-8")
    data: dict[str, list[str]] = yaml.safe_load(text)
    return {lang: tuple(normalise(p) for p in phrases) for lang, phrases in data.items()}


def outside_cause(transcript: Transcript) -> str | None:
    """The first outside cause any party names, or None."""
    language = transcript.language.split("-")[0]
    cues = _cues().get(language, _cues()["en"])
    spaced = language not in {"zh", "ja", "th"}
    for utterance in transcript.utterances:
        text = normalise(utterance.text)
        padded = f" {text} " if spaced else text.replace(" ", "")
        for cue in cues:
            if (f" {cue} " in padded) if spaced else (cue.replace(" ", "") in padded):
                return cue
    return None
