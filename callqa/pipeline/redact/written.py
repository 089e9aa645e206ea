"""Secrets in their written forms, found on the raw text: e-mail addresses, IBANs, US social
security and UK national insurance numbers, UK postcodes, Chinese resident ids. (Numbers
said in words go through `numbers` and `detect`.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callqa.pipeline.redact.checks import chinese_id_valid, iban_valid, ssn_shaped
from callqa.pipeline.redact.lexicon import Kind

_EMAIL = re.compile(r"[\w.+-]*\w@[\w-]+(?:\.[\w-]+)+", re.ASCII)
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\s?\d{2}(?:[ -]?[A-Z0-9]){10,32}")
_SSN = re.compile(r"(?<!\d)(\d{3})[- ](\d{2})[- ](\d{4})(?!\d)")
_NINO = re.compile(
    r"(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])")
_UK_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])")
_CN_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dA-Za-z])")


def written_secrets(text: str, language: str) -> Iterator[tuple[Kind, int, int]]:
    """(kind, start, end) of each written secret in `text`."""
    for match in _EMAIL.finditer(text):
        yield Kind.EMAIL, match.start(), match.end()
    for match in _IBAN.finditer(text):
        found = _longest_valid_iban(match.group())
        if found:
            yield Kind.IBAN, match.start(), match.start() + found
    for match in _SSN.finditer(text):
        if ssn_shaped("".join(match.groups())):
            yield Kind.NATIONAL_ID, match.start(), match.end()
    if language == "en":
        for match in _NINO.finditer(text):
            yield Kind.NATIONAL_ID, match.start(), match.end()
        for match in _UK_POSTCODE.finditer(text):
            yield Kind.POSTCODE, match.start(), match.end()
    for match in _CN_ID.finditer(text):
        if chinese_id_valid(match.group()):
            yield Kind.NATIONAL_ID, match.start(), match.end()


def _longest_valid_iban(candidate: str) -> int:
    """Length of the longest prefix of `candidate` that is a valid IBAN (the pattern may run
    on into a following word in capitals), or 0."""
    for end in range(len(candidate), 14, -1):
        if candidate[end - 1].isalnum() and iban_valid(candidate[:end]):
            return end
    return 0
