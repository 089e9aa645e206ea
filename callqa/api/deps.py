"""One dependency per concern: the settings, the store, and the signed-in person.

Who may use a route is said once, on the route, by the person dependency it takes:
`AnyUser`, `Staff` (admin, qa, team leaders), `QaOrAdmin` or `AgentUser` (agents only:
acknowledging, disputing and self-assessing their own calls). The roles travel as the
security scopes of `current_user`, the one place that turns a token into a person and
refuses a role the route does not allow (403) or a missing or bad token (401). Which calls
a person sees is `person.scope`, applied by the services' queries.

The web pages (`api/pages/`) take the same roles from `session_user`: the person comes from
the signed session cookie instead of a token, through the same lookup and role check
(`PageUser`, `PageStaff`, `PageQa`, `PageAgent`, `PageAdmin`); not signed in redirects to
`/login`. The API never reads the cookie, so no JSON route is open to cross-site requests;
every page form is checked against the session's CSRF token (`csrf_checked`)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Security, status
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.services.tokens import token_subject
from callqa.services.users import Person, find_user

TOKEN_URL = "/api/v1/auth/token"
oauth2 = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)

ALL_ROLES = ["admin", "qa", "team_leader", "agent"]
STAFF_ROLES = ["admin", "qa", "team_leader"]
QA_ROLES = ["admin", "qa"]
AGENT_ROLES = ["agent"]
ADMIN_ROLES = ["admin"]


# `async` though they do not wait: FastAPI runs a plain `def` dependency in its thread
# pool, and these two are asked for on every request (a hop each, for nothing).
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    return sessions


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]


def current_user(security_scopes: SecurityScopes, request: Request,
                 sessions: SessionsDep, token: Annotated[str | None, Depends(oauth2)]
                 ) -> Person:
    """The person behind the bearer token (or the web pages' session), if their role may
    use the route."""
    bearer = 'Bearer' + (f' scope="{security_scopes.scope_str}"' if security_scopes.scopes
                         else "")
    username = token_subject(token, request.app.state.secret) if token else None
    person = find_user(sessions, username) if username else None
    if person is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in first: a valid bearer "
                            f"token from POST {TOKEN_URL} is needed",
                            headers={"WWW-Authenticate": bearer})
    return _allowed(person, security_scopes)


def _allowed(person: Person, security_scopes: SecurityScopes) -> Person:
    if security_scopes.scopes and person.role not in security_scopes.scopes:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"the {person.role} role may not use this route")
    return person


class SignInRequired(Exception):  # noqa: N818  (a redirect, not an error)
    """A page asked for without a signed-in session: answered by a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


SESSION_USER = "username"
SESSION_CSRF = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def session_user(security_scopes: SecurityScopes, request: Request, sessions: SessionsDep
                 ) -> Person:
    """The person signed in to the web pages (the session cookie), if their role may use
    the page; a disabled or removed user is signed out."""
    username = request.session.get(SESSION_USER)
    person = find_user(sessions, username) if isinstance(username, str) else None
    if person is None:
        request.session.pop(SESSION_USER, None)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return _allowed(person, security_scopes)


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use): every page form carries it."""
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


async def csrf_checked(request: Request) -> None:
    """Refuse (403) a page POST whose form field `csrf_token` (or `X-CSRF-Token` header,
    for htmx) is not the session's token. The pages' routers take it for every route, so a
    new form cannot forget it."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get(SESSION_CSRF)
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    if not (isinstance(expected, str) and given
            and secrets.compare_digest(expected.encode(), given.encode())):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this form has expired or did not "
                            "come from callqa: reload the page and send it again")


AnyUser = Annotated[Person, Security(current_user, scopes=ALL_ROLES)]
Staff = Annotated[Person, Security(current_user, scopes=STAFF_ROLES)]
QaOrAdmin = Annotated[Person, Security(current_user, scopes=QA_ROLES)]
AgentUser = Annotated[Person, Security(current_user, scopes=AGENT_ROLES)]
Admin = Annotated[Person, Security(current_user, scopes=ADMIN_ROLES)]
"""Admins only: erasing a call and its legal hold (routes/erasure.py)."""
PageUser = Annotated[Person, Security(session_user, scopes=ALL_ROLES)]
PageStaff = Annotated[Person, Security(session_user, scopes=STAFF_ROLES)]
PageQa = Annotated[Person, Security(session_user, scopes=QA_ROLES)]
PageAgent = Annotated[Person, Security(session_user, scopes=AGENT_ROLES)]
PageAdmin = Annotated[Person, Security(session_user, scopes=["admin"])]
StoreId = Annotated[int, Path(ge=1, le=2**31 - 1, description="An id the store handed out.")]
"""A path id: a positive integer the store's INTEGER keys can hold (422 otherwise, not a
database error)."""
