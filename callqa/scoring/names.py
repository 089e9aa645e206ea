"""Finding a person's name in what the agent said, tolerant of ASR misspellings.

The name comes from the call metadata (the CRM). Name forms are templates such as `{first}`,
`{title} {last}` or, in Chinese, `{last}{title}` (王先生). A heard word counts as a name part
when its Jaro-Winkler similarity to it reaches the criterion's `min_similarity` (0.85 by
default: "patrisha" for "patricia" is 0.90) and its length is close (within a quarter of the
name's length, at least one letter), so that "will" does not pass for "williams". Names of
three letters or fewer must match exactly. A bare first name that is also a common word of the
language (a spaCy stop word such as "will" or "may") is only accepted with a title or the full
name.

Chinese names (and any name in Chinese characters) are matched exactly, by character:
surname = the first character, given name = the rest (compound surnames such as 欧阳 are
not split correctly); homophones written with other characters are not found.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from callqa.domain.text import is_cjk, normalise

_Unit = tuple[tuple[str, ...], ...] | str
"""A title slot (the title alternatives, each as tokens) or a name part (fuzzy-matched)."""


@dataclass(frozen=True)
class NameSpec:
    name: str
    """As given in the metadata."""
    forms: tuple[str, ...]
    """Readable forms searched ("patricia", "mr/mrs/ms brown")."""
    patterns: tuple[tuple[_Unit, ...], ...]
    """Token patterns (spaced names) ..."""
    strings: tuple[str, ...]
    """... or exact strings (names in Chinese characters)."""
    name_tokens: tuple[str, ...]
    """Every token of every name part: a quick test before the full search."""


@dataclass(frozen=True)
class NameHit:
    text: str
    similarity: float


@lru_cache(maxsize=4096)
def name_spec(
    name: str,
    forms: tuple[str, ...],
    titles: tuple[str, ...],
    language: str,
    common_words: frozenset[str] = frozenset(),
) -> NameSpec | None:
    """The forms of `name` to listen for; None when no form can be built (e.g. a one-word name
    and only `{title} {last}` forms). Cached: the same customers and agents call again."""
    normalised = normalise(name, language)
    if not normalised:
        return None
    if is_cjk(normalised) and " " not in normalised:
        parts = {"last": normalised[0], "first": normalised[1:], "full": normalised}
        title_list = [normalise(t, language).replace(" ", "") for t in titles]
        strings = sorted(
            {text for form in forms for text in _expand(form, parts, title_list) if len(text) > 1},
            key=len, reverse=True,
        )
        return NameSpec(name, tuple(strings), (), tuple(strings), ()) if strings else None
    title_tokens = tuple(tuple(normalise(t, language).split()) for t in titles)
    words = normalised.split()
    while len(words) > 1 and (words[0],) in title_tokens:
        words.pop(0)  # a CRM name such as "Dr. John Smith": the title is not the first name
    parts = {"first": words[0], "full": " ".join(words)}
    if len(words) > 1:
        parts["last"] = words[-1]
    patterns: list[tuple[_Unit, ...]] = []
    readable: list[str] = []
    for form in forms:
        fields = [f for _, f, _, _ in string.Formatter().parse(form) if f]
        if any(f != "title" and f not in parts for f in fields) or (
            "title" in fields and not title_tokens
        ):
            continue
        if fields == ["first"] and parts["first"] in common_words:
            continue  # "will", "may": too common to count on its own
        units: list[_Unit] = []
        for literal, field, _, _ in string.Formatter().parse(form):
            units += [(tuple(w.split()),) for w in normalise(literal, language).split()]
            if field == "title":
                units.append(title_tokens)
            elif field:
                units.append(parts[field])
        patterns.append(tuple(units))
        readable.append(_readable(units))
    if not patterns:
        return None
    tokens = tuple(sorted({w for p in parts.values() for w in p.split()}))
    return NameSpec(name, tuple(readable), tuple(patterns), (), tokens)


def _expand(form: str, parts: dict[str, str], titles: Sequence[str]) -> list[str]:
    fields = [f for _, f, _, _ in string.Formatter().parse(form) if f]
    if any(f != "title" and f not in parts for f in fields):
        return []
    if "title" in fields:
        return ["".join(form.format(title=title, **parts).split()) for title in titles if title]
    return ["".join(form.format(**parts).split())]


def _readable(units: Sequence[_Unit]) -> str:
    return " ".join(
        unit if isinstance(unit, str) else "/".join(" ".join(t) for t in unit) for unit in units
    )


def find_name(text: str, spec: NameSpec, min_similarity: float) -> NameHit | None:
    """The best form of the name in one normalised utterance text, or None."""
    if spec.strings:
        compact = text.replace(" ", "")
        return next((NameHit(s, 1.0) for s in spec.strings if s in compact), None)
    from rapidfuzz import process  # imported here: only name criteria need it
    from rapidfuzz.distance import JaroWinkler

    tokens = text.split()
    # Words resembling a part of the name, found in C; usually there are none.
    near_name = {
        index
        for name_token in spec.name_tokens
        for _, _, index in process.extract(
            name_token, tokens, scorer=JaroWinkler.normalized_similarity,
            score_cutoff=min_similarity, limit=None,
        )
    }
    if not near_name:
        return None
    starts = sorted({p for i in near_name for p in range(max(0, i - _LONGEST_LEAD), i + 1)})
    best: NameHit | None = None
    for pattern in spec.patterns:
        for position in starts:
            hit = _match_at(tokens, position, pattern, min_similarity)
            # The most similar form, and of equals the longest ("patricia brown", not "patricia").
            if hit is not None and (
                best is None or (hit.similarity, len(hit.text)) > (best.similarity, len(best.text))
            ):
                best = hit
    return best


_LONGEST_LEAD = 4
"""Words a form can have before a name part ("sarkar khanom doctor ..."): where to start."""


def _match_at(
    tokens: Sequence[str], position: int, pattern: Sequence[_Unit], min_similarity: float
) -> NameHit | None:
    cursor, similarity = position, 1.0
    for unit in pattern:
        if isinstance(unit, str):
            width = len(unit.split())
            if cursor + width > len(tokens):
                return None
            score = name_similarity(" ".join(tokens[cursor : cursor + width]), unit)
            if score < min_similarity:
                return None
            similarity = min(similarity, score)
            cursor += width
        else:
            title = next((t for t in unit if tuple(tokens[cursor : cursor + len(t)]) == t), None)
            if title is None:
                return None
            cursor += len(title)
    return NameHit(" ".join(tokens[position:cursor]), round(similarity, 3))


def name_similarity(heard: str, name: str) -> float:
    """Jaro-Winkler similarity, 0 when the lengths differ too much or a short name differs."""
    if heard == name:
        return 1.0
    if len(name) <= 3 or abs(len(heard) - len(name)) > max(1, len(name) // 4):
        return 0.0
    from rapidfuzz.distance import JaroWinkler

    return float(JaroWinkler.normalized_similarity(heard, name))
