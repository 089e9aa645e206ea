"""Reviews through the API, on SQLite and PostgreSQL: an override keeps the automatic verdict,
changes the effective one and is audited with before and after; reviews change, never
duplicate; team leaders review only their teams' calls."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import LoopClient, sign_in

pytestmark = pytest.mark.model
FLIP = {"pass": "fail", "fail": "pass"}


def verdicts(client: TestClient, headers: dict[str, str], call_id: str
             ) -> dict[str, dict[str, Any]]:
    answer = client.get(f"/api/v1/calls/{call_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    return {v["criterion_id"]: v for v in answer.json()["verdicts"]}


def decided(table: dict[str, dict[str, Any]], skip: int = 0) -> str:
    """A criterion whose automatic verdict is pass or fail."""
    return [c for c, v in table.items() if v["automatic"] in ("pass", "fail")][skip]


def override(client: TestClient, headers: dict[str, str], call_id: str, criterion: str,
             outcome: str, **extra: Any) -> dict[str, Any]:
    body = {"criteria": [{"id": criterion, "outcome": outcome, "comment": "listened",
                          "reason": "the agent said it at 0:42"}],
            "comment": "overall fine", "calibration_id": None, **extra}
    answer = client.post(f"/api/v1/calls/{call_id}/reviews", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def audit(client: TestClient, call_id: str) -> list[dict[str, Any]]:
    answer = client.get(f"/api/v1/calls/{call_id}/audit", headers=sign_in(client, "qa"))
    assert answer.status_code == 200, answer.text
    events: list[dict[str, Any]] = answer.json()
    return events


def test_an_override_keeps_the_automatic_verdict_and_is_audited(loop_client: LoopClient
                                                                 ) -> None:
    client = loop_client()
    qa = sign_in(client, "qa")
    before = client.get("/api/v1/calls/call_003", headers=qa).json()
    table = {v["criterion_id"]: v for v in before["verdicts"]}
    assert table and all(v["human"] is None and v["effective"] == v["automatic"]
                         for v in table.values())
    criterion = decided(table)
    automatic = table[criterion]["automatic"]

    no_reason = {"criteria": [{"id": criterion, "outcome": FLIP[automatic]}]}
    refused = client.post("/api/v1/calls/call_003/reviews", json=no_reason, headers=qa)
    assert refused.status_code == 422 and "reason" in refused.json()["detail"]
    unknown = {"criteria": [{"id": "no_such_criterion", "outcome": "pass"}]}
    refused = client.post("/api/v1/calls/call_003/reviews", json=unknown, headers=qa)
    assert refused.status_code == 422 and "no_such_criterion" in refused.json()["detail"]

    review = override(client, qa, "call_003", criterion, FLIP[automatic],
                      time_spent_seconds=240)
    assert review["reviewer"] == "quinn" and review["kind"] == "review"
    assert review["time_spent_seconds"] == 240
    (given,) = review["criteria"]
    assert given["automatic"] == automatic and given["overrides"] is True

    after = client.get("/api/v1/calls/call_003", headers=qa).json()
    verdict = {v["criterion_id"]: v for v in after["verdicts"]}[criterion]
    assert verdict["automatic"] == automatic  # the machine's verdict is never edited
    assert verdict["human"] == verdict["effective"] == FLIP[automatic]
    assert verdict["reason"] == "the agent said it at 0:42" and verdict["reviewer"] == "quinn"
    assert after["score_result"] == before["score_result"]
    others = [v for c, v in table.items() if c != criterion]
    assert all(verdicts(client, qa, "call_003")[v["criterion_id"]]["human"] is None
               for v in others)

    events = audit(client, "call_003")
    created = [e for e in events if e["action"] == "review.created"]
    assert len(created) == 1 and created[0]["before"] is None
    assert created[0]["after"]["criteria"][0]["outcome"] == FLIP[automatic]
    changed = [e for e in events if e["action"] == "verdict.changed"]
    assert [e["entity_id"] for e in changed] == [f"call_003/{criterion}"]
    assert changed[0]["actor"] == "quinn" and changed[0]["at"]
    assert changed[0]["before"]["effective"] == automatic
    assert changed[0]["before"]["human"] is None
    assert changed[0]["after"]["effective"] == FLIP[automatic]
    assert changed[0]["after"]["automatic"] == automatic


def test_a_second_review_changes_the_first_with_before_and_after(loop_client: LoopClient
                                                                 ) -> None:
    client = loop_client()
    qa = sign_in(client, "qa")
    criterion = decided(verdicts(client, qa, "call_003"))
    automatic = verdicts(client, qa, "call_003")[criterion]["automatic"]
    first = override(client, qa, "call_003", criterion, FLIP[automatic])
    back = {"criteria": [{"id": criterion, "outcome": automatic, "comment": "on reflection"}],
            "comment": "changed my mind"}
    second = client.post("/api/v1/calls/call_003/reviews", json=back, headers=qa)
    assert second.status_code == 201 and second.json()["id"] == first["id"]
    listed = client.get("/api/v1/calls/call_003/reviews", headers=qa).json()
    assert [r["id"] for r in listed["reviews"]] == [first["id"]]
    assert verdicts(client, qa, "call_003")[criterion]["effective"] == automatic
    updated = [e for e in audit(client, "call_003") if e["action"] == "review.updated"]
    assert len(updated) == 1
    assert updated[0]["before"]["criteria"][0]["outcome"] == FLIP[automatic]
    assert updated[0]["after"]["criteria"][0]["outcome"] == automatic
    assert updated[0]["after"]["comment"] == "changed my mind"
    changes = [e for e in audit(client, "call_003") if e["action"] == "verdict.changed"]
    assert [e["after"]["effective"] for e in changes] == [FLIP[automatic], automatic]


def test_team_leaders_review_their_teams_calls_only(loop_client: LoopClient) -> None:
    client = loop_client()
    leader = sign_in(client, "team_leader")
    body = {"criteria": [], "comment": "good call"}
    assert client.post("/api/v1/calls/call_002/reviews", json=body,
                       headers=leader).status_code == 201
    outside = client.post("/api/v1/calls/call_003/reviews", json=body, headers=leader)
    missing = client.post("/api/v1/calls/nope/reviews", json=body, headers=leader)
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    agent = sign_in(client, "agent")
    assert client.post("/api/v1/calls/call_001/reviews", json=body,
                       headers=agent).status_code == 403
    # The agent reads the reviews of their own call, not of another's.
    assert client.get("/api/v1/calls/call_001/reviews", headers=agent).status_code == 200
    assert client.get("/api/v1/calls/call_002/reviews", headers=agent).status_code == 404


def test_a_review_body_is_checked(loop_client: LoopClient) -> None:
    client = loop_client()
    qa = sign_in(client, "qa")
    twice = {"criteria": [{"id": "greeting", "outcome": "pass"},
                          {"id": "greeting", "outcome": "na"}]}
    answer = client.post("/api/v1/calls/call_003/reviews", json=twice, headers=qa)
    assert answer.status_code == 422 and "more than once" in answer.text
    bad = {"criteria": [{"id": "greeting", "outcome": "maybe"}]}
    assert client.post("/api/v1/calls/call_003/reviews", json=bad,
                       headers=qa).status_code == 422
    nul = {"criteria": [], "comment": "a\x00b"}  # PostgreSQL text cannot hold it
    assert client.post("/api/v1/calls/call_003/reviews", json=nul,
                       headers=qa).status_code == 422
    huge = {"criteria": [], "calibration_id": 2**63}
    assert client.post("/api/v1/calls/call_003/reviews", json=huge,
                       headers=qa).status_code == 422
    assert client.post(f"/api/v1/disputes/{2**63}/resolve", json={"decision": "rejected"},
                       headers=qa).status_code == 422
    assert client.get("/api/v1/library", params={"call_type": "a\x00"},
                      headers=qa).status_code == 422
