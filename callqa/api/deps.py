"""One dependency per concern: the settings, the store, and the signed-in person.

Who may use a route is said once, on the route, by the person dependency it takes:
`AnyUser`, `Staff` (admin, qa, team leaders), `QaOrAdmin` or `AgentUser` (agents only:
acknowledging, disputing and self-assessing their own calls). The roles travel as the
security scopes of `current_user`, the one place that turns a token into a person and
refuses a role the route does not allow (403) or a missing or bad token (401). Which calls
a person sees is `person.scope`, applied by the services' queries."""

from __future__ import annotations

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
    if security_scopes.scopes and person.role not in security_scopes.scopes:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"the {person.role} role may not use this route")
    return person


AnyUser = Annotated[Person, Security(current_user, scopes=ALL_ROLES)]
Staff = Annotated[Person, Security(current_user, scopes=STAFF_ROLES)]
QaOrAdmin = Annotated[Person, Security(current_user, scopes=QA_ROLES)]
AgentUser = Annotated[Person, Security(current_user, scopes=AGENT_ROLES)]
StoreId = Annotated[int, Path(ge=1, le=2**31 - 1, description="An id the store handed out.")]
"""A path id: a positive integer the store's INTEGER keys can hold (422 otherwise, not a
database error)."""
