"""Admin pages: users and teams (add, disable), and scorecards (the resolved YAML of each
one in use; an edit checked before it is saved)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from callqa.api.deps import PageAdmin, SessionsDep, SettingsDep
from callqa.api.pages.common import back_to, flash, page_router, paged, render
from callqa.domain.errors import CallqaError
from callqa.models.people import ROLES
from callqa.services import scorecards, users

router = page_router()


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, person: PageAdmin, sessions: SessionsDep, role: str = "",
               team: str = "") -> HTMLResponse:
    everyone = users.list_users(sessions)
    shown = [u for u in everyone if (not role or u.role == role)
             and (not team or team in u.teams)]
    return render(request, "admin_users.html", person, page=paged(request, shown),
                  roles=ROLES, teams=sorted({t for u in everyone for t in u.teams}),
                  chosen={"role": role, "team": team})


@router.post("/admin/users")
def add_user(request: Request, person: PageAdmin, sessions: SessionsDep,
             username: Annotated[str, Form(max_length=200)],
             role: Annotated[str, Form(max_length=32)],
             password: Annotated[str, Form(max_length=1000)],
             teams: Annotated[str, Form(max_length=1000)] = "",
             agent_id: Annotated[str, Form(max_length=200)] = "") -> RedirectResponse:
    try:
        added = users.add_user(sessions, username, password, role,
                               [t.strip() for t in teams.split(",") if t.strip()],
                               agent_id.strip() or None, actor=person.username)
    except CallqaError as exc:
        flash(request, f"Not added: {exc}", "error")
    else:
        flash(request, f"User {added.username} added ({added.role}).")
    return back_to("/admin/users")


@router.post("/admin/users/{username}/disable")
def disable(request: Request, username: str, person: PageAdmin, sessions: SessionsDep
            ) -> RedirectResponse:
    try:
        users.disable_user(sessions, username, actor=person.username)
    except CallqaError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, f"User {username} is disabled: they are signed out.")
    return back_to("/admin/users")


@router.get("/admin/scorecards", response_class=HTMLResponse)
def scorecards_page(request: Request, person: PageAdmin, settings: SettingsDep
                    ) -> HTMLResponse:
    return render(request, "admin_scorecards.html", person,
                  cards=scorecards.scorecards_in_use(settings), check=None, text="",
                  can_save=settings.scorecards_dir is not None)


@router.post("/admin/scorecards/check", response_model=None)
def check(request: Request, person: PageAdmin, settings: SettingsDep,
          text: Annotated[str, Form(max_length=200_000)],
          save: Annotated[str, Form()] = "") -> HTMLResponse | RedirectResponse:
    """Check an edited scorecard; with `save`, save it when it is valid."""
    checked = scorecards.check_text(settings, text)
    if save and checked.scorecard is not None:
        try:
            saved = scorecards.save_text(settings, text)
        except CallqaError as exc:
            flash(request, str(exc), "error")
        else:
            flash(request, f"Scorecard {saved.id} v{saved.version} saved.")
            return back_to("/admin/scorecards")
    return render(request, "admin_scorecards.html", person,
                  cards=scorecards.scorecards_in_use(settings), check=checked, text=text,
                  can_save=settings.scorecards_dir is not None)
