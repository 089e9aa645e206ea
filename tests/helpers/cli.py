"""Running the real `callqa` command in a subprocess, as an operator would, and checking what
an operator sees: the exit code, one `error:` line per failure, no traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

COMMAND_TIMEOUT = 300
"""Seconds a command may take: generous for a slow machine, and a hang still fails."""
SERVER_START_TIMEOUT = 180
"""Seconds the temporary Prefect server may take to start (Prefect's own default, 20 s, is
too short on a busy 2-core machine)."""


@dataclass
class Run:
    """One finished `callqa` command."""

    args: list[str]
    code: int
    stdout: str
    stderr: str

    @property
    def errors(self) -> list[str]:
        """The `error:` lines on stderr (a failure has exactly one)."""
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]

    def lines(self, prefix: str) -> list[str]:
        """The stderr lines starting with `prefix` (a batch's `skipped`, `failed`...),
        without it."""
        return [line.removeprefix(prefix) for line in self.stderr.splitlines()
                if line.startswith(prefix)]

    def describe(self) -> str:
        return (f"callqa {' '.join(self.args)} -> {self.code}\n--- stdout\n{self.stdout[-3000:]}"
                f"\n--- stderr\n{self.stderr[-3000:]}")


def operator_env(**extra: str) -> dict[str, str]:
    """This environment as an operator's shell has it: no debug switch, Prefect's log at the
    command's own default (the test session's WARNING level would print the tracebacks of
    failed tasks), no store but the one `--database` names; plus `extra`."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("PREFECT_LOGGING_LEVEL", "CALLQA_DEBUG", "CALLQA_DATABASE_URL")}
    return env | extra


def callqa(args: list[str], cwd: Path, *, prefect_api: str | None = None,
           env: Mapping[str, str] | None = None) -> Run:
    """`callqa ARGS` as an operator runs it: the venv's command in `env` (default:
    `operator_env()`), on the Prefect server `prefect_api` when given."""
    env = dict(operator_env() if env is None else env)
    if prefect_api is not None:
        env["PREFECT_API_URL"] = prefect_api
    command = Path(sys.executable).with_name("callqa")
    argv = [str(command)] if command.exists() else [sys.executable, "-m", "callqa"]
    done = subprocess.run([*argv, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=COMMAND_TIMEOUT, check=False)
    return Run(args, done.returncode, done.stdout, done.stderr)


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stdout + run.stderr, run.describe()


def assert_one_message(run: Run, pattern: str) -> None:
    """A failure as the README promises: no traceback, one `error:` line matching `pattern`;
    any other line on stderr is indented under it (a scorecard's list of problems)."""
    assert_no_traceback(run)
    assert len(run.errors) == 1, run.describe()
    assert re.search(pattern, run.errors[0]), f"{pattern!r} not in {run.errors[0]!r}"
    stray = [line for line in run.stderr.splitlines()
             if line.strip() and not line.startswith(("error:", "  "))]
    assert not stray, run.describe()


def shared_prefect_api() -> str | None:
    """The URL of this test session's temporary Prefect server (the one flows run in this
    process use), started if need be, for commands to share: each would otherwise start its
    own, seconds each. None when PREFECT_API_URL already names a server (the commands
    inherit it) or this Prefect has no such server."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    try:
        from prefect.server.api.server import SubprocessASGIServer
    except ImportError:
        return None
    server = SubprocessASGIServer()
    server.start(timeout=SERVER_START_TIMEOUT)
    return str(server.api_url)
