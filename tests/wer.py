"""Word error rate on Whisper-normalised text (jiwer + the Whisper English normaliser)."""

from __future__ import annotations

import re

import jiwer
from whisper_normalizer.english import EnglishTextNormalizer

_normalise = EnglishTextNormalizer()
# Spelled-out letters ("p m", "a t m") are one token however a transcriber spaces them.
_LETTER_RUN = re.compile(r"\b(?:[a-z] ){1,}[a-z]\b")


def normalise(text: str) -> str:
    text = " ".join(_normalise(text).split())
    return _LETTER_RUN.sub(lambda m: m.group(0).replace(" ", ""), text)


def wer(reference: str, hypothesis: str) -> float:
    return float(jiwer.wer(normalise(reference), normalise(hypothesis) or "<empty>"))


def corpus_wer(pairs: list[tuple[str, str]]) -> float:
    """WER over several (reference, hypothesis) pairs: all errors over all reference words."""
    refs = [normalise(r) for r, _ in pairs]
    hyps = [normalise(h) or "<empty>" for _, h in pairs]
    return float(jiwer.wer(refs, hyps))
