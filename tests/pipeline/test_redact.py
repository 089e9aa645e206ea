"""Redaction of transcripts and text: the bar of issue 16 in each language, words and their
times, the settings, and the readers underneath (spoken digits, check digits)."""

from __future__ import annotations

import pytest

from callqa.configs.settings import RedactionSettings
from callqa.domain.records import Role, Transcript
from callqa.pipeline.redact import Kind, redact_text, redact_transcript
from callqa.pipeline.redact.checks import (
    chinese_id_valid,
    iban_valid,
    iranian_id_valid,
    luhn_valid,
    plausible_card,
)
from callqa.pipeline.redact.numbers import digit_runs, tokenize
from tests.factories import build_transcript, utterance

A, C = Role.AGENT, Role.CUSTOMER
CARD = "4532015112830366"

BAR_CALLS: dict[str, list[tuple[Role, str]]] = {
    "en": [
        (A, "Thanks. Can I take the long card number please?"),
        (C, "yes it's four five three two, zero one five one"),
        (C, "1283 0366"),
        (A, "and the three digits on the back?"),
        (C, "seven three seven"),
        (A, "and a phone number in case we get cut off?"),
        (C, "07700 900123"),
        (C, "it's for order number 58213377 which was £49.99"),
    ],
    "fa": [
        (A, "شماره کارت رو بفرمایید"),
        (C, "چهار پنج سه دو، صفر یک پنج یک"),
        (C, "۱۲۸۳ ۰۳۶۶"),
        (A, "کد امنیتی پشت کارت؟"),
        (C, "هفت سه هفت"),
        (A, "شماره موبایلتون؟"),
        (C, "۰۹۱۲ ۹۸۷ ۶۵۴۳"),
        (C, "برای سفارش شماره ۵۸۲۱۳۳۷۷ هست که قیمتش ۴۹۰ هزار تومان بود"),
    ],
    "zh": [
        (A, "请提供一下银行卡号"),
        (C, "四五三二 零一五一"),
        (C, "1283 0366"),
        (A, "卡背面的三位安全码是多少"),
        (C, "七三七"),
        (A, "您的手机号"),
        (C, "幺三九 幺二三四 五六七八"),
        (C, "订单号 58213377 价格 499 元"),
    ],
}


def call(language: str, lines: list[tuple[Role, str]]) -> Transcript:
    return build_transcript([utterance(role, 3.0 * i, 3.0 * i + 2.5, text)
                             for i, (role, text) in enumerate(lines)], language=language)


def surviving_digits(transcript: Transcript) -> list[str]:
    """Every digit run left in the texts and words, read in the transcript's language."""
    texts = [u.text for u in transcript.utterances]
    texts += [w.text for u in transcript.utterances for w in u.words]
    runs = []
    for text in texts:
        tokens = tokenize(text)
        runs += [r.digits for r in digit_runs(tokens, range(len(tokens)), frozenset(),
                                              transcript.language)]
    return runs


@pytest.mark.parametrize("language", sorted(BAR_CALLS))
def test_the_bar_card_in_words_and_digits_security_code_and_phone(language: str) -> None:
    redacted, spans = redact_transcript(call(language, BAR_CALLS[language]))
    texts = [u.text for u in redacted.utterances]
    assert "[PCI:CARD]" in texts[1] and "[PCI:CARD]" in texts[2]
    assert "[PCI:CVV]" in texts[4]
    assert "[PII:PHONE]" in texts[6]
    survivors = surviving_digits(redacted)
    for start in range(len(CARD) - 3):
        piece = CARD[start:start + 4]
        assert not any(piece in run for run in survivors), (piece, survivors)
    assert not any("737" in run for run in survivors)
    assert "58213377" in survivors, "the order number survives"
    assert any(price in survivors for price in ("4999", "490", "499")), "the price survives"
    assert {s.kind for s in spans} >= {Kind.CARD, Kind.CVV, Kind.PHONE}
    assert not {s.kind for s in spans} - {Kind.CARD, Kind.CVV, Kind.PHONE}


def test_words_become_the_tag_with_their_times() -> None:
    original = call("en", BAR_CALLS["en"])
    redacted, spans = redact_transcript(original)
    first_half = redacted.utterances[1]
    assert [w.text for w in first_half.words] == [" yes", " it's", " [PCI:CARD]"]
    tag = first_half.words[2]
    spoken = original.utterances[1].words
    assert (tag.start, tag.end) == (spoken[2].start, spoken[-1].end)
    card_spans = [s for s in spans if s.kind == Kind.CARD]
    assert [(s.utterance, s.start, s.end) for s in card_spans] == [
        (1, spoken[2].start, spoken[-1].end), (2, 6.0, 8.5)]
    assert all(s.channel is None for s in spans)
    for u in redacted.utterances:
        assert " ".join(u.text.split()) == "".join(w.text for w in u.words).strip()
    assert redacted.utterances[0] == original.utterances[0]


def test_an_utterance_without_words_gives_its_own_times() -> None:
    transcript = build_transcript([utterance(C, 1.0, 4.0, "my CVV is 123", spoken=())])
    redacted, spans = redact_transcript(transcript)
    assert redacted.utterances[0].text == "my CVV is [PCI:CVV]"
    assert [(s.kind, s.start, s.end) for s in spans] == [(Kind.CVV, 1.0, 4.0)]


def test_the_setting_chooses_the_kinds() -> None:
    settings = RedactionSettings(kinds=frozenset({"PCI:CARD", "PCI:CVV", "PCI:EXPIRY"}))
    redacted, spans = redact_transcript(call("en", BAR_CALLS["en"]), settings)
    assert "07700 900123" in redacted.utterances[6].text
    assert {s.kind for s in spans} == {Kind.CARD, Kind.CVV}


def test_nothing_to_redact_returns_the_same_transcript() -> None:
    transcript = call("en", [(C, "I called at ten thirty about order 4417 2290, it was £12")])
    assert redact_transcript(transcript) == (transcript, [])


@pytest.mark.parametrize(("language", "text", "expected"), [
    ("en", "card 4532-0151-1283-0366 exp 09/27 cvv 123",
     "card [PCI:CARD] exp [PCI:EXPIRY] cvv [PCI:CVV]"),
    ("en", "my email is john dot smith at gmail dot com, date of birth 12/05/1985",
     "my email is [PII:EMAIL], date of birth [PII:DOB]"),
    ("en", "IBAN GB82 WEST 1234 5698 7654 32, SSN 078-05-1120, postcode SW1A 1AA",
     "IBAN [PII:IBAN], SSN [PII:NATIONAL_ID], postcode [PII:POSTCODE]"),
    ("en", "the bill was two hundred and twelve pounds on the 5th of May",
     "the bill was two hundred and twelve pounds on the 5th of May"),
    ("fa", "کد ملی ۰۴۱۱۴۴۲۶۹۴ و شماره سفارش ۴۵۸۲۱۳",
     "کد ملی [PII:NATIONAL_ID] و شماره سفارش ۴۵۸۲۱۳"),
    ("zh", "身份证号110105199003071239，订单号20231125",
     "身份证号[PII:NATIONAL_ID]，订单号20231125"),
])
def test_redact_text(language: str, text: str, expected: str) -> None:
    redacted, spans = redact_text(text, language)
    assert redacted == expected
    for found in spans:
        assert 0 <= found.start < found.end <= len(text)


@pytest.mark.parametrize(("language", "text", "digits"), [
    ("en", "four five three two", ["4532"]),
    ("en", "forty five thirty two, oh one fifty one", ["45320151"]),
    ("en", "double five triple oh", ["55000"]),
    ("en", "nineteen eighty five", ["1985"]),
    ("en", "two thousand and five", ["2005"]),
    ("en", "four hundred and twelve", ["412"]),
    ("en", "oh seven seven double oh, nine double oh one two three", ["07700900123"]),
    ("en", "oh well, it is four", ["4"]),
    ("en", "uh 4 5 for 2", ["4542"]),
    ("fa", "شصت و دو بیست و دو", ["6222"]),
    ("fa", "هزار و سیصد و شصت و پنج", ["1365"]),
    ("fa", "۶۲۲۲ ٠٢١٢", ["62220212"]),
    ("fa", "نه ممنون", []),
    ("zh", "六二二二 零二", ["622202"]),
    ("zh", "幺三九 两千零五", ["1392005"]),
    ("zh", "三十二号", ["32"]),
])
def test_spoken_digits(language: str, text: str, digits: list[str]) -> None:
    tokens = tokenize(text)
    runs = digit_runs(tokens, range(len(tokens)), frozenset(), language)
    assert [r.digits for r in runs] == digits


def test_check_digits() -> None:
    assert luhn_valid(CARD) and plausible_card(CARD)
    assert not luhn_valid("4532015112830367")
    assert not plausible_card("9532015112830369")  # no issuer starts with 9
    assert iban_valid("GB82 WEST 1234 5698 7654 32")
    assert iban_valid("IR062960000000100324200001")
    assert not iban_valid("GB82 WEST 1234 5698 7654 33")
    assert iranian_id_valid("0411442694") and not iranian_id_valid("0411442695")
    assert not iranian_id_valid("1111111111")
    assert chinese_id_valid("110105199003071239") and not chinese_id_valid("110105199003071238")
