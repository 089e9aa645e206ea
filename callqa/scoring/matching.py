"""Phrase matching with spaCy: a blank pipeline's tokenizer per language and one PhraseMatcher
per scorecard and language, compiled once and cached.

Each call is tokenized once: all its turns in one Doc, turns separated by a `|` token so
that no phrase matches across a change of speaker. One matcher pass finds every phrase of
every criterion; criteria then read their hits. A hit records the utterances it spans, its turn
and, when a negation cue precedes it in the same turn, that cue.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from callqa.domain.text import normalise
from callqa.scoring.languages import LANGUAGE_RULES, LanguageRules
from callqa.scoring.scorecard import (
    NearPhrase,
    PhraseSet,
    Regex,
    RegexPhrase,
    Scorecard,
    compile_regex,
)
from callqa.scoring.view import CallView

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc


class Hit(NamedTuple):
    """One occurrence of a phrase (or proximity pair, or regex) in the call (a NamedTuple:
    cheap to create, and a call has dozens)."""

    start: int
    end: int
    """Token span in the call's Doc."""
    utterances: tuple[int, ...]
    """Indices into `transcript.utterances` (more than one when it spans a pause)."""
    turn: int
    text: str
    """The matched words, normalised."""
    negated_by: str | None
    """The negation cue before it ("cant" in "I can't help you"), else None."""


@dataclass(frozen=True)
class _NearSpec:
    first_key: str
    second_key: str
    within: int


@dataclass(frozen=True)
class SlotPatterns:
    """The compiled form of one phrase set (one field of one criterion)."""

    key: str
    near: tuple[_NearSpec, ...]
    regexes: tuple[Regex, ...]
    """RE2 patterns: linear time whatever the scorecard says (see `compile_regex`)."""
    summary: str
    """How a reason names the set: "'thank you for calling', 'hello' and 10 more"."""


@cache
def blank_pipeline(language: str) -> Language:
    """spaCy's blank pipeline for `language`: its tokenizer only, no model download (Chinese:
    by character), without the tokenizer's special cases. Those exist to split contractions
    ("can't" -> "ca", "n't") and keep abbreviations whole ("a.m."); normalised text has no
    apostrophes or dots, so all they still do is split words such as "cant" and "im", which
    also stops the tokenizer caching them: 3-4 times slower on a call, and "won't" two words."""
    import spacy

    nlp = spacy.blank(language)
    tokenizer: Any = nlp.tokenizer  # spaCy's Tokenizer is compiled and has no type stubs
    if getattr(tokenizer, "rules", None):  # Chinese's character segmenter has none
        tokenizer.rules = {}
    return nlp


class CompiledScorecard:
    """Every phrase set of a scorecard in one language, compiled for one matcher pass."""

    def __init__(self, scorecard: Scorecard, language: str) -> None:
        from spacy.matcher import PhraseMatcher

        self.scorecard = scorecard
        self.language = language
        self.rules: LanguageRules = LANGUAGE_RULES[language]
        self.nlp = blank_pipeline(language)
        self.matcher: PhraseMatcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.slots: dict[str, SlotPatterns] = {}
        self._key_names: dict[int, str] = {}
        for criterion in scorecard.criteria:
            for field, phrase_set in criterion.phrase_sets().items():
                key = f"{criterion.id}.{field}"
                self.slots[key] = self._compile_slot(key, phrase_set)
        self.negation_cues = [(self._tokens(cue), cue) for cue in self.rules.negation_cues]
        self.negation_starts = frozenset(cue[0] for cue, _ in self.negation_cues)
        self.pseudo_negations = [self._tokens(cue) for cue in self.rules.pseudo_negations]

    def _tokens(self, text: str) -> tuple[int, ...]:
        """ORTH hashes of the tokens of `text`, as the Doc of a call has them."""
        return tuple(t.orth for t in self.nlp.make_doc(normalise(text, self.language)))

    def _add(self, key: str, phrases: Sequence[str]) -> None:
        docs = [self.nlp.make_doc(normalise(p, self.language)) for p in phrases]
        self.matcher.add(key, [doc for doc in docs if len(doc)])
        self._key_names[self.nlp.vocab.strings[key]] = key

    def _compile_slot(self, key: str, phrase_set: PhraseSet) -> SlotPatterns:
        alternatives = phrase_set.get(self.language, ())
        texts = [a for a in alternatives if isinstance(a, str)]
        if texts:
            self._add(key, texts)
        near: list[_NearSpec] = []
        for position, alternative in enumerate(alternatives):
            if isinstance(alternative, NearPhrase):
                spec = _NearSpec(f"{key}#{position}a", f"{key}#{position}b", alternative.within)
                self._add(spec.first_key, alternative.near[0])
                self._add(spec.second_key, alternative.near[1])
                near.append(spec)
        regexes = tuple(
            compile_regex(a.regex) for a in alternatives if isinstance(a, RegexPhrase)
        )
        return SlotPatterns(key, tuple(near), regexes, _summary(alternatives))

    def key_name(self, match_id: int) -> str:
        return self._key_names[match_id]


def _describe(alternative: str | NearPhrase | RegexPhrase) -> str:
    if isinstance(alternative, str):
        return repr(alternative)
    if isinstance(alternative, NearPhrase):
        first, second = ("/".join(terms) for terms in alternative.near)
        return f"{first!r} within {alternative.within} words of {second!r}"
    return f"/{alternative.regex}/"


def _summary(alternatives: Sequence[str | NearPhrase | RegexPhrase]) -> str:
    shown = [_describe(a) for a in alternatives[:4]]
    rest = len(alternatives) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest > 0 else "")


_CACHE: dict[tuple[str, str], CompiledScorecard] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def compiled_scorecard(scorecard: Scorecard, language: str) -> CompiledScorecard:
    """The compiled matcher for (scorecard content, language), built on first use only."""
    cache_key = (scorecard.digest, language)
    compiled = _CACHE.get(cache_key)
    if compiled is None:
        compiled = CompiledScorecard(scorecard, language)
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            compiled = _CACHE.setdefault(cache_key, compiled)
    return compiled


# --- finding hits in one call -------------------------------------------------------------

TURN_SEPARATOR = " | "


class CallMatches:
    """Every hit of every phrase set of a compiled scorecard in one call.

    Token positions, texts and turns are read from plain lists (token start offsets and ORTH
    hashes taken from the Doc once): creating spaCy Token objects per lookup costs more than
    the whole matcher pass."""

    def __init__(self, view: CallView, compiled: CompiledScorecard) -> None:
        self.view = view
        self.compiled = compiled
        texts = view.texts
        # Turns are joined by " | ": a token of its own that normalised text never holds, so
        # that no phrase spans a change of speaker; an utterance's pause inside a turn is " ".
        self.text = TURN_SEPARATOR.join(
            " ".join(texts[index] for index in turn.utterances) for turn in view.turns
        )
        self._utterance_at: list[int] = []
        self._utterance_chars: list[int] = []
        self._turn_starts: list[int] = []
        position = 0
        for turn in view.turns:
            self._turn_starts.append(position)
            for index in turn.utterances:
                self._utterance_chars.append(position)
                self._utterance_at.append(index)
                position += len(texts[index]) + 1
            position += len(TURN_SEPARATOR) - 1
        self.doc: Doc = compiled.nlp.make_doc(self.text)
        self._hits: dict[str, list[Hit]] = {}
        if not len(self.doc):
            return
        table = self.doc.to_array(["IDX", "ORTH"])
        self._token_chars: list[int] = table[:, 0].tolist()
        self._token_orths: list[int] = table[:, 1].tolist()
        self._turn_first_token = [bisect_left(self._token_chars, c) for c in self._turn_starts]
        raw: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in compiled.matcher(self.doc):
            raw.setdefault(compiled.key_name(match_id), []).append((start, end))
        for key, slot in compiled.slots.items():
            hits = [self._hit(s, e) for s, e in _longest_first(raw.get(key, []))]
            for spec in slot.near:
                hits += self._near_hits(spec, raw)
            for pattern in slot.regexes:
                hits += self._regex_hits(pattern)
            if hits:
                self._hits[key] = sorted(hits, key=lambda hit: hit.start)

    def hits(self, key: str) -> list[Hit]:
        """Hits of one phrase set, keyed `criterion_id.field`, in call order."""
        return self._hits.get(key, [])

    def _turn_at(self, token: int) -> int:
        return bisect_right(self._turn_starts, self._token_chars[token]) - 1

    def _hit(self, start: int, end: int, *, inside: tuple[int, int] | None = None) -> Hit:
        chars = self._token_chars
        first = bisect_right(self._utterance_chars, chars[start]) - 1
        last = bisect_right(self._utterance_chars, chars[end - 1]) - 1
        text_end = chars[end] if end < len(chars) else len(self.text)
        return Hit(
            start=start,
            end=end,
            utterances=tuple(self._utterance_at[first : last + 1]),
            turn=self._turn_at(start),
            text=self.text[chars[start] : text_end].rstrip(),
            negated_by=self._negation(start, inside),
        )

    def _negation(self, start: int, inside: tuple[int, int] | None) -> str | None:
        """A negation cue within the language's window before `start` (and, for a proximity
        pair, between its terms: "this call is not recorded"), in the same turn."""
        lowest = self._turn_first_token[self._turn_at(start)]
        positions = list(range(max(lowest, start - self.compiled.rules.negation_window), start))
        if inside is not None:
            positions += range(*inside)
        orths = self._token_orths
        starts = self.compiled.negation_starts
        for position in positions:
            if orths[position] not in starts:
                continue  # the usual case, one set lookup
            for cue, cue_text in self.compiled.negation_cues:
                if tuple(orths[position : position + len(cue)]) != cue:
                    continue
                if not any(
                    tuple(orths[position : position + len(pseudo)]) == pseudo
                    for pseudo in self.compiled.pseudo_negations
                ):
                    return cue_text
        return None

    def _near_hits(self, spec: _NearSpec, raw: dict[str, list[tuple[int, int]]]) -> list[Hit]:
        hits: list[Hit] = []
        seen: set[tuple[int, int]] = set()
        for a_start, a_end in raw.get(spec.first_key, []):
            for b_start, b_end in raw.get(spec.second_key, []):
                if b_start >= a_end:
                    distance, gap = b_start - a_end + 1, (a_end, b_start)
                elif a_start >= b_end:
                    distance, gap = a_start - b_end + 1, (b_end, a_start)
                else:
                    continue  # the same words: not two terms
                start, end = min(a_start, b_start), max(a_end, b_end)
                if distance > spec.within or (start, end) in seen:
                    continue
                if self._turn_at(start) != self._turn_at(end - 1):
                    continue
                seen.add((start, end))
                hits.append(self._hit(start, end, inside=gap))
        return hits

    def _regex_hits(self, pattern: Regex) -> list[Hit]:
        hits: list[Hit] = []
        for found in pattern.finditer(self.text):
            if found.end() == found.start():
                continue
            # The tokens the match touches, whole (spaCy's "expand" alignment).
            start = bisect_right(self._token_chars, found.start()) - 1
            end = bisect_left(self._token_chars, found.end())
            if self._turn_at(start) == self._turn_at(end - 1):
                hits.append(self._hit(start, end))
        return hits


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop matches inside a longer one of the same set ("thank you" in "thank you for
    calling"): one occurrence, one piece of evidence."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if kept and start < kept[-1][1] and end <= kept[-1][1]:
            continue
        kept.append((start, end))
    return kept
