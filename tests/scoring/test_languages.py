"""Persian and Mandarin calls against the bundled scorecards' phrase sets."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from callqa.domain.records import CallMetadata, Role
from callqa.scoring import ScoreResult, UnsupportedLanguageError, choose_scorecard, score_call
from tests.factories import Turn, make_transcript
from tests.helpers.scorecards import one_criterion

A, C = Role.AGENT, Role.CUSTOMER


def outcomes(result: ScoreResult) -> dict[str, str]:
    return {c.id: c.outcome for c in result.criteria if c.kind != "metric"}


def score_bundled(turns: Sequence[Turn], language: str, **names: str) -> ScoreResult:
    """`turns` scored with the bundled default scorecard; `names` (customer_name, agent_name)
    go into the call's metadata, none: no metadata."""
    metadata = CallMetadata(**names, language=language) if names else None
    return score_call(make_transcript(turns, language=language, metadata=metadata),
                      choose_scorecard(None))


# Written with Arabic-form letters (ي ك), ZWNJ and glued prefixes where a Persian ASR or
# keyboard may produce them; the scorecard's phrases use the Persian forms.
PERSIAN_GOOD = [
    (A, 0.0, 4.0, "سلام، وقت بخير. اسم من مريم است. اين مکالمه ضبط مي‌شود."),
    (C, 4.5, 8.0, "سلام، من علی رضايي هستم. اينترنت من دوباره قطع شده، خيلي ناراحتم."),
    (A, 8.5, 12.0, "آقاي رضايي، متأسفم. الان بررسی می‌کنم."),
    (A, 14.0, 18.0, "مشکل برطرف شد. امر ديگری هست؟"),
    (C, 18.5, 19.5, "نه، ممنون."),
    (A, 20.0, 22.0, "روز خوبی داشته باشيد، خداحافظ."),
]
PERSIAN_POOR = [
    (A, 0.0, 2.0, "بله؟"),
    (C, 2.5, 6.0, "اينترنت من باز هم قطع شده، خيلی عصبانيم."),
    (A, 6.5, 8.0, "به من مربوط نيست."),
    (A, 9.0, 11.0, "بعدا تماس بگيريد."),
]


def test_persian_good_call() -> None:
    result = score_bundled(PERSIAN_GOOD, "fa", customer_name="علي رضایی", agent_name="مریم احمدی")
    assert outcomes(result) == {
        "greeting": "pass", "greeting_by_name": "pass", "agent_introduction": "pass",
        "recording_disclosure": "pass", "empathy": "pass", "anything_else": "pass",
        "resolution_confirmed": "pass", "closing": "pass", "prohibited_language": "pass",
    }
    assert result.language == "fa" and result.passed and not result.critical_failed
    assert result.criterion("greeting_by_name").evidence[0].matched == ("اقای رضایی",)


def test_persian_poor_call() -> None:
    result = score_bundled(PERSIAN_POOR, "fa")
    assert outcomes(result) | {"greeting_by_name": "na"} == {
        "greeting": "fail", "greeting_by_name": "na", "agent_introduction": "fail",
        "recording_disclosure": "fail", "empathy": "fail", "anything_else": "fail",
        "resolution_confirmed": "fail", "closing": "fail", "prohibited_language": "fail",
    }
    assert result.critical_failed and result.passed is False
    assert result.criterion("prohibited_language").evidence[0].matched == ("به من مربوط نیست",)


CHINESE_GOOD = [
    (A, 0.0, 4.0, "您好，欢迎致电北风电信，我是小李。本次通话可能会被录音。"),
    (C, 4.5, 8.0, "你好，我是王芳。我家的网络又断了，我很生气。"),
    (A, 8.5, 11.0, "王女士，非常抱歉给您带来不便，我帮您查一下。"),
    (A, 13.0, 16.0, "已经为您处理好了。请问还有其他问题吗？"),
    (C, 16.5, 17.5, "没有了，谢谢。"),
    (A, 18.0, 20.0, "感谢您的来电，祝您生活愉快，再见！"),
]
CHINESE_POOR = [
    (A, 0.0, 1.0, "喂？"),
    (C, 1.5, 5.0, "我的网络还是不行，已经打过三次电话了！"),
    (A, 5.5, 7.0, "这不关我的事。"),
    (A, 8.0, 9.0, "你稍后再打吧。"),
]


def test_chinese_good_call() -> None:
    result = score_bundled(CHINESE_GOOD, "zh", customer_name="王芳", agent_name="李娜")
    assert set(outcomes(result).values()) == {"pass"}, outcomes(result)
    assert result.criterion("greeting_by_name").evidence[0].matched == ("王女士",)
    assert result.criterion("greeting").evidence[0].matched[0] == "您好"


def test_chinese_poor_call() -> None:
    result = score_bundled(CHINESE_POOR, "zh", customer_name="王芳")
    found = outcomes(result)
    assert found["prohibited_language"] == "fail" and result.critical_failed
    assert found["empathy"] == "fail" and found["resolution_confirmed"] == "fail"
    assert found["greeting"] == found["closing"] == found["greeting_by_name"] == "fail"


@pytest.mark.parametrize(
    ("language", "phrase", "said", "expected"),
    [
        ("zh", "能帮您", "我能帮您处理。", "pass"),
        ("zh", "能帮您", "我不能帮您处理。", "fail"),
        ("zh", "能帮您", "不好意思，我能帮您处理。", "pass"),  # 不好意思 is "sorry", not "not"
        ("fa", "کمک کنم", "می‌توانم کمک کنم.", "pass"),
        ("fa", "کمک کنم", "نمي‌توانم کمک كنم.", "fail"),
    ],
)
def test_negation_in_persian_and_chinese(
    language: str, phrase: str, said: str, expected: str
) -> None:
    scorecard = one_criterion(
        f"- {{id: check, section: greeting, kind: phrase, points: 1, phrases: {{{language}:"
        f" [{phrase}]}}}}\n",
        languages=f"[{language}]",
    )
    result = score_call(make_transcript([(A, 0, 3, said)], language=language), scorecard)
    assert result.criterion("check").outcome == expected


def test_a_language_without_phrases_is_an_error_that_names_the_fix() -> None:
    transcript = make_transcript([(A, 0, 2, "Bonjour.")], language="fr")
    with pytest.raises(UnsupportedLanguageError, match=r"'fr'.*en, fa, zh.*Fix: add 'fr'"):
        score_call(transcript, choose_scorecard(None))
