"""The `callqa` command: parsing and printing over `callqa.services`, nothing more.

- `transcribe`, `score`, `scorecards`: one file at a time (callqa.cli.transcribe, .scoring).
- `ingest`, `process`, `reprocess`, `flags`: the batch flows (callqa.cli.batch).
- `review-queue`, `suggestions`, `report`: what the analysis found (callqa.cli.review).
- `demo`: the main job on the sample calls (callqa.cli.demo).
- `serve`, `users`: the web service and its users (callqa.cli.server).
- `audit`, `agreement`: the review loop's audit trail and trust in the scorer (callqa.cli.loop).
- `delete`, `purge`, `hold`: erasure, retention and legal hold (callqa.cli.erasure).
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated, NoReturn

import typer

from callqa import __version__
from callqa.cli import batch, erasure, loop, review
from callqa.cli.console import DEBUG_ENV, debugging, err, out, quiet_prefect
from callqa.cli.demo import demo
from callqa.cli.scoring import score, scorecards_app
from callqa.cli.server import serve, users_app
from callqa.cli.transcribe import transcribe
from callqa.configs.telemetry import disable_telemetry
from callqa.domain.errors import CallqaError, ExitCode

app = typer.Typer(
    name="callqa",
    help="Speech-analytics quality monitoring for call centers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"callqa {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help=f"Show tracebacks and Prefect's log ({DEBUG_ENV}=1 "
                           "does the same).")
    ] = False,
) -> None:
    """callqa: transcribe, score and select calls for human review.

    Exit codes: 0 all done; 1 some items failed (each recorded with its reason); 2 usage or
    input error; 3 environment error (store or storage out of reach, credentials, model);
    4 a bug in callqa.
    """
    if debug:
        os.environ[DEBUG_ENV] = "1"
    quiet_prefect()  # before any flow module imports Prefect


app.command()(transcribe)
app.command()(demo)
app.command()(score)
app.add_typer(scorecards_app, name="scorecards")
app.command()(serve)
app.add_typer(users_app, name="users")
batch.register(app)
review.register(app)
loop.register(app)
erasure.register(app)


def main() -> None:
    """The `callqa` command: every failure ends in one message and its exit code."""
    disable_telemetry()
    try:
        app()
    except CallqaError as exc:
        _fail(exc, str(exc), exc.exit_code)
    except Exception as exc:  # a driver's or library's error that no layer translated
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            _fail(exc, f"the database failed: {reason}. Fix: check that it is running and "
                  "reachable (--database or CALLQA_DATABASE_URL)", ExitCode.ENVIRONMENT)
        _fail(exc, f"internal error: {_one_line(f'{type(exc).__name__}: {exc}')}. Please "
              f"report it with the traceback (run again with --debug or {DEBUG_ENV}=1)",
              ExitCode.INTERNAL)


def _one_line(text: str, limit: int = 300) -> str:
    """A library's message on one line (pydantic's, for one, spans several)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _fail(exc: BaseException, message: str, code: ExitCode) -> NoReturn:
    if debugging():
        traceback.print_exception(exc)
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    sys.exit(int(code))
