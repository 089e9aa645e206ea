"""Who may use which route, for every route of the app's own table: no token 401, a role the
route does not allow 403, a call out of scope 404 exactly like a call that does not exist.
A new route without a rule here fails `test_every_route_has_a_rule`."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from tests.api.conftest import IN_SCOPE, OUT_OF_SCOPE, USERS, sign_in

EVERYONE = frozenset(USERS)
STAFF = frozenset({"admin", "qa", "team_leader"})
QA = frozenset({"admin", "qa"})
AGENTS = frozenset({"agent"})
PUBLIC = None
RULES: dict[tuple[str, str], frozenset[str] | None] = {
    ("POST", "/api/v1/auth/token"): PUBLIC,
    ("GET", "/api/v1/me"): EVERYONE,
    ("GET", "/api/v1/calls"): EVERYONE,
    ("POST", "/api/v1/calls"): EVERYONE,
    ("GET", "/api/v1/calls/{call_id}"): EVERYONE,
    ("GET", "/api/v1/calls/{call_id}/audio"): EVERYONE,
    ("GET", "/api/v1/flags"): STAFF,
    ("GET", "/api/v1/review-queue"): STAFF,
    ("GET", "/api/v1/suggestions"): STAFF,
    ("GET", "/api/v1/reports"): STAFF,
    # The human review loop (issue 14).
    ("POST", "/api/v1/calls/{call_id}/reviews"): STAFF,
    ("GET", "/api/v1/calls/{call_id}/reviews"): EVERYONE,
    ("POST", "/api/v1/calls/{call_id}/self-assessment"): AGENTS,
    ("POST", "/api/v1/calls/{call_id}/acknowledge"): AGENTS,
    ("POST", "/api/v1/calls/{call_id}/disputes"): AGENTS,
    ("GET", "/api/v1/calls/{call_id}/audit"): QA,
    ("GET", "/api/v1/feedback"): EVERYONE,
    ("GET", "/api/v1/disputes"): EVERYONE,
    ("POST", "/api/v1/disputes/{dispute_id}/resolve"): QA,
    ("POST", "/api/v1/calibrations"): QA,
    ("GET", "/api/v1/calibrations/{calibration_id}"): STAFF,
    ("POST", "/api/v1/calibrations/{calibration_id}/close"): QA,
    ("GET", "/api/v1/agreement"): QA,
    ("GET", "/api/v1/self-assessments/agreement"): EVERYONE,
    ("POST", "/api/v1/library"): STAFF,
    ("GET", "/api/v1/library"): EVERYONE,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
}
# What an allowed request gets: a POST without its form fields 422; an id no session or
# dispute has 404; a self-assessment of a call not submitted for feedback 409.
ALLOWED_STATUS = {("POST", "/api/v1/calls"): 422, ("POST", "/api/v1/auth/token"): 422,
                  ("POST", "/api/v1/calls/{call_id}/reviews"): 201,
                  ("POST", "/api/v1/calls/{call_id}/self-assessment"): 409,
                  ("POST", "/api/v1/calls/{call_id}/disputes"): 201,
                  ("POST", "/api/v1/disputes/{dispute_id}/resolve"): 404,
                  ("POST", "/api/v1/calibrations"): 201,
                  ("GET", "/api/v1/calibrations/{calibration_id}"): 404,
                  ("POST", "/api/v1/calibrations/{calibration_id}/close"): 404,
                  ("POST", "/api/v1/library"): 201}
# The JSON body a route is tried with (valid, so that the answer is about access).
BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/api/v1/calls/{call_id}/reviews"): {"criteria": [], "comment": "access"},
    ("POST", "/api/v1/calls/{call_id}/self-assessment"): {"criteria": []},
    ("POST", "/api/v1/calls/{call_id}/acknowledge"): {"comment": None},
    ("POST", "/api/v1/calls/{call_id}/disputes"): {"criterion_id": "greeting",
                                                   "reason": "access"},
    ("POST", "/api/v1/disputes/{dispute_id}/resolve"): {"decision": "rejected"},
    ("POST", "/api/v1/calibrations"): {"call_ids": ["call_001"], "reviewers": ["quinn"]},
    ("POST", "/api/v1/library"): {"call_id": "call_001", "criterion_id": "greeting",
                                  "note": "access"},
}
IDS = {"{dispute_id}": "999999", "{calibration_id}": "999999"}


def _url(path: str, call_id: str = "call_001") -> str:
    for name, value in (("{call_id}", call_id), *IDS.items()):
        path = path.replace(name, value)
    return path


def _routes(app: FastAPI) -> dict[tuple[str, str], frozenset[str] | None]:
    """Every route the app serves, with the roles its OpenAPI operation says it needs (its
    OAuth2 scopes; None: no sign-in), from the app's own route table."""
    found: dict[tuple[str, str], frozenset[str] | None] = {}
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            scopes = [scope for requirement in operation.get("security", [])
                      for scope in requirement.get("OAuth2PasswordBearer", [])]
            found[(method.upper(), path)] = frozenset(scopes) if "security" in operation \
                else None
    for route in app.routes:  # the schema's own pages, outside the schema
        if isinstance(route, Route) and not isinstance(route, APIRoute):
            found.update(((method, route.path), None) for method in route.methods or ()
                         if method != "HEAD")
    return found


def test_every_route_has_a_rule(app: FastAPI) -> None:
    routes = _routes(app)
    assert set(routes) - set(RULES) == set(), "routes without an access rule in this test"
    assert set(RULES) - set(routes) == set(), "rules for routes the app no longer has"
    assert routes == RULES, "a route's declared roles differ from its rule here"


def _protected() -> list[tuple[str, str]]:
    return sorted(key for key, roles in RULES.items() if roles is not None)


@pytest.mark.model
@pytest.mark.parametrize(("method", "path"), _protected())
def test_no_token_is_401(client: TestClient, method: str, path: str) -> None:
    answer = client.request(method, _url(path), json=BODIES.get((method, path)))
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    bad = client.request(method, _url(path), json=BODIES.get((method, path)),
                         headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


@pytest.mark.model
@pytest.mark.parametrize("role", sorted(USERS))
@pytest.mark.parametrize(("method", "path"), _protected())
def test_roles_and_scope(client: TestClient, role: str, method: str, path: str) -> None:
    headers = sign_in(client, role)
    roles = RULES[(method, path)]
    assert roles is not None
    body = BODIES.get((method, path))
    if "{call_id}" in path:
        inside = client.request(method, _url(path, IN_SCOPE[role]), json=body,
                                headers=headers)
        outside = client.request(method, _url(path, OUT_OF_SCOPE[role]), json=body,
                                 headers=headers)
        missing = client.request(method, _url(path, "no-such-call"), json=body,
                                 headers=headers)
        if role not in roles:
            assert inside.status_code == outside.status_code == 403
            return
        assert inside.status_code == ALLOWED_STATUS.get((method, path), 200), inside.text
        assert outside.status_code == missing.status_code == 404
        assert outside.json() == missing.json()  # out of scope looks like not there
        return
    answer = client.request(method, _url(path), json=body, headers=headers)
    expected = ALLOWED_STATUS.get((method, path), 200) if role in roles else 403
    assert answer.status_code == expected, answer.text


@pytest.mark.model
def test_lists_hold_only_calls_in_scope(client: TestClient) -> None:
    def listed(role: str) -> set[str]:
        answer = client.get("/api/v1/calls", headers=sign_in(client, role))
        assert answer.status_code == 200
        return {item["call_id"] for item in answer.json()["items"]}

    assert listed("agent") == {"call_001"}
    assert listed("team_leader") == {"call_001", "call_002"}
    assert listed("qa") == listed("admin") == {"call_001", "call_002", "call_003"}
    # A filter cannot widen a scope.
    other = client.get("/api/v1/calls", params={"agent_id": "a02"},
                       headers=sign_in(client, "agent"))
    assert other.json()["items"] == []
