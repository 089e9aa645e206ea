"""The web service: FastAPI over `callqa.services` (`callqa serve`).

`create_app(settings)` builds the app; nothing is built at import. Routes live in
`api/routes/`, one module per resource; each is a permission (the person dependency it
takes, `api/deps.py`), one service call and a response model. Every `/api/v1` route needs a
bearer token from `POST /api/v1/auth/token`. The web pages (`api/pages/`, templates in
`api/templates/`, files in `api/static/`) are served by the same app, signed in with a
session cookie."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from callqa import __version__
from callqa.api.pages import mount_pages
from callqa.api.pages.common import is_page, render_error
from callqa.configs.settings import Settings, load_settings
from callqa.domain.errors import CallqaError, ExitCode
from callqa.services.loop import ReviewLoopError
from callqa.services.store import open_store
from callqa.services.tokens import server_secret

API_PREFIX = "/api/v1"
logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app over the settings' store (created and migrated when new)."""
    from callqa.api.routes import (
        agreement,
        analysis,
        audit,
        auth,
        calibrations,
        calls,
        erasure,
        feedback,
        library,
        me,
        reviews,
    )

    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        from callqa.services.store import close_stores

        close_stores()

    app = FastAPI(title="callqa", version=__version__, lifespan=lifespan,
                  description="Call-centre quality monitoring: calls, scores, flags and "
                              "review, in each person's scope.")
    app.state.settings = settings
    app.state.sessions = open_store(settings.database_url, settings, mode="create")
    app.state.secret = server_secret(settings)
    app.state.sign_in_limiter = MovingWindowRateLimiter(MemoryStorage())
    app.state.process_pending = _processor(settings)
    for router in (auth.router, me.router, calls.router, analysis.router):
        app.include_router(router, prefix=API_PREFIX)
    for router in (reviews.router, feedback.router, audit.router, calibrations.router,
                   agreement.router, library.router):  # the human review loop (issue 14)
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(erasure.router, prefix=API_PREFIX)  # retention and erasure (issue 16)
    _record_scorecards(app.state.sessions, settings)
    app.include_router(me.health_router)
    mount_pages(app, settings, app.state.secret)  # the web pages (issue 15)

    @app.exception_handler(ReviewLoopError)
    async def review_loop_error(request: Request, exc: ReviewLoopError) -> Response:
        if is_page(request):
            return render_error(request, exc.status, str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @app.exception_handler(CallqaError)
    async def callqa_error(request: Request, exc: CallqaError) -> Response:
        code = 503 if exc.exit_code == ExitCode.ENVIRONMENT else 400
        if is_page(request):
            return render_error(request, code, str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=code)

    return app


def _record_scorecards(sessions: object, settings: Settings) -> None:
    """Scorecards are files: a change since the last start is an audit event."""
    from callqa.services.audit import record_scorecards

    try:
        record_scorecards(sessions, settings)  # type: ignore[arg-type]
    except CallqaError:  # a broken scorecard folder: scoring reports it where it matters
        logger.exception("recording scorecard changes failed")


def _processor(settings: Settings) -> object:
    """Process pending calls in this server process, one run at a time (uploads landing
    during a run are picked up by the next)."""
    lock = threading.Lock()

    def process_pending() -> None:
        from callqa.services.processing import process_calls

        with lock:
            try:
                process_calls(open_store(settings.database_url, settings, mode="write"),
                              settings)
            except Exception:  # the upload is stored; `callqa process` can finish it
                logger.exception("processing uploaded calls failed")

    return process_pending
