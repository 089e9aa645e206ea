"""`callqa score` and `callqa scorecards ...`: thin commands over `callqa.scoring`.

Registered in `callqa/cli.py` with:

    from callqa.scoring.cli import score, scorecards_app
    app.command()(score)
    app.add_typer(scorecards_app, name="scorecards")

Imports of spaCy and the scorecards happen inside the commands, so `callqa --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from callqa.domain import CallMetadata, Transcript
from callqa.errors import CallqaError
from callqa.scoring.errors import ScorecardProblem, TranscriptFileError

scorecards_app = typer.Typer(
    name="scorecards", help="List and validate scorecards.", no_args_is_help=True,
    add_completion=False, pretty_exceptions_enable=False,
)
FORMATS = ("json", "table")


def score(
    transcript: Annotated[Path, typer.Argument(help="A callqa.transcript/1 JSON file.")],
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
    from callqa.scoring.loading import choose_scorecard, load_scorecard
    from callqa.scoring.score import score_call

    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if scorecard is not None and call_type is not None:
        raise typer.BadParameter(
            "give --scorecard or --call-type, not both", param_hint="--call-type"
        )
    call = load_transcript(transcript)
    call_metadata = merged_metadata(call.metadata, metadata, call_type)
    chosen = (
        load_scorecard(scorecard)
        if scorecard is not None
        else choose_scorecard(call_metadata.call_type if call_metadata else None)
    )
    result = score_call(call, chosen, call_metadata)
    if fmt == "json":
        sys.stdout.write(result.to_json() + "\n")
    else:
        from callqa.scoring.report import score_table

        console = Console()
        if not console.is_terminal:
            console = Console(width=160)  # a file or pipe: reasons read better on wide lines
        console.print(score_table(result))


def load_transcript(path: Path) -> Transcript:
    """Read a `callqa.transcript/1` file; errors name the file and the fix."""
    from pydantic import ValidationError

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TranscriptFileError(
            path, f"cannot read the transcript ({exc.strerror})", "check the path"
        ) from exc
    try:
        return Transcript.from_json(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or '(top level)'}: {error['msg']}"
            for error in exc.errors()[:5]
        )
        raise TranscriptFileError(
            path,
            f"not a callqa.transcript/1 JSON file ({problems})",
            "give the output of `callqa transcribe` (see docs/transcript-format.md)",
        ) from exc


def merged_metadata(
    embedded: CallMetadata | None, path: Path | None, call_type: str | None
) -> CallMetadata | None:
    """The transcript's own metadata, with the fields of `--metadata` and `--call-type` over it."""
    from callqa.metadata import load_metadata, parse_metadata

    if path is None and call_type is None:
        return embedded
    fields = embedded.model_dump(exclude_unset=True) if embedded else {}
    if path is not None:
        fields |= load_metadata(path).model_dump(exclude_unset=True)
    if call_type is not None:
        fields["call_type"] = call_type
    return parse_metadata(fields, path or "--call-type")


@scorecards_app.command("validate")
def validate(
    paths: Annotated[
        list[Path], typer.Argument(help="Scorecard YAML files, or folders of them.")
    ],
) -> None:
    """Check scorecards; report every problem with its file, line and field."""
    from callqa.scoring.loading import check_scorecard

    console = Console(soft_wrap=True, highlight=False)
    files = [f for p in paths for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])]
    if not files:
        raise CallqaError(f"no scorecard files in {', '.join(map(str, paths))}")
    failed = 0
    claimed: dict[str, Path] = {}
    for file in files:
        try:
            scorecard, problems = check_scorecard(file.read_text(encoding="utf-8"), str(file))
        except (OSError, UnicodeDecodeError) as exc:
            unreadable = ScorecardProblem(str(file), None, "", f"unreadable ({exc})")
            scorecard, problems = None, [unreadable]
        if scorecard is not None:
            for call_type in scorecard.call_types:
                if call_type in claimed:
                    problems.append(ScorecardProblem(
                        str(file), None, "call_types",
                        f"call type {call_type!r} is also claimed by {claimed[call_type]}",
                    ))
                claimed.setdefault(call_type, file)
        if problems:
            failed += 1
            for problem in problems:
                console.print(f"[red]error[/red] {problem}")
        elif scorecard is not None:
            console.print(
                f"[green]ok[/green] {file}: {scorecard.id} {scorecard.version},"
                f" {len(scorecard.criteria)} criteria, languages {', '.join(scorecard.languages)}"
            )
    if failed:
        raise CallqaError(
            f"{failed} of {len(files)} scorecard file(s) invalid; fix the fields named above"
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
    Console().print(table)
