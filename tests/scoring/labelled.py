"""The hand-labelled calls of tests/data/labelled (see its README): loading them as transcripts,
and the agreement of a scorer with their labels, per language and criterion.

Shared by tests/scoring/test_agreement.py and benchmarks/bench_agreement.py. It uses only
`choose_scorecard` and `score_call`, so the benchmark can also measure an older callqa.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from callqa.domain.records import CallMetadata, Role, Transcript
from callqa.scoring import choose_scorecard, score_call
from tests.factories import Turn, make_transcript

CORPUS = Path(__file__).resolve().parents[1] / "data" / "labelled"
SPLITS = ("tuning", "heldout")
LANGUAGES = ("en", "fa", "zh")

OBJECTIVE = (
    "greeting", "greeting_by_name", "agent_introduction", "recording_disclosure",
    "anything_else", "closing", "prohibited_language",
)
"""Criteria with a factual answer (a phrase said or not)."""
SUBJECTIVE = ("empathy", "resolution_confirmed")
LABELLED = OBJECTIVE + SUBJECTIVE
OUTCOMES = frozenset({"pass", "fail", "na"})

WORDS_PER_SECOND = 2.6
CHARACTERS_PER_SECOND = 4.0
PAUSE = 0.6
_PUNCTUATION = re.compile(r"[.,!?;:،؛؟。，！？；：、…“”\"]")
_NOT_WORD = re.compile(r"[^\w\u200c ]+")
_ARABIC_LETTERS = str.maketrans({"\u06cc": "\u064a", "\u06a9": "\u0643"})


@dataclass(frozen=True)
class LabelledCall:
    id: str
    language: str
    split: str
    call_type: str
    note: str
    transcript: Transcript
    labels: dict[str, str]


def render(text: str, spelling: Iterable[str]) -> str:
    """`text` as an ASR or keyboard writes it (see the corpus README)."""
    for style in spelling:
        if style == "arabic":
            text = text.translate(_ARABIC_LETTERS)
        elif style == "nozwnj":
            text = text.replace("\u200c", "")
        elif style == "spaced":
            text = text.replace("\u200c", " ")
        elif style == "asr":
            text = " ".join(_PUNCTUATION.sub(" ", text).split())
        else:
            raise ValueError(f"unknown spelling {style!r}")
    return text


def _duration(text: str, language: str) -> float:
    if language == "zh":
        return max(0.8, len(text.replace(" ", "")) / CHARACTERS_PER_SECOND)
    return max(0.8, len(text.split()) / WORDS_PER_SECOND)


def _call(entry: dict[str, object], language: str, split: str, source: Path) -> LabelledCall:
    call_id = str(entry["id"])
    spelling = entry.get("spelling") or []
    assert isinstance(spelling, list), f"{source}: {call_id}: spelling is a list"
    turns: list[Turn] = []
    clock = 0.5
    raw_turns = entry["turns"]
    assert isinstance(raw_turns, list) and raw_turns, f"{source}: {call_id}: no turns"
    for item in raw_turns:
        assert isinstance(item, dict) and len(item) == 1, f"{source}: {call_id}: {item!r}"
        ((who, said),) = item.items()
        role = {"A": Role.AGENT, "C": Role.CUSTOMER}[who]
        text = render(str(said), spelling)
        end = round(clock + _duration(text, language), 2)
        turns.append((role, round(clock, 2), end, text))
        clock = end + PAUSE
    labels = entry["labels"]
    assert isinstance(labels, dict), f"{source}: {call_id}: labels"
    assert set(labels) == set(LABELLED), (
        f"{source}: {call_id}: label every one of {LABELLED}; missing"
        f" {sorted(set(LABELLED) - set(labels))}, unknown {sorted(set(labels) - set(LABELLED))}"
    )
    assert set(labels.values()) <= OUTCOMES, f"{source}: {call_id}: labels are pass/fail/na"
    call_type = str(entry.get("type") or "general")
    metadata = CallMetadata(
        call_id=call_id,
        customer_name=entry.get("customer"),
        agent_name=entry.get("agent"),
        call_type=call_type,
        direction="inbound",
        language=language,
    )
    transcript = make_transcript(turns, language=language, metadata=metadata, call_id=call_id)
    return LabelledCall(call_id, language, split, call_type, str(entry.get("note", "")),
                        transcript, {str(k): str(v) for k, v in labels.items()})


@cache
def load_corpus() -> tuple[LabelledCall, ...]:
    """Every labelled call, tuning then held-out, English, Persian, Chinese."""
    calls: list[LabelledCall] = []
    for split in SPLITS:
        for language in LANGUAGES:
            source = CORPUS / split / f"{language}.yaml"
            entries = yaml.safe_load(source.read_text(encoding="utf-8"))
            calls += [_call(entry, language, split, source) for entry in entries]
    ids = [call.id for call in calls]
    assert len(ids) == len(set(ids)), "call ids must be unique"
    return tuple(calls)


def calls_of(split: str | None = None) -> list[LabelledCall]:
    return [call for call in load_corpus() if split is None or call.split == split]


# --- agreement ----------------------------------------------------------------------------------

Scorer = Callable[[LabelledCall], dict[str, str]]
"""Outcomes (criterion id -> pass/fail/na) of one call."""


def callqa_outcomes(call: LabelledCall) -> dict[str, str]:
    """callqa's verdicts with the bundled scorecard for the call's type."""
    result = score_call(call.transcript, choose_scorecard(call.call_type))
    return {criterion.id: criterion.outcome for criterion in result.criteria}


_NAIVE_RESOLVED = {
    "en": ("done", "fixed", "resolved", "sorted", "working", "works", "all set", "taken care",
           "processed", "refunded", "applied", "cancelled", "updated", "removed"),
    "fa": ("انجام شد", "درست شد", "حل شد", "برطرف شد", "فعال شد", "ثبت شد", "کار می‌کنه",
           "کار می‌کند"),
    "zh": ("好了", "解决", "处理", "處理", "可以了", "搞定", "成功"),
}


def naive_resolution(call: LabelledCall) -> dict[str, str]:
    """The naive keyword scorer of the issue: resolved when any resolution keyword occurs
    anywhere in the call (lower case, no roles, negation or order)."""
    text = " ".join(u.text.lower() for u in call.transcript.utterances)
    words = " " + _NOT_WORD.sub(" ", text) + " "
    keywords = _NAIVE_RESOLVED[call.language]
    if call.language == "zh":
        found = any(k in text for k in keywords)
    else:
        found = any(f" {k} " in words for k in keywords)
    return {"resolution_confirmed": "pass" if found else "fail"}


@dataclass
class Tally:
    agree: int = 0
    total: int = 0

    def add(self, same: bool) -> None:
        self.agree += same
        self.total += 1

    @property
    def rate(self) -> float | None:
        return self.agree / self.total if self.total else None


@dataclass(frozen=True)
class Disagreement:
    call: LabelledCall
    criterion: str
    label: str
    outcome: str


def agreement(
    calls: Sequence[LabelledCall], scorer: Scorer = callqa_outcomes,
    criteria: Sequence[str] = LABELLED,
) -> tuple[dict[tuple[str, str], Tally], list[Disagreement]]:
    """Agreement per (language, criterion) plus the groups `(language, "objective")`,
    `("all", criterion)` and `("all", "objective")`; and every disagreement."""
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    disagreements: list[Disagreement] = []
    for call in calls:
        outcomes = scorer(call)
        for criterion in criteria:
            if criterion not in outcomes:
                continue
            label, outcome = call.labels[criterion], outcomes[criterion]
            same = label == outcome
            keys = [(call.language, criterion), ("all", criterion)]
            if criterion in OBJECTIVE:
                keys += [(call.language, "objective"), ("all", "objective")]
            for key in keys:
                tallies[key].add(same)
            if not same:
                disagreements.append(Disagreement(call, criterion, label, outcome))
    return dict(tallies), disagreements
