"""Numbers as people say them, read into digit strings that point back at the words.

A call holds '4532 0151 1283 0366', 'four five three two', 'forty five thirty two', 'double
five', 'oh seven seven', 'شصت و دو بیست و دو', '۶۲۲۲', '六二二二 幺三九'. Each is read into a
`Run`: its digits, and for each digit the tokens it came from, so that a detector that finds
a card in the digits can name the words to replace.

A run goes on across commas, dashes, hesitations ('uh') and a pause between two utterances
of the same speaker; any other word ends it. 'and' (Persian 'و') stays inside one number
only where it joins its parts ('four hundred and twelve', 'بیست و سه').
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from callqa.pipeline.redact.lexicon import (
    FILLERS,
    NUMBER_WORDS,
    SEPARATORS,
    ZH_DIGITS,
    ZH_MULTIPLIERS,
    NumberWord,
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{_CJK}]|\d+|[^\W\d_{_CJK}]+(?:['’][^\W\d_{_CJK}]+)?|[^\w\s]|_")
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "ۀ": "ه",
                          "ة": "ه", "’": "'"})
_STRONG = frozenset({"lit", "unit", "teen", "tens", "hundreds", "hundred", "thousand", "zh"})


@dataclass(frozen=True)
class Token:
    segment: int
    start: int
    end: int
    text: str
    norm: str


def tokenize(text: str, segment: int = 0) -> list[Token]:
    return [Token(segment, m.start(), m.end(), m.group(),
                  m.group().lower().translate(_LETTERS)) for m in TOKEN.finditer(text)]


def digit_value(text: str) -> str:
    """ASCII digits of a run of Unicode digits ('۴۵' and '٤٥' are '45')."""
    return "".join(str(unicodedata.digit(c)) for c in text)


@dataclass(frozen=True)
class Run:
    """Digits read from consecutive tokens of one speaker. `spans[i]`: the first and last
    token (conversation indices) that digit i came from."""

    digits: str
    spans: tuple[tuple[int, int], ...]

    @property
    def first(self) -> int:
        return self.spans[0][0]

    @property
    def last(self) -> int:
        return self.spans[-1][1]

    def part(self, start: int, end: int) -> Run:
        return Run(self.digits[start:end], self.spans[start:end])


@dataclass
class _Item:
    token: int
    role: str
    value: int = 0
    literal: str = ""


def _classify(token: Token, words: dict[str, NumberWord], fillers: frozenset[str]) -> _Item | str:
    """A numeral item, or 'sep' (does not end a run), or 'break'."""
    text = token.norm
    if text[0].isdigit():
        return _Item(0, "lit", literal=digit_value(text))
    if text in ZH_DIGITS:
        return _Item(0, "zh", ZH_DIGITS[text], text)
    if text in ZH_MULTIPLIERS:
        return _Item(0, "zh", ZH_MULTIPLIERS[text], text)
    word = words.get(text)
    if word is not None:
        return _Item(0, word.role, word.value)
    if text in SEPARATORS or text in fillers:
        return "sep"
    return "break"


def digit_runs(tokens: Sequence[Token], stream: Sequence[int], breaks: frozenset[int],
               language: str) -> list[Run]:
    """The runs of one speaker's tokens (`stream`: their conversation indices in order);
    a run never goes on past a position in `breaks` (a long pause)."""
    words = NUMBER_WORDS.get(language, NUMBER_WORDS["en"])
    fillers = FILLERS.get(language, frozenset())
    runs: list[Run] = []
    phrase: list[_Item] = []
    for position, index in enumerate(stream):
        if position in breaks and phrase:
            runs.extend(_phrase_runs(phrase))
            phrase = []
        kind = _classify(tokens[index], words, fillers)
        if kind == "sep":
            continue
        if isinstance(kind, str):
            if phrase:
                runs.extend(_phrase_runs(phrase))
                phrase = []
            continue
        kind.token = index
        phrase.append(kind)
    if phrase:
        runs.extend(_phrase_runs(phrase))
    return runs


def _phrase_runs(items: list[_Item]) -> list[Run]:
    """Resolve the weak words of a phrase, then read each stretch between the words that
    are no numbers after all."""
    strong = [item.role in _STRONG or item.role == "repeat" for item in items]
    changed = True
    while changed:  # 'oh oh seven': the first 'oh' is a zero through the second
        changed = False
        for i, item in enumerate(items):
            if item.role != "weak" or strong[i]:
                continue
            # 'and' between numbers is looked through: 'هشتاد و نه' is 89.
            j = i - 1 - (i > 1 and items[i - 1].role == "and")
            k = i + 1 + (i + 2 < len(items) and items[i + 1].role == "and")
            left = j >= 0 and strong[j]
            right = k < len(items) and strong[k]
            both_sides = item.value in (2, 4)  # 'to', 'for': only between two digits
            if (left and right) if both_sides else (left or right):
                strong[i] = changed = True
    runs: list[Run] = []
    stretch: list[_Item] = []
    for item, is_number in zip(items, strong, strict=True):
        if item.role == "weak" and not is_number:
            runs.extend(_read(stretch))
            stretch = []
            continue
        if item.role == "weak":
            item = _Item(item.token, "unit", item.value)
        stretch.append(item)
    runs.extend(_read(stretch))
    return [run for run in runs if run.digits]


class _Reader:
    """Reads number words into chunks of digits: 'forty two' is 42, 'four two' is 4 2,
    'nineteen eighty five' 19 85, 'two thousand and five' 2005, 'double five' 55."""

    def __init__(self) -> None:
        self.runs: list[Run] = []
        self.digits: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self.acc: int | None = None
        self.big: int | None = None
        self.first = self.last = 0
        self.prev = ""
        self.repeat = 0
        self.repeat_token = 0

    def flush(self) -> None:
        if self.acc is not None or self.big is not None:
            self.emit(str((self.big or 0) + (self.acc or 0)), self.first, self.last)
        self.acc = self.big = None

    def emit(self, digits: str, first: int, last: int) -> None:
        self.digits.extend(digits)
        self.spans.extend([(first, last)] * len(digits))

    def end_run(self) -> None:
        self.flush()
        if self.digits:
            self.runs.append(Run("".join(self.digits), tuple(self.spans)))
        self.digits, self.spans, self.prev = [], [], ""

    def start(self, value: int, token: int, role: str) -> None:
        self.flush()
        self.acc, self.first, self.last, self.prev = value, token, token, role

    def add(self, value: int, token: int, role: str) -> None:
        self.acc = (self.acc or 0) + value
        self.last, self.prev = token, role

    def read(self, item: _Item) -> None:
        role, value, token = item.role, item.value, item.token
        joinable = self.prev in ("hundreds", "thousand", "and")
        if role == "and":
            if self.prev in ("hundred", "hundreds", "thousand", "tens") and (
                    self.acc is not None or self.big is not None):
                self.last, self.prev = token, "and"
            else:
                self.end_run()
            return
        if role == "repeat":
            self.flush()
            self.repeat, self.repeat_token, self.prev = value, token, "repeat"
            return
        if self.repeat:
            times, self.repeat = self.repeat, 0
            if role in ("unit", "lit"):
                digit = str(value) if role == "unit" else item.literal[0]
                self.emit(digit * times, self.repeat_token, token)
                if role == "lit" and len(item.literal) > 1:
                    self.emit(item.literal[1:], token, token)
                self.prev = "closed"
                return
        if role == "lit":
            self.flush()
            for digit in item.literal:
                self.emit(digit, token, token)
            self.prev = "lit"
        elif role == "unit":
            if (self.prev == "tens" and value) or joinable:
                self.add(value, token, "closed")
            else:
                self.start(value, token, "unit")
        elif role == "teen":
            if joinable or self.prev == "hundred":
                self.add(value, token, "closed")
            else:
                self.start(value, token, "teen")
        elif role == "tens":
            if (joinable or self.prev == "hundred") and (self.acc or 0) % 100 == 0:
                self.add(value, token, "tens")
            else:
                self.start(value, token, "tens")
        elif role == "hundreds":
            if self.prev in ("thousand", "and") and (self.acc or 0) == 0:
                self.add(value, token, "hundreds")
            else:
                self.start(value, token, "hundreds")
        elif role == "hundred":
            if self.acc is not None and 0 < self.acc < 100 and self.big is None and \
                    self.prev in ("unit", "teen", "tens", "closed"):
                self.acc *= 100
                self.last, self.prev = token, "hundred"
            else:
                self.start(100, token, "hundred")
        elif role == "thousand":
            if self.acc is not None and self.acc < 1000 and self.big is None:
                self.big, self.acc = self.acc * 1000, None
                self.last, self.prev = token, "thousand"
            else:
                self.flush()
                self.big, self.acc, self.first, self.last = 1000, None, token, token
                self.prev = "thousand"


def _read(items: list[_Item]) -> list[Run]:
    reader = _Reader()
    i = 0
    while i < len(items):
        if items[i].role == "zh":
            j = i
            while j < len(items) and items[j].role == "zh":
                j += 1
            reader.flush()
            group = items[i:j]
            for digits, first, last in _read_chinese(group):
                reader.emit(digits, first, last)
            reader.prev = "lit"
            i = j
            continue
        reader.read(items[i])
        i += 1
    reader.end_run()
    return reader.runs


def _read_chinese(group: list[_Item]) -> list[tuple[str, int, int]]:
    """Chinese numerals: digit by digit ('六二二二', '一九九零') except where a multiplier
    makes one number of them ('三十二' 32, '两千零五' 2005). A pause (a separator between
    the characters) ends a number."""
    out: list[tuple[str, int, int]] = []
    total = section = number = 0
    active = False
    first = last = 0

    def close() -> None:
        nonlocal total, section, number, active
        out.append((str(total + section + number), first, last))
        total = section = number = 0
        active = False

    for k, item in enumerate(group):
        following = group[k + 1] if k + 1 < len(group) else None
        if following is not None and following.token != item.token + 1:
            following = None  # a pause between them
        multiplier_next = following is not None and following.literal in ZH_MULTIPLIERS
        if item.literal in ZH_MULTIPLIERS:
            if not active:
                active, first = True, item.token
            if item.value == 10000:
                total += (section + number) * 10000
                section = 0
            else:
                section += (number or 1) * item.value
            number, last = 0, item.token
            if following is None:
                close()
            continue
        if active:
            number, last = item.value, item.token
            if (item.value and not multiplier_next) or following is None:
                close()
        elif multiplier_next:
            active, first, number, last = True, item.token, item.value, item.token
        else:
            out.append((str(item.value), item.token, item.token))
    if active:
        close()
    return out
