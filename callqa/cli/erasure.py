"""`callqa delete | purge | hold`: erasing a call everywhere, purging the calls past their
retention, and the legal hold that blocks both (docs/privacy.md). Each change is recorded
as done by `cli:<login>` (the OS user), or `cli:<name>` with `--by`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from callqa.cli.console import DatabaseOption, JsonOption, err, out, print_json, print_table, table
from callqa.configs.settings import load_settings
from callqa.domain.errors import CallqaError

if TYPE_CHECKING:
    from callqa.services.erasure import ErasedCall, LegalHold

ByOption = Annotated[str | None, typer.Option(
    "--by", help="Who is acting, for the audit trail (default: your login name).")]


def delete(
    call_id: Annotated[str, typer.Argument(help="The call's id.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")
                   ] = False,
    by: ByOption = None, database: DatabaseOption = None, as_json: JsonOption = False,
) -> None:
    """Delete a call everywhere: its rows (transcript, scores, reviews, queue items...) and
    the files callqa keeps for it. Refused while the call is under legal hold."""
    from callqa.services.erasure import actor_of, delete_call, hold_of
    from callqa.services.store import open_store

    settings = load_settings()
    sessions = open_store(database, settings, "write")
    hold_of(sessions, call_id)  # an unknown id is one message, before any question
    if not yes:
        if not sys.stdin.isatty():
            raise CallqaError(f"deleting call {call_id} cannot be undone: pass --yes to "
                              "confirm it without a prompt")
        if not typer.confirm(f"Delete call {call_id} and everything about it? This cannot "
                             "be undone", default=False):
            out.print("nothing deleted")
            return
    erased = delete_call(sessions, settings, call_id, actor_of(by))
    if as_json:
        print_json([_erased_json(erased)])
        return
    out.print(f"deleted call {erased.call_id}: {sum(erased.rows.values())} rows in "
              f"{len(erased.rows)} tables, {len(erased.files)} file(s) of callqa's own",
              highlight=False, soft_wrap=True)
    _archive_note([erased])


def purge(
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only say what would be removed, per call type; change nothing.")
    ] = False,
    by: ByOption = None, database: DatabaseOption = None, as_json: JsonOption = False,
) -> None:
    """Remove every call past its call type's retention (settings: retention.*), except
    calls under legal hold."""
    from callqa.services.erasure import actor_of, purge_expired
    from callqa.services.store import open_store

    settings = load_settings()
    sessions = open_store(database, settings, "read" if dry_run else "write")
    report = purge_expired(sessions, settings, actor_of(by), dry_run=dry_run)
    if as_json:
        print_json([{"at": report.now.isoformat(), "dry_run": dry_run,
                     "by_type": [{"call_type": t.call_type, "retention_days": t.days,
                                  "past_retention": t.expired, "held": t.held}
                                 for t in report.by_type],
                     "removed": [_erased_json(c) for c in report.erased],
                     "orphan_files": report.orphans}])
        return
    if report.orphans:
        out.print(f"{len(report.orphans)} file(s) of callqa's own whose call is gone "
                  f"{'would be' if dry_run else 'were'} removed from {settings.data_dir}",
                  highlight=False, soft_wrap=True)
    retention = settings.retention
    if retention.default_days is None and not any(
            days is not None for days in retention.days_by_call_type.values()):
        out.print("no retention period is set (retention.default_days, "
                  "retention.days_by_call_type): every call is kept")
        return
    print_table(table(f"calls past their retention on {report.now:%Y-%m-%d %H:%M} UTC",
                      ["call type", "kept for (days)", "past retention", "under legal hold"],
                      ([t.call_type or "(none)", t.days, t.expired, t.held]
                       for t in report.by_type)))
    removable = report.expired - report.held
    if dry_run:
        out.print(f"would remove {removable} call(s); {report.held} under legal hold stay. "
                  "Run without --dry-run to remove them", highlight=False, soft_wrap=True)
        return
    out.print(f"removed {len(report.erased)} call(s); {report.held} under legal hold stay",
              highlight=False, soft_wrap=True)
    _archive_note(report.erased)


def hold(
    call_id: Annotated[str | None, typer.Argument(
        help="The call's id (none: list the calls under legal hold).")] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why (a case or request reference): needed to set a hold.")] = None,
    release: Annotated[bool, typer.Option("--release", help="Release the call's hold.")
                       ] = False,
    by: ByOption = None, database: DatabaseOption = None, as_json: JsonOption = False,
) -> None:
    """Put a call under legal hold (neither delete nor purge will remove it), release it,
    or list the calls under hold."""
    from callqa.services.erasure import actor_of, held_calls, release_hold, set_hold
    from callqa.services.store import open_store

    settings = load_settings()
    if call_id is None:
        if release or reason:
            raise CallqaError("name the call: callqa hold CALL_ID --reason TEXT, or "
                              "callqa hold --release CALL_ID")
        _print_holds(held_calls(open_store(database, settings, "read")), as_json)
        return
    sessions = open_store(database, settings, "write")
    if release:
        state = release_hold(sessions, call_id, actor_of(by))
    elif reason is None:
        raise CallqaError(f"a legal hold needs a reason: callqa hold {call_id} --reason "
                          "'case 2026-114' (or --release to lift it)")
    else:
        state = set_hold(sessions, call_id, actor_of(by), reason)
    _print_holds([state], as_json)


def _print_holds(holds: list[LegalHold], as_json: bool) -> None:
    if as_json:
        print_json([{"call_id": h.call_id, "held": h.held,
                     "since": h.since.isoformat() if h.since else None, "by": h.by,
                     "reason": h.reason} for h in holds])
        return
    if not holds:
        out.print("no call is under legal hold")
        return
    for h in holds:
        if h.held:
            assert h.since is not None
            out.print(f"call {h.call_id}: under legal hold since {h.since:%Y-%m-%d %H:%M} UTC, "
                      f"set by {h.by}: {h.reason}", highlight=False, soft_wrap=True)
        else:
            out.print(f"call {h.call_id}: not under legal hold", highlight=False, soft_wrap=True)


def _erased_json(erased: ErasedCall) -> dict[str, object]:
    return {"call_id": erased.call_id, "rows": erased.rows, "files": erased.files,
            "archive_uri": erased.archive_uri}


def _archive_note(erased: list[ErasedCall]) -> None:
    left = [c.archive_uri for c in erased if c.archive_uri]
    if not left:
        return
    err.print(f"{len(left)} recording(s) stay in the centre's archive (callqa never deletes "
              f"there; --json lists them), e.g. {left[0]}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command()(delete)
    app.command()(purge)
    app.command()(hold)
