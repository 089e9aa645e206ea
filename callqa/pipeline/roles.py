"""Decide which speaker is the agent, with a confidence and the cues behind it.

Evidence, each weighted in `configs/roles.yaml` (per language, so no phrase lives in code):
who opens the call; agent phrases ("thank you for calling", "how can I help") and customer
phrases ("I'm calling about"); the agent's name from the metadata after "my name is / this
is"; the customer's name introduced by its owner or addressed by the other side (fuzzy, so
ASR misspellings still count). Pure: no I/O beyond reading the packaged cue file once.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from callqa.domain.records import CallMetadata, Role, RoleAssignment
from callqa.domain.text import contains_phrase, is_spaced, language_of, normalise

_NAME_SIMILARITY = 0.8


@dataclass(frozen=True)
class SpokenTurn:
    speaker: str
    start: float
    text: str


@dataclass(frozen=True)
class RoleDecision:
    roles: Mapping[str, Role]
    assignment: RoleAssignment


@functools.lru_cache(maxsize=1)
def _cues() -> dict[str, Any]:
    text = resources.files("callqa.configs").joinpath("roles.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _name_parts(name: str | None, language: str) -> list[str]:
    return [p for p in normalise(name or "", language).split() if len(p) > 1]


def _says_name(tokens: Sequence[str], name_parts: Sequence[str]) -> int | None:
    """Index of the first token that (fuzzily) is one of the name's parts."""
    for index, token in enumerate(tokens):
        for part in name_parts:
            if difflib.SequenceMatcher(None, token, part).ratio() >= _NAME_SIMILARITY:
                return index
    return None


def infer_roles(
    turns: Sequence[SpokenTurn], metadata: CallMetadata | None, language: str
) -> RoleDecision:
    speakers = sorted({t.speaker for t in turns})
    if not speakers:
        return RoleDecision({}, RoleAssignment(method="inferred", confidence=0.0))
    config = _cues()
    code = language_of(language)
    lang = config["languages"].get(code, config["languages"]["en"])
    spaced = is_spaced(code)
    scores: dict[str, float] = defaultdict(float)
    cues: list[str] = []

    def add(speaker: str, weight: float, why: str) -> None:
        scores[speaker] += weight
        cues.append(f"{speaker} {why} ({weight:+.1f})")

    ordered = sorted(turns, key=lambda t: t.start)
    add(ordered[0].speaker, config["opens_call_weight"], "opens the call")
    agent_name = _name_parts(metadata.agent_name if metadata else None, code)[:1]
    customer_name = _name_parts(metadata.customer_name if metadata else None, code)
    seen: set[tuple[str, str]] = set()
    for turn in ordered:
        text = normalise(turn.text, code)
        for phrases, sign in ((lang["agent_phrases"], 1.0), (lang["customer_phrases"], -1.0)):
            for phrase, weight in phrases.items():
                key = (turn.speaker, phrase)
                if key not in seen and contains_phrase(text, normalise(phrase, code), spaced):
                    seen.add(key)
                    add(turn.speaker, sign * weight, f"says '{phrase}' at {turn.start:.1f}s")
        _name_cues(turn, text, [normalise(p, code) for p in lang["intro_prefixes"]],
                   agent_name, customer_name, config, add, seen)
    return _decide(speakers, scores, cues)


def _name_cues(turn: SpokenTurn, text: str, prefixes: Sequence[str], agent_name: list[str],
               customer_name: list[str], config: Mapping[str, Any], add: Any,
               seen: set[tuple[str, str]]) -> None:
    tokens = text.split()
    intro_ends = [
        i + len(p.split()) for p in prefixes
        for i in range(len(tokens)) if tokens[i: i + len(p.split())] == p.split()
    ]
    after_intro = [tokens[e: e + 3] for e in intro_ends]
    if agent_name and (turn.speaker, "agent-name") not in seen and any(
        _says_name(window, agent_name) is not None for window in after_intro
    ):
        seen.add((turn.speaker, "agent-name"))
        add(turn.speaker, config["agent_name_intro_weight"],
            f"introduces self with the agent's name at {turn.start:.1f}s")
    if not customer_name or (turn.speaker, "customer-name") in seen:
        return
    if any(_says_name(window, customer_name) is not None for window in after_intro):
        seen.add((turn.speaker, "customer-name"))
        add(turn.speaker, config["customer_name_intro_weight"],
            f"introduces self with the customer's name at {turn.start:.1f}s")
    elif _says_name(tokens, customer_name) is not None:
        seen.add((turn.speaker, "customer-name"))
        add(turn.speaker, config["customer_name_addressed_weight"],
            f"addresses the customer by name at {turn.start:.1f}s")


def _decide(speakers: list[str], scores: Mapping[str, float], cues: list[str]) -> RoleDecision:
    ranked = sorted(speakers, key=lambda s: -scores.get(s, 0.0))
    agent = ranked[0]
    runner_up = scores.get(ranked[1], 0.0) if len(ranked) > 1 else 0.0
    margin = scores.get(agent, 0.0) - runner_up
    # A margin of one strong cue (2 points) gives ~0.88; ties give 0.5.
    confidence = 1.0 / (1.0 + math.exp(-margin)) if len(ranked) > 1 else 0.5
    roles = {s: (Role.AGENT if s == agent else Role.CUSTOMER) for s in speakers}
    return RoleDecision(
        roles,
        RoleAssignment(method="inferred", confidence=round(confidence, 3), cues=tuple(cues)),
    )
