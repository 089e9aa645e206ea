"""The lists qa works from: calibration sessions (`/calibrations`: opening one from the page,
each person seeing only the sessions they may) and the agents' disputes (`/disputes`,
followed to the call where qa resolves them). The browser tests share the session's server;
the last two tests post the forms without a browser (marker `model` only)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_access import page_sign_in
from tests.web.conftest import SECOND_AGENT, Pages, assert_accessible, screenshot, sign_in_as

pytestmark = pytest.mark.model


@pytest.mark.browser
def test_qa_opens_a_calibration_session_that_the_team_leader_sees(page_as: Pages) -> None:
    page = page_as("qa")
    page.goto("/queue")
    page.get_by_role("navigation", name="Main").get_by_role("link",
                                                            name="Calibration").click()
    page.wait_for_url("**/calibrations")
    opener = page.get_by_test_id("open-calibration")
    if opener.get_attribute("open") is None:
        opener.locator("summary").click()
    form = page.get_by_test_id("open-calibration-form")
    form.locator("[data-testid=candidate-call][value=call_002]").check()
    form.get_by_role("button", name="Open the session").click()  # no reviewer chosen
    assert "choose at least one reviewer" in page.get_by_test_id("flash").inner_text()
    form = page.get_by_test_id("open-calibration-form")  # filled in again
    assert form.locator("[data-testid=candidate-call][value=call_002]").is_checked()
    form.locator("[data-testid=reviewer-choice][value=tess]").check()
    form.get_by_label("Note").fill("Does a greeting need the agent's name?")
    screenshot(page, "qa-calibrations-form")
    assert_accessible(page)
    form.get_by_role("button", name="Open the session").click()
    page.wait_for_url(re.compile(r".*/calibrations/\d+$"))
    calibration_id = page.url.rsplit("/", 1)[1]
    assert f"session {calibration_id} is open" in page.get_by_test_id("flash").inner_text()
    assert page.get_by_test_id("calibration-status").inner_text() == "open"
    assert page.get_by_test_id("blind-form").get_attribute("data-call-id") == "call_002"

    leader = page_as("team_leader")
    leader.goto("/team")
    leader.get_by_role("navigation", name="Main").get_by_role("link",
                                                              name="Calibration").click()
    leader.wait_for_url("**/calibrations")
    rows = leader.get_by_test_id("calibration-row")
    assert calibration_id in {r.get_attribute("data-calibration-id") for r in rows.all()}
    for row in rows.all():  # only sessions tess takes part in
        assert "tess" in row.get_by_test_id("calibration-reviewers").inner_text()
    assert leader.get_by_test_id("open-calibration").count() == 0  # qa and admin open them
    screenshot(leader, "team-leader-calibrations")
    assert_accessible(leader)
    leader.locator(f"[data-calibration-id='{calibration_id}'] "
                   "[data-testid=calibration-link]").click()
    assert leader.get_by_test_id("blind-form").is_visible()

    # Closed, so that call_002 is no longer blind for quinn and tess in the other tests.
    page.get_by_test_id("calibration-close").click()
    assert page.get_by_test_id("calibration-status").inner_text() == "closed"
    page.goto("/calibrations?status=closed")
    closed = page.locator(f"[data-testid=calibration-row][data-calibration-id="
                          f"'{calibration_id}']")
    assert closed.get_attribute("data-status") == "closed"
    screenshot(page, "qa-calibrations")
    assert_accessible(page)


@pytest.mark.browser
def test_qa_follows_an_agents_dispute_to_the_call(page_as: Pages, anonymous_page: Any
                                                 ) -> None:
    username, _, _ = SECOND_AGENT  # agent a02, whose call is call_002
    agent = anonymous_page
    sign_in_as(agent, username)
    agent.goto("/calls/call_002")
    form = agent.get_by_test_id("dispute-form")
    criterion = next(value for o in form.get_by_label("Criterion").locator("option").all()
                     if (value := o.get_attribute("value")))
    form.get_by_label("Criterion").select_option(criterion)
    form.get_by_label("Why the verdict is wrong").fill("The customer said it first; I "
                                                        "answered at once.")
    form.get_by_role("button", name="Dispute").click()
    assert "sent to qa" in agent.get_by_test_id("flash").inner_text()

    page = page_as("qa")
    page.goto("/queue")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Disputes").click()
    page.wait_for_url("**/disputes")
    row = page.locator("[data-testid=dispute-row][data-call-id=call_002]"
                       "[data-status=open]")
    assert row.count() == 1
    assert username in row.inner_text() and "answered at once" in row.inner_text()
    screenshot(page, "qa-disputes")
    assert_accessible(page)
    page.get_by_label("Status").select_option("rejected")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/disputes?status=rejected")
    assert page.locator("[data-testid=dispute-row][data-call-id=call_002]").count() == 0

    page.goto("/disputes")
    row.get_by_test_id("dispute-link").click()
    page.wait_for_url("**/calls/call_002#disputes")
    dispute = page.locator("[data-testid=dispute][data-status=open]",
                           has_text=criterion.replace("_", " "))
    dispute.get_by_label("Decision").select_option("rejected")
    dispute.get_by_label("Comment to the agent").fill("The agent greeted late: 0:09.")
    dispute.get_by_role("button", name="Resolve").click()
    assert "rejected" in page.get_by_test_id("flash").inner_text()
    page.goto("/disputes")
    assert page.locator("[data-testid=dispute-row][data-call-id=call_002]").count() == 0
    page.goto("/disputes?status=rejected")
    assert page.locator("[data-testid=dispute-row][data-call-id=call_002]"
                        "[data-status=rejected]").count() == 1


# --- the forms and the scope without a browser --------------------------------------------

def _open(page_client: TestClient, token: str, calls: list[str], reviewers: list[str],
          other: str = "") -> str:
    answer = page_client.post("/calibrations", data={
        "csrf_token": token, "call_id": calls, "reviewer": reviewers, "other_calls": other})
    assert answer.status_code == 303
    location: str = answer.headers["location"]
    return location


def _listed(page_client: TestClient, path: str) -> list[str]:
    return re.findall(r'data-calibration-id="(\d+)"', page_client.get(path).text)


def test_calibration_sessions_are_listed_in_scope_and_paged(
        page_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    token = page_sign_in(page_client, "qa")
    with_tess = _open(page_client, token, ["call_001"], ["tess"], other="call_002, call_001")
    assert re.fullmatch(r"/calibrations/\d+", with_tess)
    shown = page_client.get(with_tess).text
    assert "call_001" in shown and "call_002" in shown and "tess" in shown
    with_ada = _open(page_client, token, [], ["ada"], other="call_003")
    refused = _open(page_client, token, [], ["tess"], other="call_003")  # not tess's team
    assert refused.startswith("/calibrations?call=call_003&reviewer=tess")
    page = page_client.get(refused).text
    assert "outside reviewer tess&#39;s teams" in page
    assert 'value="call_003"' in page  # typed again into "Other calls"
    nothing_chosen = _open(page_client, token, [], ["tess"])
    assert "choose at least one call" in page_client.get(nothing_chosen).text
    tess_id, ada_id = with_tess.rsplit("/", 1)[1], with_ada.rsplit("/", 1)[1]

    assert _listed(page_client, "/calibrations") == [ada_id, tess_id]  # qa: every one
    assert _listed(page_client, "/calibrations?whose=mine") == [ada_id, tess_id]  # quinn leads
    assert _listed(page_client, "/calibrations?status=closed") == []
    monkeypatch.setattr("callqa.api.pages.calibrations.PAGE_SIZE", 1)
    first = page_client.get("/calibrations").text
    assert re.findall(r'data-calibration-id="(\d+)"', first) == [ada_id]
    assert 'href="/calibrations?page=2"' in first
    assert _listed(page_client, "/calibrations?page=2") == [tess_id]
    assert _listed(page_client, "/calibrations?page=3") == []
    assert _listed(page_client, "/calibrations?page=99999999999") == [ada_id]  # not a page: 1
    monkeypatch.undo()

    page_sign_in(page_client, "team_leader")
    assert _listed(page_client, "/calibrations") == [tess_id]  # tess reviews only this one
    assert "open-calibration-form" not in page_client.get("/calibrations").text
    assert page_client.get(with_ada).status_code == 404
    assert page_client.get("/disputes").status_code == 403


def test_disputes_waiting_for_qa_are_listed(page_client: TestClient) -> None:
    token = page_sign_in(page_client, "agent")
    page_client.post("/calls/call_001/dispute", data={
        "csrf_token": token, "criterion_id": "greeting", "reason": "I said my name."})
    assert "greeting" in page_client.get("/me").text
    page_sign_in(page_client, "qa")
    page = page_client.get("/disputes").text
    assert re.findall(r'data-call-id="(call_\d+)" data-status="open"', page) == ["call_001"]
    assert "I said my name." in page and 'href="/calls/call_001#disputes"' in page
    assert "No disputes with this status." in page_client.get("/disputes?status=accepted").text
    assert page_client.get("/disputes?status=all").text.count('data-testid="dispute-row"') == 1
    assert page_client.get("/disputes?status=nonsense").status_code == 422
    assert "No more disputes." in page_client.get("/disputes?page=2").text
