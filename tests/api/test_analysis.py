"""What the analysis stored, through the API: graded flags, the queue with each call's
expected yield, and the review plan (how the budget was spent, against random monitoring)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from callqa.services.analysis import analyse_period
from tests.api.conftest import CALLS, sign_in


def test_the_review_plan_and_the_graded_queue(app: FastAPI, client: TestClient) -> None:
    qa = sign_in(client, "qa")
    before = client.get("/api/v1/review-plan", headers=qa)
    assert before.status_code == 404 and "callqa flags" in before.json()["detail"]
    analysis = analyse_period(app.state.sessions, app.state.settings)
    assert analysis.plan is not None

    plan = client.get("/api/v1/review-plan", headers=qa).json()
    # The default budget is five reviews per agent with calls (three agents here).
    assert plan["budget"] == 5 * len(CALLS) == analysis.plan.budget
    assert plan["targeted"] + plan["controls"] + plan["unused"] == plan["budget"]
    assert plan["items"] == [] and plan["reasons"][0].startswith(f"budget {plan['budget']}")
    leader = client.get("/api/v1/review-plan", headers=sign_in(client, "team_leader"))
    assert leader.status_code == 200 and leader.json() == plan

    queue = client.get("/api/v1/review-queue", headers=qa).json()["items"]
    assert len(queue) == analysis.queue_size == plan["targeted"] + plan["controls"]
    for item in queue:
        assert "expected_yield" in item
        # Three calls, no repeats: nothing was caused by anyone, controls carry a yield of 0.
        if item["control"]:
            assert item["expected_yield"] == 0.0 and item["priority"] == 0.0

    flags = client.get("/api/v1/flags", headers=qa).json()["items"]
    assert flags and all(f["status"] == "insufficient_evidence" for f in flags)
    for flag in flags:
        assert {"estimate", "interval_low", "interval_high", "prob_worse",
                "calls_to_settle"} <= flag.keys()
