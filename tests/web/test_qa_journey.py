"""A qa analyst's journey: sign in, open the first call of the review queue, play and seek
its recording, follow the transcript, see a verdict's evidence, override a criterion with a
reason and find it in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Pages, assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.model]


def test_sign_in_lands_on_the_queue(anonymous_page: Any) -> None:
    page = anonymous_page
    page.goto("/queue")
    assert "/login" in page.url  # not signed in: sent to sign in first
    screenshot(page, "login")
    assert_accessible(page)
    page.get_by_label("Username").fill("quinn")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_test_id("login-error").inner_text() == "wrong username or password"
    sign_in(page, "qa")
    assert page.url.endswith("/queue")


def test_qa_reviews_the_first_queued_call(page_as: Pages) -> None:
    page = page_as("qa")
    page.goto("/queue")
    rows = page.get_by_test_id("queue-row")
    assert rows.count() == 3
    first = rows.first
    assert first.locator(".tag").first.inner_text() in {
        "FCR: customer called back", "Criterion failures", "Random control"}
    # How the review budget was spent (five reviews per agent: three agents here).
    assert page.get_by_test_id("review-plan").inner_text().startswith("budget 15 reviews")
    screenshot(page, "qa-queue")
    assert_accessible(page)
    call_id = first.get_attribute("data-call-id")
    first.get_by_test_id("queue-link").click()
    page.wait_for_url(f"**/calls/{call_id}")

    # The recording loads, is served in ranges, plays and seeks.
    player = page.get_by_test_id("audio-player")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    duration = page.evaluate("document.getElementById('player').duration")
    assert duration > 5
    ranged = page.evaluate("""async () => {
        const r = await fetch(document.getElementById('player').src,
                              {headers: {Range: 'bytes=0-15'}});
        return [r.status, (await r.arrayBuffer()).byteLength];
    }""")
    assert ranged == [206, 16]
    page.evaluate("document.getElementById('player').play()")
    page.wait_for_function("document.getElementById('player').currentTime > 0.2")
    page.evaluate("document.getElementById('player').pause()")
    player.evaluate("(p) => { p.currentTime = 4.0; }")
    page.wait_for_function("Math.abs(document.getElementById('player').currentTime - 4) < 0.05")

    # The measures' timeline marks the player's position, and a click on a row seeks there.
    timeline = page.get_by_test_id("timeline")
    length = float(timeline.get_attribute("data-duration"))
    heads = page.get_by_test_id("playhead")
    assert heads.count() == page.get_by_test_id("timeline-row").count() > 0
    page.wait_for_function(f"Math.abs(parseFloat(document.querySelector('[data-testid=playhead]')"
                           f".getAttribute('x1')) - {400 / length}) < 0.1")
    track = timeline.locator(".tl-track").first
    box = track.bounding_box()
    assert box is not None
    track.click(position={"x": box["width"] * 0.75, "y": box["height"] / 2})
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - "
                           f"{0.75 * length}) < {length / box['width'] + 0.05}")
    page.wait_for_function("Math.abs(parseFloat(document.querySelector('[data-testid=playhead]')"
                           ".getAttribute('x1')) - 75) < 0.5")
    screenshot(timeline, "qa-call-timeline")

    # A click on a transcript line moves the player to its start, and the line is followed.
    lines = page.get_by_test_id("transcript-line")
    assert lines.count() >= 3
    line = lines.nth(2)
    start = float(line.get_attribute("data-start"))
    line.click()
    page.wait_for_function(
        f"Math.abs(document.getElementById('player').currentTime - {start}) < 0.05")
    assert "playing" in line.get_attribute("class")
    # ...and with the keyboard: the line's time button.
    other = lines.nth(1)
    other.locator("button.time").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - "
                           f"{float(other.get_attribute('data-start'))}) < 0.05")

    # Every failed criterion shows its evidence; a click on a verdict highlights it.
    failed = [v.get_attribute("data-criterion") for v in
              page.locator("[data-testid=verdict][data-outcome=fail]").all()]
    assert failed
    for criterion in failed:
        assert page.locator(f"[data-testid=evidence][data-criterion={criterion}]").count() > 0
    in_transcript = next(c for c in failed if page.locator(
        f"[data-testid=transcript] [data-testid=evidence][data-criterion={c}]").count())
    page.locator(f"[data-testid=verdict][data-criterion={in_transcript}]").click()
    marks = page.locator(f"[data-testid=evidence][data-criterion={in_transcript}]")
    assert all("highlight" in (m.get_attribute("class") or "") for m in marks.all())
    assert marks.first.is_visible()
    screenshot(page, "qa-call")
    assert_accessible(page)

    # Override one failed criterion with a reason; the audit trail shows it.
    form = page.get_by_test_id("review-form")
    row = form.locator(f"[data-testid=review-row][data-criterion={in_transcript}]")
    row.get_by_test_id("review-outcome").select_option("pass")
    reason = row.get_by_test_id("review-reason")
    assert reason.evaluate("(el) => el.required")  # an override asks for its reason
    reason.fill("said in other words: the customer was greeted")
    form.get_by_test_id("review-submit").click()
    assert page.get_by_test_id("flash").inner_text() == "Review saved."
    verdict = page.locator(f"[data-testid=verdict][data-criterion={in_transcript}]")
    assert verdict.get_attribute("data-outcome") == "pass"
    changed = page.locator("[data-testid=audit-event][data-action='verdict.changed']"
                           f"[data-entity='{call_id}/{in_transcript}']")
    assert changed.count() == 1
    assert "said in other words" in changed.inner_text()
    screenshot(page, "qa-call-reviewed")


def test_an_override_without_a_reason_is_refused(page_as: Pages) -> None:
    page = page_as("qa")
    page.goto("/calls/call_003")
    form = page.get_by_test_id("review-form")
    row = form.get_by_test_id("review-row").first
    automatic = row.get_by_test_id("review-outcome").get_attribute("data-automatic")
    row.get_by_test_id("review-outcome").select_option("na" if automatic != "na" else "pass")
    row.get_by_test_id("review-reason").evaluate("(el) => { el.required = false; }")
    form.get_by_test_id("review-submit").click()
    assert "needs a reason" in page.get_by_test_id("flash").inner_text()
    assert page.get_by_test_id("audit-event").count() == 0


def test_an_unknown_call_is_a_404_page(page_as: Pages) -> None:
    page = page_as("qa")
    answer = page.goto("/calls/no-such-call")
    assert answer.status == 404
    assert page.get_by_test_id("error-page").is_visible()


def test_the_queue_filters_and_the_review_form_from_the_keyboard(page_as: Pages) -> None:
    page = page_as("qa")
    page.goto("/queue?kind=control")
    kinds = {row.locator(".tag").first.inner_text()
             for row in page.get_by_test_id("queue-row").all()}
    assert kinds == {"Random control"}
    page.goto("/queue?agent=a03")
    assert {r.get_attribute("data-call-id") for r in page.get_by_test_id("queue-row").all()
            } == {"call_003"}

    page.goto("/calls/call_003")
    row = page.get_by_test_id("review-row").first
    select = row.get_by_test_id("review-outcome")
    before = select.input_value()
    select.focus()
    page.keyboard.press("ArrowDown" if before != "na" else "ArrowUp")
    assert select.input_value() != before  # changed without the mouse
    page.keyboard.press("Tab")  # the comment
    page.keyboard.type("checked by ear")
    page.keyboard.press("Tab")  # the reason, now required
    assert page.evaluate("document.activeElement.dataset.testid") == "review-reason"
    page.keyboard.type("the recording says otherwise")
    page.keyboard.press("Enter")  # submits the form
    assert page.get_by_test_id("flash").inner_text() == "Review saved."


def test_qa_settles_an_agents_dispute(page_as: Pages) -> None:
    agent = page_as("agent")
    agent.goto("/calls/call_001")
    form = agent.get_by_test_id("dispute-form")
    form.get_by_label("Criterion").select_option("identity_verification")
    form.get_by_label("Why the verdict is wrong").fill("I checked the account number first.")
    form.get_by_role("button", name="Dispute").click()
    assert "sent to qa" in agent.get_by_test_id("flash").inner_text()

    page = page_as("qa")
    page.goto("/calls/call_001")
    dispute = page.locator("[data-testid=dispute][data-status=open]",
                           has_text="identity verification")
    dispute.get_by_label("Decision").select_option("accepted")
    dispute.get_by_label("Comment to the agent").fill("Right: it was verified at 0:05.")
    dispute.get_by_role("button", name="Resolve").click()
    assert "accepted" in page.get_by_test_id("flash").inner_text()
    verdict = page.locator("[data-testid=verdict][data-criterion=identity_verification]")
    assert verdict.get_attribute("data-outcome") == "pass"
    assert page.locator("[data-testid=audit-event][data-action='dispute.resolved']").count() == 1
    screenshot(page, "qa-call-dispute-resolved")

    agent.goto("/calls/call_001")
    assert "identity_verification accepted" in agent.get_by_test_id("feedback").inner_text()
