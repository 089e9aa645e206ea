"""What matching needs to know about each supported language, beyond its phrase sets.

Negation: a match is *negated* when one of the language's cues stands within `negation_window`
tokens before it, in the same turn ("I can't help you" does not count as "help you"). Cues are
written in normalised form (no apostrophes). A pseudo-negation starts with a cue but does not
negate what follows ("don't worry, I've fixed it", "no problem", 不好意思).
"""

from __future__ import annotations

from dataclasses import dataclass

from callqa.domain.text import is_spaced, language_of

__all__ = ["LANGUAGE_RULES", "LanguageRules", "language_of"]


@dataclass(frozen=True)
class LanguageRules:
    negation_cues: tuple[str, ...]
    pseudo_negations: tuple[str, ...]
    negation_window: int
    """Tokens before a match searched for a negation cue (characters for Chinese)."""
    spaced: bool
    """Words are separated by spaces; False for Chinese, which is matched by character."""


LANGUAGE_RULES: dict[str, LanguageRules] = {
    "en": LanguageRules(
        # "no" is left out on purpose: "no problem, I can help" and "no, thanks" are not negations.
        negation_cues=(
            "not", "never", "cant", "cannot", "dont", "doesnt", "didnt", "wont", "wouldnt",
            "couldnt", "shouldnt", "isnt", "arent", "wasnt", "werent", "havent", "hasnt",
            "hadnt", "aint", "unable", "nobody", "neither", "nor",
        ),
        pseudo_negations=(
            "dont worry", "not to worry", "never mind", "not only", "not a problem",
            "not at all", "dont hesitate",
        ),
        negation_window=3,
        spaced=is_spaced("en"),
    ),
    "fa": LanguageRules(
        # Persian negates verbs with a prefix (نمی, ن): "حل نشد" never matches "حل شد" anyway;
        # these are the free-standing cues that precede what they negate.
        negation_cues=("نه", "نمی", "هرگز", "هیچ", "بدون", "نخیر"),
        pseudo_negations=("هیچ مشکلی", "هیچ نگران"),
        negation_window=3,
        spaced=is_spaced("fa"),
    ),
    "zh": LanguageRules(
        negation_cues=("不", "没", "未", "别", "无法"),
        pseudo_negations=("不好意思", "不客气", "不用谢", "不错", "没问题", "没关系"),
        negation_window=3,
        spaced=is_spaced("zh"),
    ),
}
