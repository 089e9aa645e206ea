"""Who may use which route, for every route of the app's own table: no token 401, a role the
route does not allow 403, a call out of scope 404 exactly like a call that does not exist.
A new route without a rule here fails `test_every_route_has_a_rule`."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from tests.api.conftest import (
    IN_SCOPE,
    OUT_OF_SCOPE,
    PASSWORD,
    USERS,
    sign_in,
)

EVERYONE = frozenset(USERS)
STAFF = frozenset({"admin", "qa", "team_leader"})
QA = frozenset({"admin", "qa"})
AGENTS = frozenset({"agent"})
ADMIN = frozenset({"admin"})
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
    ("GET", "/api/v1/review-plan"): STAFF,
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
    # Retention and erasure (issue 16).
    ("DELETE", "/api/v1/calls/{call_id}"): ADMIN,
    ("PUT", "/api/v1/calls/{call_id}/legal-hold"): ADMIN,
    ("DELETE", "/api/v1/calls/{call_id}/legal-hold"): ADMIN,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
}
# What an allowed request gets: a POST without its form fields 422; an id no session or
# dispute has 404 (and the review plan before any analysis); a self-assessment of a call
# not submitted for feedback 409.
ALLOWED_STATUS = {("POST", "/api/v1/calls"): 422, ("POST", "/api/v1/auth/token"): 422,
                  ("POST", "/api/v1/calls/{call_id}/reviews"): 201,
                  ("POST", "/api/v1/calls/{call_id}/self-assessment"): 409,
                  ("POST", "/api/v1/calls/{call_id}/disputes"): 201,
                  ("POST", "/api/v1/disputes/{dispute_id}/resolve"): 404,
                  ("POST", "/api/v1/calibrations"): 201,
                  ("GET", "/api/v1/calibrations/{calibration_id}"): 404,
                  ("POST", "/api/v1/calibrations/{calibration_id}/close"): 404,
                  ("POST", "/api/v1/library"): 201,
                  ("GET", "/api/v1/review-plan"): 404,  # no analysis in this store yet
                  ("DELETE", "/api/v1/calls/{call_id}"): 204}
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
    ("PUT", "/api/v1/calls/{call_id}/legal-hold"): {"reason": "access"},
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


# --- the web pages (issue 15): the same roles and scope, the person from the session cookie ---

PAGE_RULES: dict[tuple[str, str], frozenset[str] | None] = {
    ("GET", "/"): EVERYONE,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,  # a session's own sign-out (CSRF-checked like every form)
    ("GET", "/queue"): STAFF,
    ("GET", "/calls/{call_id}"): EVERYONE,
    ("GET", "/calls/{call_id}/audio"): EVERYONE,
    ("POST", "/calls/{call_id}/review"): STAFF,
    ("POST", "/calls/{call_id}/disputes/{dispute_id}/resolve"): QA,
    ("POST", "/calls/{call_id}/self-assessment"): AGENTS,
    ("POST", "/calls/{call_id}/acknowledge"): AGENTS,
    ("POST", "/calls/{call_id}/dispute"): AGENTS,
    ("GET", "/me"): AGENTS,
    ("GET", "/me/calls/{call_id}/row"): AGENTS,
    ("POST", "/me/submissions"): AGENTS,
    ("GET", "/team"): STAFF,
    ("GET", "/agents"): STAFF,
    ("GET", "/agents/{agent_id}"): STAFF,
    ("GET", "/disputes"): QA,
    ("GET", "/calibrations"): STAFF,
    ("POST", "/calibrations"): QA,
    ("GET", "/calibrations/{calibration_id}"): STAFF,
    ("POST", "/calibrations/{calibration_id}/calls/{call_id}"): STAFF,
    ("POST", "/calibrations/{calibration_id}/close"): QA,
    ("GET", "/admin/users"): frozenset({"admin"}),
    ("POST", "/admin/users"): frozenset({"admin"}),
    ("POST", "/admin/users/{username}/disable"): frozenset({"admin"}),
    ("GET", "/admin/scorecards"): frozenset({"admin"}),
    ("POST", "/admin/scorecards/check"): frozenset({"admin"}),
}
# What an allowed page request gets without its form fields or with an id nothing has.
PAGE_ALLOWED = {("GET", "/"): 303, ("POST", "/calls/{call_id}/review"): 303,
                ("POST", "/calls/{call_id}/acknowledge"): 303,
                ("POST", "/calls/{call_id}/self-assessment"): 303,  # 409: said on the page
                ("POST", "/calls/{call_id}/disputes/{dispute_id}/resolve"): 404,
                ("POST", "/calls/{call_id}/dispute"): 303,
                ("POST", "/me/submissions"): 422,
                ("GET", "/agents/{agent_id}"): 404,
                ("POST", "/calibrations"): 303,  # no calls chosen: said on the page
                ("GET", "/calibrations/{calibration_id}"): 404,
                ("POST", "/calibrations/{calibration_id}/calls/{call_id}"): 404,
                ("POST", "/calibrations/{calibration_id}/close"): 404,
                ("POST", "/admin/users"): 422,
                ("POST", "/admin/users/{username}/disable"): 303,
                ("POST", "/admin/scorecards/check"): 422}
PAGE_FORMS = {("POST", "/calls/{call_id}/dispute"): {"criterion_id": "greeting",
                                                     "reason": "access"},
              ("POST", "/calls/{call_id}/disputes/{dispute_id}/resolve"): {
                  "decision": "rejected"}}
PAGE_IDS = {**IDS, "{agent_id}": "no-such-agent", "{username}": "no-such-user"}


def _page_roles() -> dict[tuple[str, str], frozenset[str] | None]:
    """Every page route with the roles its `session_user` dependency allows (None: none)."""
    from callqa.api.deps import session_user
    from callqa.api.pages import page_routers

    def roles(dependant: Any) -> list[str] | None:
        for dependency in dependant.dependencies:
            if dependency.call is session_user:
                found: list[str] = dependency.own_oauth_scopes or []
                return found
            inner = roles(dependency)
            if inner is not None:
                return inner
        return None

    found: dict[tuple[str, str], frozenset[str] | None] = {}
    for router in page_routers():
        for route in router.routes:
            assert isinstance(route, APIRoute)
            assert not route.include_in_schema, f"{route.path}: pages stay out of the schema"
            declared = roles(route.dependant)
            for method in route.methods or ():
                found[(method, route.path)] = (frozenset(declared) if declared is not None
                                               else None)
    return found


def test_every_page_has_a_rule() -> None:
    assert _page_roles() == PAGE_RULES


def page_sign_in(client: TestClient, role: str) -> str:
    """Sign `client` in through the /login form; the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": USERS[role][0], "password": PASSWORD,
                                         "csrf_token": token})
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/login").text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _page_url(path: str, call_id: str = "call_001") -> str:
    for name, value in (("{call_id}", call_id), *PAGE_IDS.items()):
        path = path.replace(name, value)
    return path


@pytest.mark.model
@pytest.mark.parametrize(("method", "path"), sorted(k for k, v in PAGE_RULES.items() if v))
def test_pages_need_a_session(page_client: TestClient, method: str, path: str) -> None:
    answer = page_client.request(method, _page_url(path))
    if method == "GET":  # sent to sign in, and back here after
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=/")
    else:  # a form without the session's CSRF token
        assert answer.status_code == 403


@pytest.mark.model
@pytest.mark.parametrize("role", sorted(USERS))
def test_pages_roles_and_scope(page_client: TestClient, role: str) -> None:
    token = page_sign_in(page_client, role)
    for (method, path), roles in sorted(PAGE_RULES.items()):
        if roles is None:
            continue
        data = {"csrf_token": token, **PAGE_FORMS.get((method, path), {})} \
            if method == "POST" else None
        if path == "/calls/{call_id}/review" and role in STAFF:
            continue  # a review with no verdicts is still a review: covered by the journeys
        if "{call_id}" in path and not path.startswith("/calibrations") and role in roles:
            outside = page_client.request(method, _page_url(path, OUT_OF_SCOPE[role]),
                                          data=data)
            missing = page_client.request(method, _page_url(path, "no-such-call"), data=data)
            assert outside.status_code == missing.status_code == 404, (method, path)
            assert outside.text == missing.text  # out of scope looks like not there
        inside = page_client.request(method, _page_url(path, IN_SCOPE[role]), data=data)
        page_client.get("/login")  # shows (and so clears) the form's one-time message
        if role not in roles:
            assert inside.status_code == 403, (method, path)
            continue
        expected = PAGE_ALLOWED.get((method, path), 200)
        assert inside.status_code == expected, (method, path, inside.text[:300])


@pytest.mark.model
def test_a_form_without_the_session_token_is_refused(page_client: TestClient) -> None:
    page_sign_in(page_client, "agent")
    for token in (None, "forged"):
        data = {"comment": "x"} | ({"csrf_token": token} if token else {})
        answer = page_client.post("/calls/call_001/acknowledge", data=data)
        assert answer.status_code == 403
        assert "reload the page" in answer.text
    token = csrf_of(page_client.get("/me").text)
    assert page_client.post("/calls/call_001/acknowledge",
                            headers={"X-CSRF-Token": token}).status_code == 303


@pytest.mark.model
def test_the_session_cookie_is_secure_http_only_and_same_site(client: TestClient) -> None:
    answer = client.get("/login")
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    # The bearer API never reads the cookie: a page session is no token.
    assert client.get("/api/v1/calls").status_code == 401


@pytest.mark.model
def test_sign_in_is_rate_limited_and_never_redirects_away(page_client: TestClient) -> None:
    token = csrf_of(page_client.get("/login").text)
    answer = page_client.post("/login", data={"username": "alex", "password": PASSWORD,
                                              "csrf_token": token,
                                              "next": "//evil.example/"})
    assert answer.headers["location"] == "/me"
    token = csrf_of(page_client.get("/login").text)
    codes = [page_client.post("/login", data={"username": "quinn", "password": "wrong!!!",
                                              "csrf_token": token}).status_code
             for _ in range(6)]
    assert codes == [401] * 5 + [429]
