"""`callqa score` and `callqa scorecards ...`: thin commands over `callqa.services.scoring`.
Imports of spaCy and the scorecards happen inside the commands, so `callqa --help` stays
fast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from callqa.cli.console import out, print_table
from callqa.domain.errors import CallqaError

scorecards_app = typer.Typer(
    name="scorecards", help="List and validate scorecards.", no_args_is_help=True,
    add_completion=False, pretty_exceptions_enable=False,
)
FORMATS = ("json", "table")


def score(
    transcript: Annotated[Path, typer.Argument(
        help="A callqa.transcript/1 or callqa.import/1 JSON file.")],
    metadata: Annotated[
        Path | None,
        typer.Option(help="Call metadata JSON; its fields override the transcript's own."),
    ] = None,
    scorecard: Annotated[
        Path | None,
        typer.Option(help="A scorecard YAML file (default: the bundled one for the call type)."),
    ] = None,
    call_type: Annotated[
        str | None, typer.Option(help="Score as this call type (picks the bundled scorecard).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json or table.")] = "json",
) -> None:
    """Score one transcript against the scorecard for its call type, with evidence."""
    from callqa.configs.settings import load_settings
    from callqa.services.scoring import score_file

    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if scorecard is not None and call_type is not None:
        raise typer.BadParameter(
            "give --scorecard or --call-type, not both", param_hint="--call-type"
        )
    result = score_file(transcript, metadata, scorecard, call_type, load_settings())
    if fmt == "json":
        sys.stdout.write(result.to_json() + "\n")
    else:
        from callqa.cli.score_table import score_table

        # A file or pipe: reasons read better on wide lines.
        out.print(score_table(result), width=None if out.is_terminal else 160)


@scorecards_app.command("validate")
def validate(
    paths: Annotated[
        list[Path], typer.Argument(help="Scorecard YAML files, or folders of them.")
    ],
) -> None:
    """Check scorecards; report every problem with its file, line and field."""
    from callqa.services.scoring import check_scorecard_files

    checks = check_scorecard_files(paths)
    failed = 0
    for check in checks:
        if check.problems:
            failed += 1
            for problem in check.problems:
                out.print(f"[red]error[/red] {problem}", soft_wrap=True, highlight=False)
        elif check.scorecard is not None:
            scorecard = check.scorecard
            out.print(
                f"[green]ok[/green] {check.file}: {scorecard.id} {scorecard.version},"
                f" {len(scorecard.criteria)} criteria, languages {', '.join(scorecard.languages)}",
                soft_wrap=True, highlight=False,
            )
    if failed:
        raise CallqaError(
            f"{failed} of {len(checks)} scorecard file(s) invalid; fix the fields named above"
            " (docs/score-format.md describes every field)"
        )


@scorecards_app.command("list")
def list_scorecards() -> None:
    """The scorecards shipped with callqa, and the call types each one judges."""
    from callqa.scoring.loading import bundled_scorecards

    table = Table(title="bundled scorecards")
    for column in ("id", "version", "call types", "criteria", "languages"):
        table.add_column(column)
    for scorecard in bundled_scorecards():
        table.add_row(
            scorecard.id, scorecard.version,
            ", ".join(scorecard.call_types) or "(every other call)",
            str(len(scorecard.criteria)), ", ".join(scorecard.languages),
        )
    print_table(table)
