"""`callqa serve` and `callqa users ...`: the web service and the people who use it."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from callqa.cli.console import DatabaseOption, err, out, print_table, table

users_app = typer.Typer(name="users", help="Add, list and disable the web service's users.",
                        no_args_is_help=True, add_completion=False,
                        pretty_exceptions_enable=False)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    database: DatabaseOption = None,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
) -> None:
    """Run the web service (API at /api/v1, docs at /docs) over the store."""
    import uvicorn

    from callqa.services.store import open_store, shown_url, store_url

    url = store_url(database)
    os.environ["CALLQA_DATABASE_URL"] = url  # every worker process builds the same app
    open_store(url, mode="create")  # created and migrated once, before the workers start
    err.print(f"callqa serving {shown_url(url)} on http://{host}:{port} (API docs: "
              f"http://{host}:{port}/docs)", highlight=False)
    uvicorn.run("callqa.api:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="warning")


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option(help="admin, qa, team_leader or agent.")],
    team: Annotated[list[str] | None, typer.Option(
        "--team", help="A team leader's teams (repeat), or an agent's team.")] = None,
    agent_id: Annotated[str | None, typer.Option(
        "--agent-id", help="An agent user's id in the calls' metadata.")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Add a user. The password is read from standard input (never an argument)."""
    from callqa.services.audit import cli_actor
    from callqa.services.store import open_store
    from callqa.services.users import add_user

    if not password_stdin:
        raise typer.BadParameter("pass --password-stdin and the password on standard input "
                                 "(echo ... | callqa users add ...)", param_hint="--password-stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    person = add_user(open_store(database, mode="create"), username, password, role,
                      team or [], agent_id, actor=cli_actor())
    out.print(f"added {person.role} {person.username}"
              + (f" (agent {person.agent_id})" if person.agent_id else "")
              + (f", teams {', '.join(person.teams)}" if person.teams else ""), highlight=False)


@users_app.command("list")
def list_(database: DatabaseOption = None) -> None:
    """The users, their roles, teams and agent ids."""
    from callqa.services.store import open_store
    from callqa.services.users import list_users

    people = list_users(open_store(database, mode="read"))
    print_table(table("users", ["username", "role", "agent id", "teams", "disabled"],
                      ([p.username, p.role, p.agent_id, ", ".join(p.teams),
                        "yes" if p.disabled else ""] for p in people)))


@users_app.command("disable")
def disable(username: Annotated[str, typer.Argument()], database: DatabaseOption = None
            ) -> None:
    """Stop a user from signing in (their tokens stop working at once)."""
    from callqa.services.audit import cli_actor
    from callqa.services.store import open_store
    from callqa.services.users import disable_user

    person = disable_user(open_store(database, mode="write"), username, actor=cli_actor())
    out.print(f"disabled {person.username}", highlight=False)
