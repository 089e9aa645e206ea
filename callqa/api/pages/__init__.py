"""The web pages: server-rendered templates over the same services as the JSON routes.

One module per page group (`auth`, `queue`, `calls`, `me`, `team`, `agents`, `disputes`,
`calibrations`, `admin`), each a router whose routes take the person from the session
cookie (`api.deps.session_user`, the same roles and scope as the API) and call the services.
`mount_pages` adds the signed session cookie, the static files and the routers to the app.
Templates live in `api/templates/`, scripts and styles in `api/static/` (vendored, nothing
is fetched from outside the server)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from callqa.api.deps import SignInRequired
from callqa.api.pages.common import is_page, render_error
from callqa.configs.settings import Settings

STATIC = Path(__file__).resolve().parents[1] / "static"
SESSION_COOKIE = "callqa_session"


def page_routers() -> list[APIRouter]:
    """Every page group's router (the access test reads their routes)."""
    from callqa.api.pages import (
        admin,
        agents,
        auth,
        calibrations,
        calls,
        disputes,
        me,
        queue,
        team,
    )

    return [m.router for m in (auth, queue, calls, me, team, agents, disputes, calibrations,
                               admin)]


def mount_pages(app: FastAPI, settings: Settings, secret: str) -> None:
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie=SESSION_COOKIE,
                       max_age=int(timedelta(hours=settings.api.session_hours)
                                   .total_seconds()),
                       same_site="lax", https_only=not settings.api.plain_http)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in page_routers():
        app.include_router(router)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(app.url_path_for("login_page")
                                + f"?next={_quoted(exc.next_path)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def page_or_json(request: Request, exc: StarletteHTTPException) -> Response:
        if is_page(request):
            return render_error(request, exc.status_code, str(exc.detail))
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def page_or_json_422(request: Request, exc: RequestValidationError) -> Response:
        if is_page(request):
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}"
                                 for e in exc.errors())
            return render_error(request, 422, f"Some fields are not valid: {problems}")
        return await request_validation_exception_handler(request, exc)


def _quoted(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
