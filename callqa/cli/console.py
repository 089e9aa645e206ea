"""What every command shares: the one pair of consoles, progress bars, tables, JSON lines,
common options and their parsing. Nothing here knows about calls."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from callqa.configs.settings import Settings, load_settings
from callqa.domain.review import Flag

err = Console(stderr=True)
out = Console()
DEBUG_ENV = "CALLQA_DEBUG"


def debugging() -> bool:
    """`--debug` or CALLQA_DEBUG=1: tracebacks and Prefect's own log are shown."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0", "false")

DatabaseOption = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: CALLQA_DATABASE_URL "
                             "or sqlite:///callqa.db).")]
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
StartOption = Annotated[str | None, typer.Option("--from", help="Period start, YYYY-MM-DD.")]
EndOption = Annotated[str | None, typer.Option("--to", help="Period end, YYYY-MM-DD.")]


def settings_with(
    model: str | None = None,
    device: str | None = None,
    language: str | None = None,
    diarization: str | None = None,
    speakers: int | None = None,
) -> Settings:
    """The settings, with the command line's overrides, and logging at their level."""
    settings = load_settings()
    if diarization is not None or speakers is not None:
        changes = {"backend": diarization, "num_speakers": speakers}
        diarization_settings = settings.diarization.model_validate(
            {**settings.diarization.model_dump(),
             **{k: v for k, v in changes.items() if v is not None}}
        )
        settings = settings.model_copy(update={"diarization": diarization_settings})
    changes = {
        key: value
        for key, value in (("model", model), ("device", device), ("language", language))
        if value is not None
    }
    if changes:
        transcription = settings.transcription.model_validate(
            {**settings.transcription.model_dump(), **changes}
        )
        settings = settings.model_copy(update={"transcription": transcription})
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    return settings


def flow_database(url: str) -> str | None:
    """The `database_url` to give a flow. Prefect keeps a flow run's parameters in its own
    database and shows them in its UI, so a URL with a password travels by this process's
    environment instead (`CALLQA_DATABASE_URL`, which the flow's settings read: the
    commands run their flows in this process) and the flow is given None."""
    from sqlalchemy.engine import make_url

    from callqa.models.engine import DATABASE_URL_ENV

    if make_url(url).password is None:
        return url
    os.environ[DATABASE_URL_ENV] = url
    return None


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date like 2026-11-02",
                                 param_hint=option) from exc


def print_json(records: Iterable[BaseModel | dict[str, Any]]) -> None:
    for record in records:
        data = record.model_dump(mode="json") if isinstance(record, BaseModel) else record
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


LOG_WIDTH = 200
"""Columns for a table printed to a file or pipe (a log keeps whole lines; `--json` is there
for programs)."""


def table(title: str, columns: list[str], rows: Iterable[Iterable[object]]) -> Table:
    shown = Table(title=title)
    for column in columns:
        shown.add_column(column, overflow="fold")
    for row in rows:
        shown.add_row(*("" if v is None else str(v) for v in row))
    return shown


def print_table(shown: Table) -> None:
    """A table at the terminal's width, or `LOG_WIDTH` columns into a file or pipe (rich
    would cut it at 80 columns there)."""
    if out.is_terminal:
        out.print(shown)
        return
    width = out.width
    out.width = LOG_WIDTH
    try:
        out.print(shown)
    finally:
        out.width = width


def with_names(records: Iterable[BaseModel], names: dict[str, str]
               ) -> Iterator[dict[str, Any]]:
    """JSON records with an `agent_name` beside their `agent_id` (None when unknown)."""
    for record in records:
        data = record.model_dump(mode="json")
        yield {**data, "agent_name": names.get(str(data.get("agent_id")))}


def person(agent_id: object, names: dict[str, str]) -> str:
    """An agent as people know them: `a02 James Carter` (the id alone when no name is known)."""
    name = names.get(str(agent_id))
    return f"{agent_id} {name}" if name else str(agent_id)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal,
    )


def quiet_prefect() -> None:
    """Prefect's console log off: the command prints its own progress, outcome and one
    message per failure (Prefect would print each failed task's traceback). With `--debug`,
    at callqa's level; PREFECT_LOGGING_LEVEL=INFO shows every task run."""
    level = load_settings().log_level if debugging() else "CRITICAL"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", level)


@contextmanager
def flow_progress(description: str) -> Iterator[Callable[[str, float, float], None]]:
    """A progress bar fed by the flows' progress reports while the block runs."""
    from callqa.flows.runtime import add_progress_hook, remove_progress_hook

    with progress_bar() as bar:
        task = bar.add_task(description, total=None)

        def hook(_step: str, done: float, total: float, /) -> None:
            bar.update(task, completed=done, total=total)

        add_progress_hook(hook)
        try:
            yield hook
        finally:
            remove_progress_hook(hook)


def verdict(flag: Flag) -> str:
    """What a flag's status rests on: its third reason (numbers, evidence, verdict, notes)."""
    return flag.reasons[2] if len(flag.reasons) > 2 else flag.reasons[-1]


def estimate_text(flag: Flag) -> str:
    """`1.31x (1.01-1.63)`: the agent against peers, with its interval."""
    if flag.estimate is None:
        return ""
    if flag.interval_low is None or flag.interval_high is None:
        return f"{flag.estimate:.2f}x"
    return f"{flag.estimate:.2f}x ({flag.interval_low:.2f}-{flag.interval_high:.2f})"
