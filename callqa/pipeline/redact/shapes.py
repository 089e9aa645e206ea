"""What a number or a spoken address looks like: phone numbers by country, ordinals, the
parts of an e-mail address said aloud ('john dot smith at gmail dot com')."""

from __future__ import annotations

from collections.abc import Sequence

from callqa.pipeline.redact.lexicon import (
    EMAIL_AT,
    EMAIL_DOT,
    EMAIL_JOIN,
    EMAIL_NOT_LOCAL,
    EN_ORDINALS,
    FA_ORDINALS,
    NUMBER_WORDS,
    TLDS,
    ZH_DIGITS,
)
from callqa.pipeline.redact.numbers import Token


def ordinal(norm: str, language: str) -> bool:
    if language == "en":
        return norm in EN_ORDINALS
    if language == "fa":
        if norm in FA_ORDINALS:
            return True
        stem = norm[:-1] if norm.endswith("م") else ""
        return bool(stem) and (stem in NUMBER_WORDS["fa"] or stem.rstrip("ا") in
                               NUMBER_WORDS["fa"])
    return False


def phone_shaped(digits: str, language: str, plus: bool) -> bool:
    """A phone number by its prefix and length, in the countries of the language."""
    n = len(digits)
    international = plus or digits.startswith("00")
    bare = digits[2:] if digits.startswith("00") else digits
    if international and 10 <= len(bare) <= 15:
        return True
    if language == "en":
        uk = digits[0] == "0" and digits[1] in "123789" and n in (10, 11)
        us = n == 10 and digits[0] in "23456789" and digits[3] in "23456789"
        us_one = n == 11 and digits[0] == "1" and digits[1] in "23456789"
        return uk or us or us_one
    if language == "fa":
        return (n == 11 and digits.startswith("09")) or (
            n == 11 and digits[0] == "0" and digits[1] in "12345678")
    if language == "zh":
        return (n == 11 and digits[0] == "1" and digits[1] in "3456789") or (
            digits[0] == "0" and 10 <= n <= 12)
    return False


def email_domain_end(tokens: Sequence[Token], stream: Sequence[int], at: int) -> int | None:
    """Stream position of the top-level domain after an 'at' ('gmail dot com'), or None."""
    pos = at + 1
    labels = 0
    end = None
    while pos < len(stream) and pos - at <= 12:
        norm = tokens[stream[pos]].norm
        if norm in EMAIL_DOT and labels:
            pos += 1
            continue
        if not (norm.isalnum() or norm in EMAIL_JOIN) or norm in EMAIL_AT:
            break
        if labels and norm in TLDS and tokens[stream[pos - 1]].norm in EMAIL_DOT:
            end = pos
        labels += 1
        pos += 1
    return end


def email_local_start(tokens: Sequence[Token], stream: Sequence[int], at: int,
                       language: str) -> int | None:
    """Stream position where the local part before an 'at' begins ('john dot smith'),
    or None when there is none."""
    pos = at - 1
    begin = None
    words = 0
    while pos >= 0 and at - pos <= 24:
        token = tokens[stream[pos]]
        norm = token.norm
        if norm in EMAIL_DOT or norm in EMAIL_JOIN:
            pos -= 1
            continue
        if norm in EMAIL_NOT_LOCAL or not norm.isalnum() or (
                language == "zh" and not norm.isascii() and norm not in ZH_DIGITS):
            break
        joined = pos > 0 and tokens[stream[pos - 1]].norm in EMAIL_DOT | EMAIL_JOIN
        digit_like = norm.isdigit() or norm in ZH_DIGITS or norm in NUMBER_WORDS.get(
            language, {})
        if not digit_like:
            words += 1
        if words > 3 and not joined:
            break
        begin = pos
        if language != "zh" and not joined and not digit_like and words >= 2:
            break
        pos -= 1
    return begin
