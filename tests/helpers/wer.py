"""Word error rate on Whisper-normalised text (jiwer + the Whisper English normaliser)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jiwer
from whisper_normalizer.english import EnglishTextNormalizer

_normalise = EnglishTextNormalizer()
# Spelled-out letters ("p m", "a t m") are one token however a transcriber spaces them.
_LETTER_RUN = re.compile(r"\b(?:[a-z] ){1,}[a-z]\b")
# Digits said one by one ("seven zero zero two three" normalises to 70023) are one number
# whether Whisper writes "70023" or "7, 0, 0, 2, 3".
_DIGIT_RUN = re.compile(r"\b(?:\d ){1,}\d\b")


def normalise(text: str) -> str:
    text = " ".join(_normalise(text).split())
    text = _LETTER_RUN.sub(lambda m: m.group(0).replace(" ", ""), text)
    return _DIGIT_RUN.sub(lambda m: m.group(0).replace(" ", ""), text)


def wer(reference: str, hypothesis: str) -> float:
    return float(jiwer.wer(normalise(reference), normalise(hypothesis) or "<empty>"))


def corpus_wer(pairs: list[tuple[str, str]]) -> float:
    """WER over several (reference, hypothesis) pairs: all errors over all reference words."""
    refs = [normalise(r) for r, _ in pairs]
    hyps = [normalise(h) or "<empty>" for _, h in pairs]
    return float(jiwer.wer(refs, hyps))


@dataclass(frozen=True)
class ErrorCounts:
    """Word errors over several (reference, hypothesis) pairs, as jiwer aligns them."""

    substitutions: int
    deletions: int
    insertions: int
    words: int
    """Reference words."""

    @property
    def wer(self) -> float:
        return (self.substitutions + self.deletions + self.insertions) / max(self.words, 1)


def error_counts(pairs: list[tuple[str, str]]) -> ErrorCounts:
    """Substitutions, deletions and insertions over several (reference, hypothesis) pairs."""
    result = jiwer.process_words([normalise(r) for r, _ in pairs],
                                 [normalise(h) or "<empty>" for _, h in pairs])
    return ErrorCounts(result.substitutions, result.deletions, result.insertions,
                       result.substitutions + result.deletions + result.hits)
