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


def test_qa_sees_the_teams_then_one_team_at_a_time(page_as: Pages) -> None:
    """qa and admin see every team: the centre and one row per team first (a centre has
    hundreds of agents), then a team's agents, suggestions and plots on its own page."""
    page = page_as("qa")
    page.goto("/team")
    rows = page.get_by_test_id("report-row")
    assert {r.get_attribute("data-scope") for r in rows.all()} == {"center", "team"}
    assert page.get_by_test_id("trend-plot").count() == 0
    assert page.get_by_test_id("agent-suggestions").count() == 0
    assert page.get_by_test_id("choose-team").is_visible()
    screenshot(page, "qa-teams")
    assert_accessible(page)
    page.get_by_test_id("team-link").filter(has_text="Team t2").click()
    page.wait_for_url("**/team?team=t2")
    assert page.get_by_role("heading", level=1).inner_text() == "Team t2"
    agent_rows = page.locator("[data-testid=report-row][data-scope=agent]")
    assert [r.get_attribute("data-id") for r in agent_rows.all()] == ["a03"]
    assert {a.get_attribute("data-agent-id")
            for a in page.get_by_test_id("agent-suggestions").all()} == {"a03"}
    assert page.get_by_test_id("trend-plot").count() >= 2
    screenshot(page, "qa-team-t2")
    assert_accessible(page)


def test_another_teams_page_is_not_found(page_as: Pages) -> None:
    page = page_as("team_leader")
    assert page.goto("/team?team=t2").status == 404
    assert page.goto("/team?team=t1").status == 200
    # A team with no calls in the period is still a team: its page says so.
    empty = page.goto("/team?team=t1&start=2031-01-01&end=2031-01-31")
    assert empty is not None and empty.status == 200
    assert page.get_by_test_id("agent-suggestions").count() == 0
