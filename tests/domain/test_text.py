"""Normalisation: what a phrase and an ASR transcript must have in common to match."""

from __future__ import annotations

import pytest

from callqa.domain.text import SUPPORTED_LANGUAGES, normalise, normalise_many
from callqa.scoring.languages import LANGUAGE_RULES, language_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thank you for calling, Mr. Harris!", "thank you for calling mr harris"),
        ("thank you for calling mr harris", "thank you for calling mr harris"),
        ("I can't help you.", "i cant help you"),
        ("I CAN’T HELP YOU", "i cant help you"),  # typographic apostrophe
        ("follow-up  call\tnow", "follow up call now"),
        ("[noise] okay <unk> bye", "okay bye"),
        ("José", "jose"),
        ("It's $15 a month.", "its 15 a month"),
        ("...", ""),
    ],
)
def test_english_is_case_and_punctuation_insensitive(text: str, expected: str) -> None:
    assert normalise(text, "en") == expected


def test_normalise_many_keeps_one_result_per_text() -> None:
    texts = ["Hello.", "", "[noise]", "Bye, now!", "a\nb"]
    assert normalise_many(texts, "en") == ["hello", "", "", "bye now", "a b"]
    assert normalise_many([], "en") == []


@pytest.mark.parametrize(
    "variant",
    [
        "می‌خواهم",  # with ZWNJ (the correct half-space)
        "میخواهم",  # glued, as many keyboards and ASR write it
        "می خواهم",  # with a full space
        "مي‌خواهم",  # Arabic yeh
    ],
)
def test_persian_spellings_of_one_word_agree(variant: str) -> None:
    assert normalise(variant, "fa") == "می خواهم"


@pytest.mark.parametrize(
    ("arabic_form", "persian_form"),
    [
        ("كمك", "کمک"),  # Arabic kaf -> Persian keheh
        ("يك", "یک"),  # Arabic yeh -> Persian yeh
        ("مُتَأَسِّفَم", "متاسفم"),  # diacritics and hamza dropped
        ("متأسفم", "متاسفم"),
        ("خانه‌ای", "خانه ای"),
        ("۱۲۳ ريال", "123 ریال"),  # Persian digits
        ("سلام، خوش آمدید؟", "سلام خوش امدید"),  # Persian punctuation, alef madda
    ],
)
def test_persian_letter_variants(arabic_form: str, persian_form: str) -> None:
    assert normalise(arabic_form, "fa") == normalise(persian_form, "fa") == persian_form


def test_chinese_drops_punctuation_and_spaces_between_characters() -> None:
    assert normalise("您好， 欢迎 致电！", "zh") == "您好欢迎致电"
    assert normalise("您好，ＡＢＣ 公司", "zh") == "您好 abc 公司"  # full-width Latin folded


def test_every_supported_language_has_rules() -> None:
    assert set(LANGUAGE_RULES) == set(SUPPORTED_LANGUAGES)
    for rules in LANGUAGE_RULES.values():
        for pseudo in rules.pseudo_negations:
            assert any(pseudo.startswith(cue) for cue in rules.negation_cues), pseudo


@pytest.mark.parametrize(("code", "language"), [("en", "en"), ("zh-CN", "zh"), ("FA", "fa")])
def test_language_of(code: str, language: str) -> None:
    assert language_of(code) == language
