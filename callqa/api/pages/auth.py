"""Signing in and out of the web pages (`/login`, `/logout`), and `/`, which sends each
person to their home page. The password check and its rate limit are the token route's."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from callqa.api.deps import SESSION_CSRF, SESSION_USER, PageUser, SessionsDep, SettingsDep
from callqa.api.pages.common import flash, page_router, render
from callqa.api.routes.auth import checked_sign_in

router = page_router()
HOME = {"qa": "/queue", "admin": "/queue", "team_leader": "/team", "agent": "/me"}


@router.get("/", name="home")
def home(person: PageUser) -> RedirectResponse:
    return RedirectResponse(HOME[person.role], status_code=303)


@router.get("/login", name="login_page", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> HTMLResponse:
    return render(request, "login.html", None, next=_local(next), error=None)


@router.post("/login", response_model=None)
def login(request: Request, sessions: SessionsDep, settings: SettingsDep,
          username: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)],
          next: Annotated[str, Form()] = "",
          ) -> HTMLResponse | RedirectResponse:
    try:
        person = checked_sign_in(request, sessions, settings, username, password)
    except HTTPException as exc:
        return render(request, "login.html", None, status_code=exc.status_code,
                      next=_local(next), error=str(exc.detail), username=username)
    request.session.clear()  # a fresh session: nothing of the signed-out one carries over
    request.session[SESSION_USER] = person.username
    return RedirectResponse(_local(next) or HOME[person.role], status_code=303)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    request.session.pop(SESSION_USER, None)
    request.session.pop(SESSION_CSRF, None)
    flash(request, "You are signed out.")
    return RedirectResponse("/login", status_code=303)


def _local(target: str) -> str:
    """Only a path on this server (never `//elsewhere` or a full URL): no open redirect."""
    return target if target.startswith("/") and not target.startswith("//") \
        and "\\" not in target else ""
