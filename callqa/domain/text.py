"""Text normalisation shared by phrases, names and transcripts, so that both sides compare equal.

ASR text is often lower case without punctuation, and Persian has several spellings of the same
letters, so matching happens on a normalised form:

- lower case, apostrophes dropped (`can't` -> `cant`, `I'm` -> `im`: ASR writes both ways),
  every other punctuation mark or symbol becomes a space, spaces are collapsed;
- non-speech tags such as `[noise]`, `<unk>`, `[baby]` are removed;
- Unicode NFKD, accents dropped (`josé` -> `jose`; full-width Chinese punctuation and Latin
  letters, Arabic presentation forms);
- Persian: Arabic `ي ى ئ` -> `ی`, Arabic `ك` -> `ک`, `ة ۀ` -> `ه`, `أ إ آ ٱ` -> `ا`, `ؤ` -> `و`,
  diacritics (harakat, superscript alef) and tatweel removed, Persian and Arabic-Indic digits ->
  ASCII; ZWNJ (the half-space) becomes a space and a verb's `می`/`نمی` prefix is split off, so
  that `می‌خواهم`, `میخواهم` and `می خواهم` all read `می خواهم`;
- Chinese: spaces between Chinese characters are removed (matching is by character).

`normalise_many` does the same for a list of texts in one pass (the whole call at once is much
faster than one call per utterance); no step creates or removes a newline, which separates them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fa", "zh")
"""Languages with normalisation, negation cues and a spaCy tokenizer here."""

_NON_SPEECH_TAG = re.compile(r"\[[^\]\n]*\]|<[^>\n]*>")
_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`\u00b4]")
_ASCII_TABLE = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "\n")}
    | dict.fromkeys("'`", None)
)
_RUNS_OF_SPACES = re.compile(r"  +")
_NOT_WORD = re.compile(r"(?:[^\w\n]|_)+")
_PERSIAN_VERB_PREFIX = re.compile(r"(?<!\w)(ن?می)(?=\w\w)")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")

_ZWNJ = "\u200c"
_PERSIAN_LETTERS = {
    "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
    "\u0649": "\u06cc",  # alef maksura -> Persian yeh
    "\u0626": "\u06cc",  # yeh with hamza -> Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c0": "\u0647",  # heh with yeh above -> heh
    "\u0623": "\u0627",  # alef with hamza above -> alef
    "\u0625": "\u0627",  # alef with hamza below -> alef
    "\u0622": "\u0627",  # alef with madda -> alef (ASR and keyboards drop the madda)
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0624": "\u0648",  # waw with hamza -> waw
    _ZWNJ: " ",  # half-space: a word boundary (see the verb prefix rule)
}
_REMOVED = (
    [chr(c) for c in range(0x0300, 0x0370)]  # Latin accents, once decomposed: josé -> jose
    + [chr(c) for c in range(0x064B, 0x0660)]  # harakat, shadda, sukun, hamza and madda marks
    + ["\u0670", "\u0640", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"]
)
_DIGITS = {chr(base + d): str(d) for base in (0x0660, 0x06F0) for d in range(10)}
_TRANSLATION = str.maketrans({**_PERSIAN_LETTERS, **dict.fromkeys(_REMOVED, ""), **_DIGITS})


def normalise(text: str, language: str) -> str:
    """The matching form of one text (phrase, name or utterance), on one line."""
    return normalise_many([text.replace("\n", " ")], language)[0]


def normalise_many(texts: Sequence[str], language: str) -> list[str]:
    """The matching form of each text; one pass over all of them."""
    if not texts:
        return []
    joined = "\n".join(text.replace("\n", " ") for text in texts)
    if "<" in joined or "[" in joined:
        joined = _NON_SPEECH_TAG.sub(" ", joined)
    if joined.isascii():
        # Most English calls: one translate, rather than regexes that visit every space.
        joined = _RUNS_OF_SPACES.sub(" ", joined.lower().translate(_ASCII_TABLE))
    else:
        joined = unicodedata.normalize("NFKD", joined).translate(_TRANSLATION).casefold()
        joined = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", joined))
        if language == "fa":
            joined = _PERSIAN_VERB_PREFIX.sub(r"\1 ", joined)
        elif language == "zh":
            joined = _SPACE_BETWEEN_CJK.sub("", joined)
    return [part.strip() for part in joined.split("\n")]


UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th"})
"""Languages written without spaces between words: phrases are matched by character."""


def language_of(code: str) -> str:
    """The primary language subtag: `zh-CN` -> `zh`, `EN` -> `en`."""
    return code.strip().lower().split("-")[0].split("_")[0]


def is_spaced(language: str) -> bool:
    """Whether words of `language` (a code such as `en` or `zh-CN`) are separated by spaces."""
    return language_of(language) not in UNSPACED_LANGUAGES


def contains_phrase(text: str, phrase: str, spaced: bool) -> bool:
    """Whether normalised `text` holds normalised `phrase`: as whole words, or by character
    in a language written without spaces."""
    if not spaced:
        return phrase.replace(" ", "") in text.replace(" ", "")
    return f" {phrase} " in f" {text} "


def is_cjk(text: str) -> bool:
    """True when `text` holds Chinese characters (names are then matched by character)."""
    return re.search(f"[{_CJK}]", text) is not None
