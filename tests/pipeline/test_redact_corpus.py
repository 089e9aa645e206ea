"""The labelled redaction corpus (tests/data/redaction, built by its make_corpus.py): how to
read it and score a redactor on it, and the held-out bar of issue 16: card numbers and
security codes caught >= 99 % on text, precision >= 90 %, in each language.

`score` is shared with benchmarks/bench_redaction.py. A label is *caught* when no character
of its information (digits, number words, letters of a code; not 'the', 'of', 'dot')
survives; it is *matched* when, besides, a redacted span of its own kind covers it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from callqa.configs.settings import RedactionSettings
from callqa.domain.records import Role, Transcript
from callqa.pipeline.redact import find_spans
from callqa.pipeline.redact.numbers import tokenize
from tests.factories import build_transcript, utterance

CORPUS = Path(__file__).resolve().parents[1] / "data" / "redaction"
LANGUAGES = ("en", "fa", "zh")
KEEP = "KEEP"
GLUE = frozenset({"the", "of", "and", "in", "on", "dot", "at", "underscore", "dash", "slash",
                  "hyphen", "و", "年", "月", "日", "号", "点", "艾特", "ات", "دات", "is", "end",
                  "beginning"})
"""Words inside a label that carry no part of the secret."""


@dataclass(frozen=True)
class Label:
    utterance: int
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Example:
    id: str
    language: str
    split: str
    source: str
    utterances: tuple[tuple[str, str], ...]
    """(speaker role, text)"""
    labels: tuple[Label, ...]

    def transcript(self) -> Transcript:
        """The exchange as a transcript: an utterance every 3 s, words spread over it."""
        return build_transcript(
            [utterance(Role(role), 3.0 * i, 3.0 * i + 2.5, text)
             for i, (role, text) in enumerate(self.utterances)],
            language=self.language)


def load_corpus(language: str, split: str | None = None) -> list[Example]:
    examples = []
    with (CORPUS / f"{language}.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if split is not None and record["split"] != split:
                continue
            examples.append(Example(
                id=record["id"], language=record["language"], split=record["split"],
                source=record["source"],
                utterances=tuple((u["speaker"], u["text"]) for u in record["utterances"]),
                labels=tuple(Label(s["utterance"], s["start"], s["end"], s["kind"])
                             for s in record["spans"])))
    return examples


def sensitive_chars(text: str, start: int, end: int) -> set[int]:
    """Characters of `text[start:end]` that carry the secret."""
    chars: set[int] = set()
    for token in tokenize(text[start:end]):
        if token.norm in GLUE or not any(c.isalnum() for c in token.text):
            continue
        chars.update(range(start + token.start, start + token.end))
    return chars


Spans = dict[int, list[tuple[str, int, int]]]
"""Utterance index -> (kind, start, end) of what a redactor takes out."""


@dataclass
class Tally:
    labels: Counter[str] = field(default_factory=Counter)
    caught: Counter[str] = field(default_factory=Counter)
    matched: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    true_kind: Counter[str] = field(default_factory=Counter)
    true_any: Counter[str] = field(default_factory=Counter)
    keep: int = 0
    keep_survived: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    def recall(self, kind: str) -> float:
        return self.caught[kind] / self.labels[kind] if self.labels[kind] else float("nan")

    def precision(self, kind: str | None = None) -> float:
        """Share of redacted spans (of `kind`, or all) that hold some secret."""
        if kind is None:
            total = sum(self.predicted.values())
            return sum(self.true_any.values()) / total if total else 1.0
        return self.true_any[kind] / self.predicted[kind] if self.predicted[kind] else 1.0


def score(examples: Iterable[Example], redactor: Callable[[Example], Spans]) -> Tally:
    tally = Tally()
    for example in examples:
        predicted = redactor(example)
        covered: dict[int, set[int]] = {}
        for index, spans in predicted.items():
            covered[index] = {c for _, s, e in spans for c in range(s, e)}
        for label in example.labels:
            text = example.utterances[label.utterance][1]
            chars = sensitive_chars(text, label.start, label.end)
            hit = chars & covered.get(label.utterance, set())
            if label.kind == KEEP:
                tally.keep += 1
                tally.keep_survived += not hit
                if hit:
                    tally.spurious.append(f"{example.id}: kept {text[label.start:label.end]!r}"
                                          f" redacted in {text!r}")
                continue
            tally.labels[label.kind] += 1
            if chars <= covered.get(label.utterance, set()):
                tally.caught[label.kind] += 1
                tally.matched[label.kind] += any(
                    kind == label.kind and s < label.end and e > label.start
                    for kind, s, e in predicted.get(label.utterance, []))
            else:
                tally.missed.append(f"{example.id}: {label.kind} {text[label.start:label.end]!r}"
                                    f" in {text!r}")
        for index, spans in predicted.items():
            for kind, s, e in spans:
                tally.predicted[kind] += 1
                overlapping = [lab for lab in example.labels if lab.utterance == index
                               and lab.start < e and lab.end > s and lab.kind != KEEP]
                tally.true_any[kind] += bool(overlapping)
                tally.true_kind[kind] += any(lab.kind == kind for lab in overlapping)
                if not overlapping:
                    text = example.utterances[index][1]
                    tally.spurious.append(f"{example.id}: {kind} {text[s:e]!r} in {text!r}")
    return tally


def callqa_redactor(settings: RedactionSettings | None = None) -> Callable[[Example], Spans]:
    def redact(example: Example) -> Spans:
        found = find_spans(example.transcript(), settings)
        return {i: [(t.kind.value, t.start, t.end) for t in spans]
                for i, spans in found.items()}
    return redact


def misses(tally: Tally, kinds: Sequence[str]) -> str:
    return "\n".join(m for m in tally.missed if any(f" {k} " in m for k in kinds))


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_cards_and_security_codes_are_caught(language: str) -> None:
    examples = load_corpus(language, "heldout")
    tally = score(examples, callqa_redactor())
    for kind in ("PCI:CARD", "PCI:CVV"):
        assert tally.labels[kind] >= 10, f"too few held-out {kind} labels to measure"
        assert tally.recall(kind) >= 0.99, (
            f"{language} {kind} recall {tally.recall(kind):.3f}:\n" + misses(tally, [kind]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_precision(language: str) -> None:
    tally = score(load_corpus(language, "heldout"), callqa_redactor())
    assert tally.precision() >= 0.90, "\n".join(tally.spurious)
    for kind in ("PCI:CARD", "PCI:CVV"):
        assert tally.precision(kind) >= 0.90, "\n".join(tally.spurious)


@pytest.mark.parametrize("language", LANGUAGES)
def test_corpus_is_large_enough_and_labels_are_inside_their_text(language: str) -> None:
    examples = load_corpus(language)
    assert len(examples) >= 200
    assert {e.split for e in examples} == {"dev", "heldout"}
    kinds = Counter(label.kind for e in examples for label in e.labels)
    assert kinds[KEEP] >= 40, "look-alikes that must survive"
    for example in examples:
        for label in example.labels:
            text = example.utterances[label.utterance][1]
            assert 0 <= label.start < label.end <= len(text)
            assert text[label.start:label.end].strip() == text[label.start:label.end]
