"""`POST /api/v1/auth/token`: sign in with the OAuth2 password form, get a bearer token.

Failed sign-ins are limited per username and per address (`api.sign_in_attempts` in
`api.sign_in_window_seconds`, a moving window kept in the server's memory); each is logged
with the username and address, never the password."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from limits import RateLimitItemPerSecond

from callqa.api.deps import SessionsDep, SettingsDep
from callqa.api.schemas import Token
from callqa.services.tokens import issue_token
from callqa.services.users import Person, authenticate

router = APIRouter(prefix="/auth", tags=["auth"])
logger = logging.getLogger(__name__)


@router.post("/token", response_model=Token)
def sign_in(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()],
            sessions: SessionsDep, settings: SettingsDep) -> Token:
    person = checked_sign_in(request, sessions, settings, form.username, form.password)
    token, lifetime = issue_token(person.username, settings, request.app.state.secret)
    return Token(access_token=token, expires_in=lifetime)


def checked_sign_in(request: Request, sessions: SessionsDep, settings: SettingsDep,
                    username: str, password: str) -> Person:
    """The person whose password this is, within the sign-in limit (429 past it, 401 for a
    wrong username or password). The token route and the sign-in page both use it."""
    limiter = request.app.state.sign_in_limiter
    limit = RateLimitItemPerSecond(settings.api.sign_in_attempts,
                                   settings.api.sign_in_window_seconds)
    address = request.client.host if request.client else "unknown"
    keys = (f"user:{username}", f"address:{address}")
    if not all(limiter.test(limit, key) for key in keys):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                            "too many failed sign-ins: wait a few minutes and try again",
                            headers={"Retry-After": str(settings.api.sign_in_window_seconds)})
    person = authenticate(sessions, username, password)
    if person is None:
        for key in keys:
            limiter.hit(limit, key)
        logger.warning("failed sign-in for username %r from %s", username, address)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password",
                            headers={"WWW-Authenticate": "Bearer"})
    return person
