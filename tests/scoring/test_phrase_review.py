"""The Persian and Chinese phrase sets of the bundled scorecards as agents really speak (issue 12):
colloquial and formal Persian, with and without half-spaces, Arabic or Persian letters;
simplified and traditional Chinese, with and without spaces; and the near-misses that must
not count."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from callqa.domain.records import CallMetadata, Role
from callqa.domain.text import normalise
from callqa.scoring import choose_scorecard, score_call
from tests.factories import Turn, make_transcript

A, C = Role.AGENT, Role.CUSTOMER
ZWNJ = "\u200c"


def outcome(turns: Sequence[tuple[Role, str]], criterion: str, language: str,
            agent_name: str | None = None) -> str:
    timed: list[Turn] = [(role, 3.0 * i, 3.0 * i + 2.5, text)
                         for i, (role, text) in enumerate(turns)]
    metadata = CallMetadata(agent_name=agent_name) if agent_name else None
    transcript = make_transcript(timed, language=language, metadata=metadata)
    return score_call(transcript, choose_scorecard(None)).criterion(criterion).outcome


def spellings(text: str) -> list[str]:
    """`text` as a keyboard or ASR writes it: half-spaces, glued, spaced; Arabic letters."""
    glued, spaced = text.replace(ZWNJ, ""), text.replace(ZWNJ, " ")
    arabic = str.maketrans({"ی": "ي", "ک": "ك"})
    return [text, glued, spaced, text.translate(arabic), glued.translate(arabic)]


# --- Persian --------------------------------------------------------------------------------

CLOSING_TURNS = [(A, "سلام."), (C, "سلام، می‌خواستم موجودیم رو بدونم."), (A, "دو میلیون تومان.")]


@pytest.mark.parametrize(
    "asked",
    [
        "امر دیگری هست؟", "امر دیگه‌ای هست؟", "کار دیگه‌ای هست در خدمتتون باشم؟",
        "سؤال دیگه‌ای دارید؟", "دیگه فرمایشی ندارید؟", "امری نیست؟", "کاری ندارید؟",
        "کمک دیگه‌ای از دستم برمیاد؟", "چیز دیگه‌ای هست؟",
    ],
)
def test_persian_anything_else_in_every_spelling(asked: str) -> None:
    for said in spellings(asked):
        assert outcome([*CLOSING_TURNS, (A, said)], "anything_else", "fa") == "pass", said


def test_persian_nothing_more_i_can_do_is_not_anything_else() -> None:
    said = "دیگه کاری از دست من برنمیاد."
    assert outcome([*CLOSING_TURNS, (A, said)], "anything_else", "fa") == "fail"


@pytest.mark.parametrize(
    "goodbye",
    ["خدافظ.", "خدا نگهدار.", "خدانگهدارتون.", "روزتون بخیر.", "وقتتون خوش.", "مرسی، خداحافظ.",
     "سپاسگزارم از تماستان.", "در پناه خدا."],
)
def test_persian_closings(goodbye: str) -> None:
    for said in spellings(goodbye):
        assert outcome([*CLOSING_TURNS, (A, said)], "closing", "fa") == "pass", said


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("سلام وقتتون بخیر، در خدمتم.", "pass"),
        ("درود بر شما.", "pass"),
        ("عرض سلام و ادب.", "pass"),
        ("بله، بفرمایید.", "fail"),  # "Yes, go ahead" is no greeting
        ("پشتیبانی، بفرمایید.", "fail"),
    ],
)
def test_persian_greetings(said: str, expected: str) -> None:
    assert outcome([(A, said)], "greeting", "fa") == expected


@pytest.mark.parametrize(
    ("said", "agent_name", "expected"),
    [
        ("سلام، صالحی هستم از پشتیبانی.", "کامران صالحی", "pass"),  # the surname alone
        ("سلام، کامران هستم.", "کامران صالحی", "pass"),
        ("سلام، اسمم الهامه.", None, "pass"),
        ("سلام، اسم بنده نرگس است.", None, "pass"),
        ("عرض سلام، با تهرانی صحبت می‌کنید.", None, "pass"),
        ("سلام، من کارشناس پشتیبانی هستم، در خدمتتون هستم.", None, "fail"),  # a role, no name
        ("سلام، بنده در خدمتم.", None, "fail"),
    ],
)
def test_persian_agent_introduction(said: str, agent_name: str | None, expected: str) -> None:
    for text in spellings(said):
        assert outcome([(A, text)], "agent_introduction", "fa", agent_name) == expected, text


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("دیر پرداخت کردید، مشکل خودتونه.", "fail"),
        ("نه، به من ربطی نداره.", "fail"),  # نه answers: it does not negate what follows
        ("برو بابا، من که نمی‌تونم پول برگردونم.", "fail"),
        ("آقا آروم باش، حوصله ندارم.", "fail"),
        ("نگران نباشید، مشکل از سیستم ما بوده و به شما ربطی نداره.", "pass"),  # reassurance
        ("لطفاً شماره اشتراک رو بفرمایید.", "pass"),
    ],
)
def test_persian_prohibited_language(said: str, expected: str) -> None:
    for text in spellings(said):
        assert outcome([(A, "سلام."), (A, text)], "prohibited_language", "fa") == expected, text


# --- Chinese --------------------------------------------------------------------------------


def test_traditional_characters_read_as_simplified() -> None:
    said = "還有其他問題嗎？感謝您的來電，再見。"
    assert normalise(said, "zh") == "还有其他问题吗感谢您的来电再见"
    assert normalise("這 裡 是 客 服 中 心", "zh") == "这里是客服中心"


ZH_TURNS = [(A, "您好。"), (C, "你好，我想查话费。"), (A, "您的余额是五十元。")]


@pytest.mark.parametrize(
    ("criterion", "said"),
    [
        ("anything_else", "還有其他問題嗎？"),
        ("anything_else", "还 有 什么 可以 帮 您 的 吗"),
        ("anything_else", "請問您還需要別的嗎？"),
        ("closing", "謝謝您的來電，再見。"),
        ("closing", "祝 您 有 美 好 的 一 天"),
        ("closing", "再會。"),
    ],
)
def test_chinese_closing_phrases_in_traditional_and_with_spaces(criterion: str, said: str
                                                               ) -> None:
    assert outcome([*ZH_TURNS, (A, said)], criterion, "zh") == "pass"


@pytest.mark.parametrize(
    ("criterion", "said", "expected"),
    [
        ("anything_else", "退款还需要三到五个工作日，请耐心等待。", "fail"),  # "still needs"
        ("agent_introduction", "换套餐是吧？我是说您现在用的是哪个？", "fail"),  # "I mean"
        ("agent_introduction", "您好，我是客服小张。", "pass"),
        ("agent_introduction", "我姓黃，很高興為您服務。", "pass"),
        ("prohibited_language", "您家里有病人需要照顾的话，可以申请停机保号。", "pass"),  # 有病人
        ("prohibited_language", "这款路由器不笨重，很轻便。", "pass"),  # 笨重
        ("prohibited_language", "你冷靜一下，先別吵。", "fail"),  # traditional
        ("prohibited_language", "你听不懂吗？跟你说了多少遍了。", "fail"),
        ("recording_disclosure", "本次通話將會錄音。", "pass"),
        ("greeting", "请讲。", "fail"),
        ("greeting", "早安，感謝您致電。", "pass"),
    ],
)
def test_chinese_near_misses_and_variants(criterion: str, said: str, expected: str) -> None:
    turns = [(A, said)] if criterion in ("greeting", "agent_introduction",
                                         "recording_disclosure") else [*ZH_TURNS, (A, said)]
    assert outcome(turns, criterion, "zh") == expected
