"""A calibration session in the browser (blind scoring by two reviewers, then the agreement
table), the flagged agents, and the admin pages (users, scorecards)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import PASSWORD
from tests.web.conftest import Pages, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.model]


def _bearer(page: Any, username: str) -> dict[str, str]:
    answer = page.request.post("/api/v1/auth/token",
                               form={"username": username, "password": PASSWORD})
    assert answer.ok
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _score_blind(page: Any, calibration_id: int, outcome: str) -> None:
    page.goto(f"/calibrations/{calibration_id}")
    assert page.get_by_test_id("calibration-status").inner_text() == "open"
    form = page.get_by_test_id("blind-form")
    for select in form.locator("select").all():
        select.select_option(outcome)
    form.get_by_role("button", name="Save my verdicts").click()
    assert "are saved" in page.get_by_test_id("flash").inner_text()


def test_calibration_blind_then_agreement(page_as: Pages) -> None:
    lead, other = page_as("qa"), page_as("admin")
    opened = lead.request.post("/api/v1/calibrations", headers=_bearer(lead, "quinn"),
                               data={"call_ids": ["call_001"], "reviewers": ["ada"]})
    assert opened.status == 201
    calibration_id = opened.json()["id"]
    _score_blind(lead, calibration_id, "pass")
    screenshot(lead, "qa-calibration-open")
    assert_accessible(lead)
    lead.goto("/calls/call_001")  # blind: the automatic verdicts stay hidden
    assert lead.get_by_test_id("verdict").count() == 0
    _score_blind(other, calibration_id, "fail")
    lead.goto(f"/calibrations/{calibration_id}")
    lead.get_by_test_id("calibration-close").click()
    assert lead.get_by_test_id("calibration-status").inner_text() == "closed"
    rows = lead.get_by_test_id("agreement-row")
    assert rows.count() > 0
    screenshot(lead, "qa-calibration-closed")
    assert_accessible(lead)


def test_flagged_agents_and_an_agents_trends(page_as: Pages) -> None:
    page = page_as("qa")
    page.goto("/agents?status=")
    agents = page.get_by_test_id("flagged-agent")
    assert agents.count() == 3
    screenshot(page, "qa-agents")
    assert_accessible(page)
    agents.first.get_by_role("link").click()
    assert page.get_by_test_id("flag").count() > 0
    assert page.locator("[data-testid=trend-plot][data-measure=score]").count() == 1
    assert page.locator("[data-testid=trend-plot][data-measure^='criterion:']").count() > 3
    screenshot(page, "qa-agent")
    assert_accessible(page)
    leader = page_as("team_leader")
    assert leader.goto("/agents/a03").status == 404  # another team's agent


def test_admin_users_and_scorecards(page_as: Pages) -> None:
    page = page_as("admin")
    page.goto("/admin/users")
    assert page.get_by_test_id("user").count() == 5  # one per role, and a second agent
    form = page.get_by_test_id("add-user-form")
    form.get_by_label("Username").fill("tina")
    form.get_by_label("Role").select_option("team_leader")
    form.get_by_label("Teams").fill("t2")
    form.get_by_label("Password").fill("a long enough password")
    form.get_by_role("button", name="Add user").click()
    assert page.get_by_test_id("flash").inner_text() == "User tina added (team_leader)."
    screenshot(page, "admin-users")
    assert_accessible(page)

    page.goto("/admin/scorecards")
    cards = page.get_by_test_id("scorecard")
    assert cards.count() >= 2
    cards.first.locator("summary").click()
    resolved = cards.first.locator("pre").inner_text()
    assert "criteria:" in resolved
    editor = page.get_by_test_id("scorecard-form")
    editor.get_by_label("Scorecard YAML").fill(resolved)
    editor.get_by_role("button", name="Check", exact=True).click()
    assert page.get_by_test_id("scorecard-valid").is_visible()
    editor = page.get_by_test_id("scorecard-form")
    editor.get_by_label("Scorecard YAML").fill(resolved.replace("criteria:", "criterias:", 1))
    editor.get_by_role("button", name="Check", exact=True).click()
    assert page.get_by_test_id("scorecard-problems").is_visible()
    screenshot(page, "admin-scorecards")
    assert_accessible(page)
