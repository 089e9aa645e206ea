"""The clauses of a turn, from the transcript's own punctuation: whether a match is asked rather
than said ("Is it working now?"), and whether the negation cue before it stands in its clause
("It's not you. Sorry about that.": the "not" does not negate "sorry").

Matching runs on normalised text, which has no punctuation; these checks go back to the words
as transcribed, and only for the few hits that need them (negated hits, and the confirmations
and acknowledgements of resolution and empathy), so they cost nothing on most calls. Without
punctuation (some ASR output) a turn is one clause and only the language's cues apply
(`callqa.scoring.languages`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from callqa.domain.text import normalise, normalise_many
from callqa.scoring.languages import LANGUAGE_RULES

if TYPE_CHECKING:
    from callqa.scoring.criteria.common import CallContext
    from callqa.scoring.matching import Hit

_CLAUSE_END = re.compile(r"([,.!?;:،؛؟。，！？；：、…]+)")
_QUESTION_MARKS = frozenset("?？؟")
_QUESTION_MARK = re.compile("[?？؟]")
_TRAILING_INTERJECTIONS = "啊呀呢哈嘛"


class Clause(NamedTuple):
    words: tuple[str, ...]
    """Normalised tokens: words, or characters for a language written without spaces."""
    question: bool
    """It ends with a question mark."""
    text: str
    """The words joined for searching: " w1 w2 " (spaced) or "字字" (by character)."""


def _clause(words: tuple[str, ...], question: bool, spaced: bool) -> Clause:
    return Clause(words, question, f" {' '.join(words)} " if spaced else "".join(words))


def turn_clauses(context: CallContext, turn: int, *, split: bool = True) -> tuple[Clause, ...]:
    """The clauses of one turn (all its utterances), cached on the context. With `split`
    False, or in a turn without punctuation, the whole turn is one clause, read from the view's
    normalised text (no second normalisation)."""
    key = turn if split else -1 - turn
    found = context.clauses.get(key)
    if found is not None:
        return found
    view = context.view
    utterances = view.turns[turn].utterances
    text = " ".join(view.utterance(i).text for i in utterances)
    spaced = LANGUAGE_RULES[view.language].spaced
    if not split or _CLAUSE_END.search(text) is None:
        whole = " ".join(view.texts[i] for i in utterances)
        found = (_clause(_tokens(whole, spaced), False, spaced),)
    else:
        pieces = _CLAUSE_END.split(text)
        bodies, ends = pieces[0::2], [*pieces[1::2], ""]
        found = tuple(
            _clause(words, bool(_QUESTION_MARKS & set(end)), spaced)
            for body, end in zip(normalise_many(bodies, view.language), ends, strict=True)
            if (words := _tokens(body, spaced))
        )
    context.clauses[key] = found
    return found


def _has_question_mark(context: CallContext, turn: int) -> bool:
    view = context.view
    return any(_QUESTION_MARK.search(view.utterance(i).text) for i in view.turns[turn].utterances)


def _occurrences(
    context: CallContext, hit: Hit, *, split: bool = True
) -> Iterator[tuple[Clause, int, int]]:
    """Each (clause, start, end) where the hit's words stand inside one clause of its turn."""
    spaced = LANGUAGE_RULES[context.view.language].spaced
    target = _tokens(hit.text, spaced)
    if not target:
        return
    needle = f" {' '.join(target)} " if spaced else "".join(target)
    for clause in turn_clauses(context, hit.turn, split=split):
        position = clause.text.find(needle)
        while position >= 0:
            # Spaced: the words before are the spaces before the match's leading one.
            start = clause.text.count(" ", 0, position) if spaced else position
            yield clause, start, start + len(target)
            position = clause.text.find(needle, position + 1)


def _tokens(text: str, spaced: bool) -> tuple[str, ...]:
    return tuple(text.split()) if spaced else tuple(text.replace(" ", ""))


_Cues = dict[str, tuple[tuple[str, ...], ...]]
"""Cue token sequences by their first token: one lookup per word before a match."""


@cache
def _cue_index(cues: tuple[str, ...], language: str) -> _Cues:
    """The cues as the clauses hold them (normalised: آیا reads ایا), by first token."""
    spaced = LANGUAGE_RULES[language].spaced
    index: dict[str, list[tuple[str, ...]]] = {}
    for cue in cues:
        if tokens := _tokens(normalise(cue, language), spaced):
            index.setdefault(tokens[0], []).append(tokens)
    return {first: tuple(found) for first, found in index.items()}


def _cue_before(
    words: tuple[str, ...], start: int, cues: tuple[str, ...], window: int, language: str,
    pseudo: tuple[str, ...] = (),
) -> bool:
    """A cue starting within `window` tokens before `start` (not a pseudo-cue there)."""
    by_first = _cue_index(cues, language)
    for position in range(max(0, start - window), start):
        for cue in by_first.get(words[position], ()):
            if words[position : position + len(cue)] != cue:
                continue
            pseudo_here = _cue_index(pseudo, language).get(words[position], ()) if pseudo else ()
            if not any(words[position : position + len(p)] == p for p in pseudo_here):
                return True
    return False


def asked(context: CallContext, hit: Hit) -> bool:
    """Whether the hit is asked, not said: in every clause that holds it, the clause ends with
    a question mark, a question cue stands shortly before it, or a question particle (吗)
    closes the clause right after it."""
    rules = LANGUAGE_RULES[context.view.language]
    found = False
    # Clauses matter for a question mark; without one, the cues are looked for in the turn's
    # text as matched (most turns: no second normalisation).
    split = _has_question_mark(context, hit.turn)
    for clause, start, end in _occurrences(context, hit, split=split):
        found = True
        after = "".join(clause.words[end:]).rstrip(_TRAILING_INTERJECTIONS)
        question = (
            clause.question
            or _cue_before(clause.words, start, rules.question_cues, rules.question_window,
                           context.view.language)
            or (bool(after) and after in rules.question_particles)
        )
        if not question:
            return False
    return found


def negated_in_clause(context: CallContext, hit: Hit) -> bool:
    """Whether the hit's negation cue really negates it: True unless the transcript's
    punctuation puts every cue before it in an earlier clause ("I'm not sure. Sorry about
    that."). A cue inside the hit (a `near` pair's gap: "this call is not recorded") is
    trusted as found."""
    cue = hit.negated_by
    if cue is None:
        return False
    rules = LANGUAGE_RULES[context.view.language]
    language = context.view.language
    if _contains(_tokens(hit.text, rules.spaced), _tokens(normalise(cue, language), rules.spaced)):
        return True
    occurrences = list(_occurrences(context, hit))
    if not occurrences:
        return True  # spans a clause boundary: keep what matching found
    return any(
        _cue_before(clause.words, start, rules.negation_cues, rules.negation_window,
                    context.view.language, rules.pseudo_negations)
        for clause, start, _ in occurrences
    )


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))
