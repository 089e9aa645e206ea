"""The `callqa` command: parsing and printing over `callqa.services`, nothing more.

- `transcribe`, `score`, `scorecards`: one file at a time (callqa.cli.transcribe, .scoring).
- `ingest`, `process`, `reprocess`, `flags`: the batch flows (callqa.cli.batch).
- `review-queue`, `suggestions`, `report`: what the analysis found (callqa.cli.review).
- `demo`: the main job on the sample calls (callqa.cli.demo).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from callqa import __version__
from callqa.cli import batch, review
from callqa.cli.console import err, out
from callqa.cli.demo import demo
from callqa.cli.scoring import score, scorecards_app
from callqa.cli.transcribe import transcribe
from callqa.configs.telemetry import disable_telemetry
from callqa.domain.errors import CallqaError

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
) -> None:
    """callqa: transcribe, score and select calls for human review."""


app.command()(transcribe)
app.command()(demo)
app.command()(score)
app.add_typer(scorecards_app, name="scorecards")
batch.register(app)
review.register(app)


def main() -> None:
    disable_telemetry()
    try:
        app()
    except CallqaError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
