"""Feedback to the agent, on SQLite and PostgreSQL: the agent sees their reviewed call,
acknowledges and disputes it; another agent cannot (404); qa resolves it and the agent is
told; the window (409) and the limit per period (429) hold; all of it is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from callqa.models.reviews import ReviewRow
from tests.api.conftest import LoopClient, add_person, sign_in
from tests.api.test_reviews import FLIP, audit, decided, override, verdicts

pytestmark = pytest.mark.model


def test_the_agent_acknowledges_and_disputes_and_qa_resolves(loop_client: LoopClient) -> None:
    client = loop_client()
    qa, alex = sign_in(client, "qa"), sign_in(client, "agent")
    jamie = add_person(client, "jamie", "agent", ("t1",), "a02")  # call_002's agent
    table = verdicts(client, qa, "call_001")
    criterion = decided(table)
    automatic = table[criterion]["automatic"]
    override(client, qa, "call_001", criterion, FLIP[automatic])

    feed = client.get("/api/v1/feedback", headers=alex).json()
    (item,) = feed["items"]
    assert item["call_id"] == "call_001" and item["acknowledgement"] is None
    shown = {v["criterion_id"]: v for v in item["verdicts"]}[criterion]
    assert shown["automatic"] == automatic and shown["effective"] == FLIP[automatic]
    assert shown["comment"] == "listened" and "evidence" in shown
    assert item["reviews"][0]["comment"] == "overall fine" and item["dispute_until"]
    assert client.get("/api/v1/feedback", headers=jamie).json()["items"] == []

    ack = client.post("/api/v1/calls/call_001/acknowledge", json={"comment": "thanks"},
                      headers=alex)
    assert ack.status_code == 200 and ack.json()["by"] == "alex"
    body = {"criterion_id": criterion, "reason": "I did confirm it, listen at 2:10"}
    # Another agent: the call is not theirs, so it does not exist for them.
    for path, sent in (("acknowledge", {"comment": "mine?"}), ("disputes", body)):
        theirs = client.post(f"/api/v1/calls/call_001/{path}", json=sent, headers=jamie)
        missing = client.post(f"/api/v1/calls/no-such-call/{path}", json=sent, headers=jamie)
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json() == missing.json()
    assert client.post("/api/v1/calls/call_001/disputes", json=body,
                       headers=qa).status_code == 403

    opened = client.post("/api/v1/calls/call_001/disputes", json=body, headers=alex)
    assert opened.status_code == 201, opened.text
    dispute = opened.json()
    assert isinstance(dispute["id"], int) and dispute["status"] == "open"
    assert dispute["disputed_outcome"] == FLIP[automatic] and dispute["agent"] == "alex"
    again = client.post("/api/v1/calls/call_001/disputes", json=body, headers=alex)
    assert again.status_code == 409 and "disputed already" in again.json()["detail"]
    open_ones = client.get("/api/v1/disputes", params={"status": "open"}, headers=qa).json()
    assert [d["id"] for d in open_ones["items"]] == [dispute["id"]]
    assert client.get("/api/v1/disputes", headers=jamie).json()["items"] == []

    path = f"/api/v1/disputes/{dispute['id']}/resolve"
    decision = {"decision": "accepted", "comment": "you did, sorry"}
    assert client.post(path, json=decision, headers=alex).status_code == 403
    resolved = client.post(path, json=decision, headers=qa)
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "accepted"
    assert resolved.json()["outcome"] == automatic and resolved.json()["resolved_by"] == "quinn"
    assert client.post(path, json=decision, headers=qa).status_code == 409
    assert client.post("/api/v1/disputes/999999/resolve", json=decision,
                       headers=qa).status_code == 404

    now_shown = verdicts(client, qa, "call_001")[criterion]
    assert now_shown["automatic"] == automatic  # still the machine's own
    assert now_shown["effective"] == automatic and now_shown["source"] == (
        f"dispute {dispute['id']}")
    (told,) = client.get("/api/v1/feedback", headers=alex).json()["items"]
    assert any(f"dispute {dispute['id']}" in line and "accepted" in line
               for line in told["news"])
    assert told["disputes"][0]["comment"] == "you did, sorry"

    events = audit(client, "call_001")
    actions = [e["action"] for e in events]
    for action in ("review.created", "acknowledgement.created", "dispute.opened",
                   "dispute.resolved"):
        assert action in actions
    resolution = next(e for e in events if e["action"] == "dispute.resolved")
    assert resolution["before"]["status"] == "open"
    assert resolution["after"]["status"] == "accepted" and resolution["actor"] == "quinn"
    changes = [e for e in events if e["action"] == "verdict.changed"]
    assert [e["after"]["effective"] for e in changes] == [FLIP[automatic], automatic]
    acknowledgement = next(e for e in events if e["action"] == "acknowledgement.created")
    assert acknowledgement["before"] is None
    assert acknowledgement["after"]["comment"] == "thanks"


def test_a_dispute_after_the_window_is_a_clear_409(loop_client: LoopClient) -> None:
    client = loop_client(dispute_window_days=7)
    qa, alex = sign_in(client, "qa"), sign_in(client, "agent")
    criterion = decided(verdicts(client, qa, "call_001"))
    automatic = verdicts(client, qa, "call_001")[criterion]["automatic"]
    override(client, qa, "call_001", criterion, FLIP[automatic])
    eight_days_ago = datetime.now(UTC) - timedelta(days=8)
    with client.app.state.sessions.begin() as session:  # type: ignore[attr-defined]
        session.execute(update(ReviewRow).values(created_at=eight_days_ago))
    late = client.post("/api/v1/calls/call_001/disputes",
                       json={"criterion_id": criterion, "reason": "too late?"}, headers=alex)
    assert late.status_code == 409
    assert "dispute window closed" in late.json()["detail"]
    assert "review_loop.dispute_window_days" in late.json()["detail"]


def test_disputes_per_period_are_limited(loop_client: LoopClient) -> None:
    client = loop_client(disputes_per_period=1)
    qa, alex = sign_in(client, "qa"), sign_in(client, "agent")
    table = verdicts(client, qa, "call_001")
    first, second = decided(table), decided(table, 1)
    assert client.post("/api/v1/calls/call_001/disputes",
                       json={"criterion_id": first, "reason": "one"},
                       headers=alex).status_code == 201
    over = client.post("/api/v1/calls/call_001/disputes",
                       json={"criterion_id": second, "reason": "two"}, headers=alex)
    assert over.status_code == 429 and "review_loop.disputes_per_period" in over.text
    unknown = client.post("/api/v1/calls/call_001/disputes",
                          json={"criterion_id": "nope", "reason": "x"}, headers=alex)
    assert unknown.status_code == 422


def test_a_rejected_dispute_leaves_the_verdict(loop_client: LoopClient) -> None:
    client = loop_client()
    qa, alex = sign_in(client, "qa"), sign_in(client, "agent")
    criterion = decided(verdicts(client, qa, "call_001"))
    before = verdicts(client, qa, "call_001")[criterion]
    opened = client.post("/api/v1/calls/call_001/disputes",
                         json={"criterion_id": criterion, "reason": "no"}, headers=alex)
    path = f"/api/v1/disputes/{opened.json()['id']}/resolve"
    bad = client.post(path, json={"decision": "rejected", "outcome": "pass"}, headers=qa)
    assert bad.status_code == 422
    rejected = client.post(path, json={"decision": "rejected", "comment": "it stands"},
                           headers=qa)
    assert rejected.status_code == 200 and rejected.json()["outcome"] is None
    assert verdicts(client, qa, "call_001")[criterion] == before
