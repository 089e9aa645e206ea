"""What matching needs to know about each supported language, beyond its phrase sets.

Negation: a match is *negated* when one of the language's cues stands within `negation_window`
tokens before it, in the same turn ("I can't help you" does not count as "help you"). Cues are
written in normalised form (no apostrophes). A pseudo-negation starts with a cue but does not
negate what follows ("don't worry, I've fixed it", "no problem", 不好意思). A cue in an earlier
clause of the turn ("It's not you. Sorry about that.") does not negate: when the transcript
has punctuation, the criteria check that the cue stands in the match's own clause.

Questions: empathy and resolution ignore an acknowledgement or a confirmation that is asked
rather than said ("Is it working now?", "问题解决了吗", "مشکل حل شد؟"): its clause ends with a
question mark, a question cue stands within `question_window` tokens before it in its clause
("is it", "has that", آیا, 是不是), or, for Chinese, a question particle ends the clause right
after it (吗, 没有). ASR text without punctuation is only caught by the cues.
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
    question_cues: tuple[str, ...] = ()
    """Before a match, in its clause: the match is asked, not said."""
    question_particles: tuple[str, ...] = ()
    """Right after a match, ending its clause: the match is asked (Chinese 吗)."""
    question_window: int = 4
    """Tokens before a match searched for a question cue (characters for Chinese)."""


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
        # An inverted auxiliary opens a yes/no question: "is it working now", "has that
        # fixed it", "is there anything else I can't help with" (as ASR heard it).
        question_cues=(
            "is it", "is that", "is this", "is everything", "is there", "is your", "is the",
            "are you", "are they", "are we", "has it", "has that", "has this", "has the",
            "has your", "have you", "have they", "did it", "did that", "did this", "did the",
            "did you", "does it", "does that", "does this", "do you", "was it", "was that",
            "will it", "would it", "can you", "could you", "anything else",
        ),
        question_window=4,
    ),
    "fa": LanguageRules(
        # Persian negates verbs with a prefix (نمی, ن): "حل نشد" never matches "حل شد" anyway;
        # these are the free-standing cues that precede what they negate. نه and نخیر are
        # left out on purpose, like English "no": they answer ("نه، دیگه مشکلی نیست، درست شد",
        # "no, no more problem, it works") rather than negate what follows.
        negation_cues=("نمی", "هرگز", "هیچ", "بدون"),
        pseudo_negations=("هیچ مشکلی", "هیچ نگران", "هیچ کاری"),
        negation_window=3,
        spaced=is_spaced("fa"),
        question_cues=("آیا", "مگه", "مگر"),
        question_window=6,
    ),
    "zh": LanguageRules(
        negation_cues=("不", "没", "未", "别", "无法"),
        pseudo_negations=(
            "不好意思", "不客气", "不用谢", "不错", "没问题", "没关系", "没事", "别着急",
            "别担心", "不用担心", "不要担心", "不着急", "不用着急", "不要着急",
        ),
        negation_window=3,
        spaced=is_spaced("zh"),
        question_cues=("是不是", "有没有", "是否", "能不能", "可不可以", "会不会"),
        question_particles=("吗", "么", "没有", "没", "了吗", "了么", "了没", "了没有"),
        question_window=4,
    ),
}
