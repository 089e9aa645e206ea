"""Trust in the automatic scorer, the exemplary-call library and the audit trail, through
the API (and `callqa agreement` / `callqa audit`), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from callqa.cli import app as cli
from callqa.configs.settings import Settings
from callqa.services.agreement import untrusted_criteria
from callqa.services.audit import audit_events
from tests.api.conftest import LoopClient, add_person, sign_in
from tests.api.test_reviews import FLIP, decided, override, verdicts

pytestmark = pytest.mark.model


def _url(client: TestClient) -> str:
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    return settings.database_url


def test_a_criterion_reviewers_disagree_with_is_not_trusted(loop_client: LoopClient,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    client = loop_client(min_reviews_for_trust=3, agreement_threshold=0.8)
    table = verdicts(client, sign_in(client, "qa"), "call_001")
    wrong, right = decided(table), decided(table, 1)
    for role, call_id in (("qa", "call_001"), ("admin", "call_001"), ("qa", "call_002"),
                          ("team_leader", "call_002")):
        headers = sign_in(client, role)
        table = verdicts(client, headers, call_id)
        body = {"criteria": [
            {"id": wrong, "outcome": FLIP.get(table[wrong]["automatic"], "pass"),
             "reason": "it missed what was said"},
            {"id": right, "outcome": table[right]["automatic"]}]}
        answer = client.post(f"/api/v1/calls/{call_id}/reviews", json=body, headers=headers)
        assert answer.status_code == 201, answer.text

    report = client.get("/api/v1/agreement", headers=sign_in(client, "qa"))
    assert report.status_code == 200, report.text
    rows = {r["criterion_id"]: r for r in report.json()["criteria"]}
    assert rows[wrong]["status"] == "not_trusted" and rows[wrong]["n"] == 4
    assert rows[wrong]["agreement"] == 0.0 and rows[wrong]["agreed"] == 0
    assert 0 <= rows[wrong]["ci_low"] < rows[wrong]["ci_high"] < 0.6
    assert "no longer drive flags" in rows[wrong]["reason"]
    assert rows[right]["status"] == "trusted" and rows[right]["agreement"] == 1.0
    assert [s.split()[0] for s in rows[wrong]["scorecards"]] == ["billing"]
    assert client.get("/api/v1/agreement",
                      headers=sign_in(client, "team_leader")).status_code == 403
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    assert set(untrusted_criteria(client.app.state.sessions,  # type: ignore[attr-defined]
                                  settings)) == {wrong}
    # A period without those reviews judges nothing.
    empty = client.get("/api/v1/agreement", params={"from": "2020-01-01", "to": "2020-01-31"},
                       headers=sign_in(client, "qa")).json()
    assert empty["criteria"] == []

    monkeypatch.setenv("CALLQA_REVIEW_LOOP__MIN_REVIEWS_FOR_TRUST", "3")
    printed = CliRunner().invoke(cli, ["agreement", "--json", "--database", _url(client)])
    assert printed.exit_code == 0, printed.output
    (line,) = printed.stdout.strip().splitlines()
    cli_rows = {r["criterion_id"]: r for r in json.loads(line)["criteria"]}
    assert cli_rows[wrong]["status"] == "not_trusted"
    table_output = CliRunner().invoke(cli, ["agreement", "--database", _url(client)])
    assert table_output.exit_code == 0 and "not_trusted" in table_output.stdout


def test_the_library_is_marked_by_staff_and_browsed_by_agents(loop_client: LoopClient
                                                              ) -> None:
    client = loop_client()
    qa, leader, agent = (sign_in(client, r) for r in ("qa", "team_leader", "agent"))
    marked = client.post("/api/v1/library", json={
        "call_id": "call_003", "criterion_id": "greeting", "note": "a warm opening"},
        headers=qa)
    assert marked.status_code == 201, marked.text
    assert marked.json()["marked_by"] == "quinn" and marked.json()["agent_id"] == "a03"
    assert client.post("/api/v1/library", json={
        "call_id": "call_003", "call_type": "sales", "note": "x"}, headers=leader
    ).status_code == 404  # not their team's call
    assert client.post("/api/v1/library", json={"call_id": "call_002", "note": "x"},
                       headers=leader).status_code == 422  # for what?
    assert client.post("/api/v1/library", json={
        "call_id": "call_002", "criterion_id": "nope", "note": "x"},
        headers=leader).status_code == 422
    assert client.post("/api/v1/library", json={
        "call_id": "call_002", "call_type": "billing", "note": "textbook billing call"},
        headers=leader).status_code == 201

    browsed = client.get("/api/v1/library", headers=agent)
    assert browsed.status_code == 200
    items = browsed.json()["items"]
    assert [e["call_id"] for e in items] == ["call_002", "call_003"]
    greeting = client.get("/api/v1/library", params={"criterion_id": "greeting"},
                          headers=agent).json()["items"]
    assert [e["note"] for e in greeting] == ["a warm opening"]
    assert "evidence" in greeting[0]
    by_type = client.get("/api/v1/library", params={"call_type": "billing"},
                         headers=agent).json()["items"]
    assert [e["call_id"] for e in by_type] == ["call_002"]
    page = client.get("/api/v1/library", params={"limit": 1}, headers=agent).json()
    assert len(page["items"]) == 1 and page["next_cursor"]

    # Team leaders' suggestions carry library examples for the criteria they show missed.
    suggestions = client.get("/api/v1/suggestions", headers=leader).json()["items"]
    assert all("examples" in s for s in suggestions)
    coaching = [s for s in suggestions if s["criteria"]]
    if coaching:
        criterion = coaching[0]["criteria"][0]
        example = next(c for c in ("call_001", "call_002", "call_003")
                       if c != coaching[0]["call_id"] and criterion in verdicts(client, qa, c))
        assert client.post("/api/v1/library", json={
            "call_id": example, "criterion_id": criterion, "note": "how it is done"},
            headers=qa).status_code == 201
        again = client.get("/api/v1/suggestions", headers=leader).json()["items"]
        shown = next(s for s in again if s["call_id"] == coaching[0]["call_id"])
        assert example in [e["call_id"] for e in shown["examples"]]
    events = audit_events(client.app.state.sessions, entity="library")  # type: ignore[attr-defined]
    assert events and {e.action for e in events} == {"library.marked"}


def test_the_audit_trail_cannot_be_changed(loop_client: LoopClient) -> None:
    client = loop_client()
    schema = client.get("/openapi.json").json()["paths"]
    for path, operations in schema.items():
        if "audit" in path:
            assert set(operations) == {"get"}, path
    qa = sign_in(client, "qa")
    override(client, qa, "call_003", decided(verdicts(client, qa, "call_003")), "na")
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.request(method, "/api/v1/calls/call_003/audit",
                              headers=qa).status_code == 405
    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    for statement in ("UPDATE audit_events SET actor = 'someone else'",
                      "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), sessions.begin() as session:
            session.execute(text(statement))
    assert {e.actor for e in audit_events(sessions, call_id="call_003")} == {"quinn"}
    printed = CliRunner().invoke(cli, ["audit", "--call", "call_003", "--json", "--database",
                                       _url(client)])
    assert printed.exit_code == 0, printed.output
    shown = [json.loads(line) for line in printed.stdout.splitlines()]
    assert [e["action"] for e in shown] == ["review.created", "verdict.changed"]
    assert shown[1]["before"]["effective"] != shown[1]["after"]["effective"] == "na"
    assert CliRunner().invoke(cli, ["audit", "--call", "call_003", "--database",
                                    _url(client)]).exit_code == 0


def test_user_and_scorecard_changes_are_audited(loop_client: LoopClient) -> None:
    client = loop_client()
    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    add_person(client, "robin", "qa")
    from callqa.services.users import disable_user

    disable_user(sessions, "robin", actor="ada")
    robin = audit_events(sessions, entity="user", entity_id="robin")
    assert [e.action for e in robin] == ["user.added", "user.disabled"]
    assert robin[1].actor == "ada" and robin[1].before is not None
    assert robin[1].before["disabled"] is False and robin[1].after == {
        **robin[1].before, "disabled": True}
    assert "password" not in json.dumps(robin[0].after)
    # The fixture's users were added before the app ever started.
    assert {e.entity_id for e in audit_events(sessions, entity="user")} >= {
        "ada", "quinn", "tess", "alex"}
    scorecards = audit_events(sessions, entity="scorecard")
    assert {e.entity_id for e in scorecards} >= {"default", "billing"}
    assert {e.action for e in scorecards} == {"scorecard.added"}
    printed = CliRunner().invoke(cli, ["audit", "--user", "robin", "--json",
                                       "--database", _url(client)])
    assert printed.exit_code == 0, printed.output
    assert [json.loads(line)["action"] for line in printed.stdout.splitlines()] == [
        "user.added", "user.disabled"]
