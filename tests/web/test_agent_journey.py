"""An agent's journey: only their own calls, anywhere; acknowledging and disputing a call's
feedback; submitting a recording for feedback and following it until it is scored."""

from __future__ import annotations

import pytest

from tests.helpers.paths import SAMPLES
from tests.web.conftest import Pages, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.model]
OTHERS = ("call_002", "call_003")  # a02's and a03's calls: alex is a01


def test_an_agent_sees_only_their_calls(page_as: Pages) -> None:
    page = page_as("agent")
    page.goto("/")
    assert page.url.endswith("/me")
    listed = {row.get_attribute("data-call-id") for row in page.get_by_test_id("my-call").all()}
    assert listed == {"call_001"}
    assert not any(other in page.content() for other in OTHERS)
    screenshot(page, "agent-me")
    assert_accessible(page)
    for other in OTHERS:
        for path in (f"/calls/{other}", f"/calls/{other}/audio", f"/me/calls/{other}/row"):
            answer = page.goto(path)
            assert answer.status == 404, path
            assert other not in page.content()
    for staff_page in ("/queue", "/team", "/agents"):
        assert page.goto(staff_page).status == 403
    assert page.goto("/calls/call_001").status == 200


def test_an_agent_acknowledges_and_disputes(page_as: Pages) -> None:
    page = page_as("agent")
    page.goto("/calls/call_001")
    assert page.get_by_test_id("review-form").count() == 0  # agents do not review
    assert page.get_by_test_id("audit-trail").count() == 0  # nor read the audit trail
    feedback = page.get_by_test_id("feedback")
    feedback.get_by_label("Comment (optional)").fill("Thanks, noted.")
    feedback.get_by_role("button", name="Acknowledge").click()
    assert page.get_by_test_id("flash").inner_text() == "Feedback acknowledged."
    assert "Thanks, noted." in page.get_by_test_id("acknowledged").inner_text()

    form = page.get_by_test_id("dispute-form")
    form.get_by_label("Criterion").select_option("talk_balance")
    form.get_by_label("Why the verdict is wrong").fill("The customer asked me to explain "
                                                        "every charge in detail.")
    form.get_by_role("button", name="Dispute").click()
    assert page.get_by_test_id("flash").inner_text() == "Dispute on talk_balance sent to qa."
    dispute = page.get_by_test_id("dispute")
    assert dispute.count() == 1 and "open" in dispute.inner_text()
    screenshot(page, "agent-call-feedback")
    assert_accessible(page)
    # The same criterion again: refused with the reason, nothing new opened.
    form = page.get_by_test_id("dispute-form")
    form.get_by_label("Criterion").select_option("talk_balance")
    form.get_by_label("Why the verdict is wrong").fill("again")
    form.get_by_role("button", name="Dispute").click()
    assert "disputed already" in page.get_by_test_id("flash").inner_text()
    page.goto("/me")
    assert page.get_by_test_id("my-disputes").get_by_test_id("dispute").count() == 1


def test_an_agent_uploads_a_call_and_sees_it_scored(page_as: Pages) -> None:
    page = page_as("agent")
    page.goto("/me")
    form = page.get_by_test_id("upload-form")
    form.get_by_label("Recording").set_input_files(str(SAMPLES / "call_004.wav"))
    form.get_by_label("Call type (optional)").fill("billing")
    form.get_by_label("Note for the reviewer").fill("Was my greeting all right?")
    form.get_by_role("button", name="Submit for feedback").click()
    assert "submitted" in page.get_by_test_id("flash").inner_text()
    rows = page.get_by_test_id("my-call")
    assert rows.count() == 2
    uploaded = page.locator("[data-testid=my-call]:not([data-call-id=call_001])")
    call_id = uploaded.get_attribute("data-call-id")
    # The row follows the processing by itself (htmx polls it) until the call is scored.
    uploaded.locator("[data-testid=submission-status][data-status=processed]").wait_for(
        timeout=180_000)
    score = uploaded.get_by_test_id("my-call-score").inner_text()
    assert score != "–" and float(score) >= 0
    screenshot(page, "agent-upload-scored")
    page.goto(f"/calls/{call_id}")
    assert page.get_by_test_id("call-status").inner_text() == "processed"
    assert page.get_by_test_id("verdict").count() > 0
    # Self-assessment on the same scorecard, before any review.
    form = page.get_by_test_id("self-assessment-form")
    for select in form.locator("select").all()[:3]:
        select.select_option("pass")
    form.get_by_role("button", name="Save my assessment").click()
    assert "self-assessment is saved" in page.get_by_test_id("flash").inner_text()
    assert page.get_by_text("Agent's own verdict: pass").count() == 3
    screenshot(page, "agent-uploaded-call")
    assert_accessible(page)


def test_a_signed_out_agent_is_sent_to_sign_in(page_as: Pages, base_url: str) -> None:
    page = page_as("agent")
    page.goto("/me")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    assert page.get_by_test_id("flash").inner_text() == "You are signed out."
    page.goto("/calls/call_001")
    assert "/login?next=/calls/call_001" in page.url
