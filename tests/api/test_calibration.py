"""Calibration and self-assessment through the API, on SQLite and PostgreSQL: reviewers score
blind until the session closes; closing reports per-criterion agreement; calibration
verdicts never become the call's human verdict. An agent assesses a call they submitted
for feedback first, and sees the reviewer's verdicts beside their own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import LoopClient, add_person, sign_in
from tests.api.test_reviews import FLIP, audit, decided, verdicts

pytestmark = pytest.mark.model


def _blind_verdicts(client: TestClient, headers: dict[str, str], calibration_id: int,
                    call_id: str, outcomes: dict[str, str]) -> None:
    body = {"criteria": [{"id": c, "outcome": o} for c, o in outcomes.items()],
            "comment": None, "calibration_id": calibration_id}
    answer = client.post(f"/api/v1/calls/{call_id}/reviews", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["kind"] == "calibration"


def test_a_two_reviewer_calibration_is_blind_then_reports_agreement(loop_client: LoopClient
                                                                    ) -> None:
    client = loop_client()
    lead, leader, admin = (sign_in(client, r) for r in ("qa", "team_leader", "admin"))
    table = verdicts(client, admin, "call_001")
    first, second = decided(table), decided(table, 1)
    auto = {c: table[c]["automatic"] for c in (first, second)}

    assert client.post("/api/v1/calibrations", json={"call_ids": ["call_001"],
                       "reviewers": ["alex"]}, headers=lead).status_code == 422
    assert client.post("/api/v1/calibrations", json={"call_ids": ["call_003"],
                       "reviewers": ["tess"]}, headers=lead).status_code == 422  # not t1
    opened = client.post("/api/v1/calibrations",
                         json={"call_ids": ["call_001", "call_002"], "reviewers": ["tess"]},
                         headers=lead)
    assert opened.status_code == 201, opened.text
    session = opened.json()
    number = session["id"]
    assert session["lead"] == "quinn" and session["reviewers"] == ["quinn", "tess"]
    assert session["status"] == "open" and session["agreement"] is None

    # The lead agrees with the machine; the team leader differs on `second`.
    _blind_verdicts(client, lead, number, "call_001", auto)
    _blind_verdicts(client, leader, number, "call_001",
                    {first: auto[first], second: FLIP[auto[second]]})
    outside = client.post("/api/v1/calls/call_003/reviews",
                          json={"criteria": [], "calibration_id": number}, headers=lead)
    assert outside.status_code == 422

    # Blind: nobody sees another's verdicts or the automatic ones while it is open.
    seen = client.get(f"/api/v1/calibrations/{number}", headers=leader).json()
    assert [r["reviewer"] for r in seen["reviews"]] == ["tess"]
    assert seen["automatic"] is None and seen["agreement"] is None
    assert seen["submitted"] == {"quinn": ["call_001"], "tess": ["call_001"]}
    assert [r["reviewer"] for r in client.get(f"/api/v1/calibrations/{number}",
                                              headers=lead).json()["reviews"]] == ["quinn"]
    assert client.get(f"/api/v1/calibrations/{number}", headers=admin).json()["reviews"] == []
    detail = client.get("/api/v1/calls/call_001", headers=leader).json()
    assert detail["blind"] is True and detail["score_result"] is None
    assert detail["score"] is None and detail["verdicts"] == []
    listed = {c["call_id"]: c for c in client.get("/api/v1/calls", headers=leader).json()[
        "items"]}
    assert listed["call_001"]["score"] is None  # the list is blind too
    reviews = client.get("/api/v1/calls/call_001/reviews", headers=leader).json()
    assert reviews["blind"] is True and reviews["reviews"] == []
    assert client.get("/api/v1/calls/call_001/audit", headers=lead).status_code == 409
    # Calibration verdicts are not the call's human verdict, nor on its audit trail.
    assert all(v["human"] is None for v in verdicts(client, admin, "call_001").values())
    trail = client.get("/api/v1/calls/call_001/audit", headers=admin).json()
    assert not [e for e in trail if "review" in e["action"]]

    assert client.post(f"/api/v1/calibrations/{number}/close",
                       headers=leader).status_code == 403
    add_person(client, "quincy", "qa")
    other_qa = client.post("/api/v1/auth/token", data={"username": "quincy",
                                                       "password": "correct horse battery"})
    not_lead = client.post(f"/api/v1/calibrations/{number}/close", headers={
        "Authorization": f"Bearer {other_qa.json()['access_token']}"})
    assert not_lead.status_code == 403 and "quinn" in not_lead.json()["detail"]
    closed = client.post(f"/api/v1/calibrations/{number}/close", headers=lead)
    assert closed.status_code == 200, closed.text
    result = closed.json()
    assert result["status"] == "closed" and result["closed_at"]
    agreement = {a["criterion_id"]: a for a in result["agreement"]}
    assert set(agreement) == {first, second}
    assert agreement[first]["percent_agreement"] == 1.0
    assert agreement[second]["percent_agreement"] == 0.0
    assert agreement[first]["kappa_method"] == "cohen"
    assert agreement[second]["reviewer_deviation"] == {"tess": 1.0}
    assert agreement[first]["reviewer_deviation"] == {"tess": 0.0}
    assert agreement[second]["automatic_agreement"] == 0.5
    assert agreement[second]["automatic_vs_lead"] == 1.0
    assert result["automatic"]["call_001"][first] == auto[first]

    after = client.get(f"/api/v1/calibrations/{number}", headers=leader).json()
    assert sorted(r["reviewer"] for r in after["reviews"]) == ["quinn", "tess"]
    assert client.get("/api/v1/calls/call_001", headers=leader).json()["blind"] is False
    late = client.post("/api/v1/calls/call_001/reviews",
                       json={"criteria": [], "calibration_id": number}, headers=leader)
    assert late.status_code == 409
    assert client.post(f"/api/v1/calibrations/{number}/close",
                       headers=lead).status_code == 409
    actions = [e["action"] for e in client.get("/api/v1/calls/call_001/audit",
                                               headers=lead).json()]
    assert "calibration_review.created" not in actions
    # No one outside it, and no agent, sees the session.
    assert client.get(f"/api/v1/calibrations/{number}",
                      headers=sign_in(client, "agent")).status_code == 403


def _upload_for_feedback(client: TestClient, headers: dict[str, str]) -> str:
    transcript: dict[str, Any] = client.get("/api/v1/calls/call_001",
                                            headers=headers).json()["transcript"]
    transcript["utterances"] = transcript["utterances"][:-1]  # new bytes, a new call
    answer = client.post("/api/v1/calls", headers=headers, files={
        "transcript": ("mine.json", json.dumps(transcript).encode(), "application/json")},
        data={"note": "was I clear?"})
    assert answer.status_code == 202, answer.text
    call_id: str = answer.json()["call_id"]
    return call_id


def test_self_assessment_comes_first_and_is_compared(loop_client: LoopClient) -> None:
    client = loop_client()
    alex, qa = sign_in(client, "agent"), sign_in(client, "qa")
    call_id = _upload_for_feedback(client, alex)
    table = verdicts(client, alex, call_id)
    first, second = decided(table), decided(table, 1)
    mine = {"criteria": [{"id": first, "outcome": table[first]["automatic"]},
                         {"id": second, "outcome": FLIP[table[second]["automatic"]],
                          "comment": "I think I did"}]}
    not_feedback = client.post("/api/v1/calls/call_001/self-assessment", json=mine,
                               headers=alex)
    assert not_feedback.status_code == 409 and "feedback" in not_feedback.json()["detail"]
    assert client.post(f"/api/v1/calls/{call_id}/self-assessment", json=mine,
                       headers=qa).status_code == 403
    own = client.post(f"/api/v1/calls/{call_id}/self-assessment", json=mine, headers=alex)
    assert own.status_code == 201, own.text
    assert own.json()["kind"] == "self"
    jamie = add_person(client, "jamie", "agent", ("t1",), "a02")
    assert client.post(f"/api/v1/calls/{call_id}/self-assessment", json=mine,
                       headers=jamie).status_code == 404
    # A self-assessment is no human verdict.
    assert verdicts(client, qa, call_id)[second]["human"] is None
    assert verdicts(client, qa, call_id)[second]["self_assessed"] == FLIP[
        table[second]["automatic"]]

    reviewer = {"criteria": [{"id": first, "outcome": table[first]["automatic"]},
                             {"id": second, "outcome": table[second]["automatic"]}]}
    assert client.post(f"/api/v1/calls/{call_id}/reviews", json=reviewer,
                       headers=qa).status_code == 201
    late = client.post(f"/api/v1/calls/{call_id}/self-assessment", json=mine, headers=alex)
    assert late.status_code == 409 and "first" in late.json()["detail"]

    shown = client.get(f"/api/v1/calls/{call_id}/reviews", headers=alex).json()
    assert shown["self_assessment"]["reviewer"] == "alex"
    assert [r["reviewer"] for r in shown["reviews"]] == ["quinn"]
    side = {c["criterion_id"]: c for c in shown["comparison"]}
    assert side[first]["agree"] is True and side[second]["agree"] is False
    assert side[second]["self_assessed"] == FLIP[table[second]["automatic"]]
    assert side[second]["reviewer"] == table[second]["automatic"]

    kept = client.get("/api/v1/self-assessments/agreement", headers=alex).json()["items"]
    rows = {(r["agent_id"], r["criterion_id"]): r for r in kept}
    assert rows[("a01", first)]["agreement"] == 1.0
    assert rows[("a01", second)] == {"agent_id": "a01", "criterion_id": second,
                                      "calls": 1, "agreed": 0, "agreement": 0.0}
    assert client.get("/api/v1/self-assessments/agreement",
                      headers=jamie).json()["items"] == []
    actions = [e["action"] for e in audit(client, call_id)]
    assert "self_assessment.created" in actions
