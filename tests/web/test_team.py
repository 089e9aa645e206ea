"""A team leader's page: suggested calls per agent of their team only, the report against
the centre with plots, and the agents' acknowledgements."""

from __future__ import annotations

import pytest

from tests.web.conftest import Pages, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.model]


def test_a_team_leader_sees_suggested_calls(page_as: Pages) -> None:
    page = page_as("team_leader")
    page.goto("/")
    assert page.url.endswith("/team")
    agents = {a.get_attribute("data-agent-id")
              for a in page.get_by_test_id("agent-suggestions").all()}
    assert agents == {"a01", "a02"}  # team t1; a03 is in t2
    suggestions = page.get_by_test_id("suggestion")
    assert suggestions.count() >= 2
    assert "call_003" not in page.content()  # t2's call (alex's upload may be suggested)
    scopes = {r.get_attribute("data-scope") for r in page.get_by_test_id("report-row").all()}
    assert scopes == {"center", "team", "agent"}
    assert page.get_by_test_id("trend-plot").count() >= 2
    screenshot(page, "team-leader-team")
    assert_accessible(page)
    page.get_by_label("Agent").select_option("a02")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/team?agent=a02**")
    screenshot(page, "team-leader-filtered")
    assert {a.get_attribute("data-agent-id")
            for a in page.get_by_test_id("agent-suggestions").all()} == {"a02"}
    page.locator("[data-testid=suggestion] a").first.click()
    assert page.get_by_test_id("review-form").is_visible()  # team leaders review too
    assert page.goto("/calls/call_003").status == 404  # another team's call
