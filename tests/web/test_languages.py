"""Persian and Chinese transcripts on the call page: each line's direction follows its text
(`dir="auto"`: Persian right to left), Chinese in a CJK font, evidence marked in both."""

from __future__ import annotations

from typing import Any

import pytest

from callqa.domain.records import CallMetadata
from tests.factories import build_transcript, utterance
from tests.web.conftest import Pages, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.model]
CALLS = {
    "fa": [("agent", 0.0, 4.0, "سلام، از تماس شما متشکریم. من سارا هستم، چطور می‌توانم کمک کنم؟"),
           ("customer", 4.5, 8.0, "سلام، قبض من دو بار پرداخت شده و خیلی ناراحتم."),
           ("agent", 8.5, 13.0, "متأسفم، درکتون می‌کنم. الان بررسی می‌کنم و درستش می‌کنم."),
           ("customer", 13.5, 15.0, "ممنون."),
           ("agent", 15.5, 18.0, "مشکل حل شد. چیز دیگری هست؟ روز خوبی داشته باشید.")],
    "zh": [("agent", 0.0, 3.5, "您好，感谢您的来电，我是李娜，请问有什么可以帮您？"),
           ("customer", 4.0, 7.0, "我的账单被重复扣费了，我很生气。"),
           ("agent", 7.5, 11.0, "非常抱歉，我理解您的心情，我马上为您处理。"),
           ("customer", 11.5, 12.5, "好的，谢谢。"),
           ("agent", 13.0, 16.0, "问题已经解决了。还有其他需要帮助的吗？祝您愉快。")],
}


def _upload(page: Any, language: str) -> str:
    token = page.request.post("/api/v1/auth/token",
                              form={"username": "quinn", "password": "correct horse battery"})
    call_id = f"lang-{language}"
    transcript = build_transcript(
        [utterance(*turn) for turn in CALLS[language]], call_id=call_id, language=language,
        metadata=CallMetadata(call_id=call_id, agent_id="a03", team_id="t2",
                              call_type="billing", language=language))
    answer = page.request.post(
        "/api/v1/calls", headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        multipart={"transcript": {"name": f"{call_id}.json", "mimeType": "application/json",
                                  "buffer": transcript.model_dump_json(by_alias=True).encode()},
                   "metadata": '{"call_type": "billing"}'})
    assert answer.status == 202, answer.text()
    return str(answer.json()["call_id"])


@pytest.mark.parametrize("language", ["fa", "zh"])
def test_persian_and_chinese_read_properly(page_as: Pages, language: str) -> None:
    page = page_as("qa")
    page.goto("/queue")
    call_id = _upload(page, language)
    for _ in range(60):  # scored in the server's background (a transcript: no model run)
        page.goto(f"/calls/{call_id}")
        if page.get_by_test_id("call-status").inner_text() == "processed":
            break
        page.wait_for_timeout(1000)
    assert page.get_by_test_id("call-status").inner_text() == "processed"
    lines = page.get_by_test_id("transcript-line")
    assert lines.count() == len(CALLS[language])
    text = lines.first.locator(".text")
    assert text.get_attribute("dir") == "auto"
    direction = text.evaluate("(el) => getComputedStyle(el).direction")
    assert direction == ("rtl" if language == "fa" else "ltr")
    assert page.get_by_test_id("transcript").get_attribute("lang") == language
    assert page.get_by_test_id("evidence").count() > 0
    screenshot(page, f"qa-call-{language}")
    assert_accessible(page)
