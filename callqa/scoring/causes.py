"""Does a call name a cause of the problem outside the agent's control (an outage, the back
office, a courier)? Such a repeat is ranked lower in the review queue."""

from __future__ import annotations

import functools
from importlib import resources

import yaml

from callqa.domain.records import Transcript
from callqa.domain.text import contains_phrase, is_spaced, language_of, normalise


@functools.lru_cache(maxsize=1)
def _cues() -> dict[str, tuple[str, ...]]:
    text = resources.files("callqa.configs").joinpath("outside_causes.yaml").read_text("utf-8")
    data: dict[str, list[str]] = yaml.safe_load(text)
    return {lang: tuple(normalise(p, lang) for p in phrases) for lang, phrases in data.items()}


def outside_cause(transcript: Transcript) -> str | None:
    """The first outside cause any party names, or None."""
    language = language_of(transcript.language)
    cues = _cues().get(language, _cues()["en"])
    spaced = is_spaced(language)
    for utterance in transcript.utterances:
        text = normalise(utterance.text, language)
        for cue in cues:
            if contains_phrase(text, cue, spaced):
                return cue
    return None
