"""Nothing about a call leaves the machine, and no secret reaches a log (issue 16, part 5).

A demo-like job (the commands and flows `callqa demo` runs: `callqa ingest`, `process`
with the bundled Whisper model, `flags`, `review-queue`, each with `--debug`) runs in a
subprocess on two sample calls, over PostgreSQL with a password in its `--database` URL,
with a server secret set and every log at DEBUG:

- with a recorder of connection attempts: a `sitecustomize` that every Python process of
  the job loads (PYTHONPATH; Prefect's temporary server included) installs an audit hook
  that writes down each `socket.connect`, `sendto` and name lookup; none may aim at
  anything but this machine (the store and Prefect's server are on loopback);
- in a network namespace with only a loopback (`unshare -rn`), on SQLite: the job still
  completes, so it needs no network at all (skipped where user namespaces are not allowed);
- in both, the output (every log line at DEBUG) holds neither the database password nor
  the server secret, and neither does Prefect's own database (flow run parameters).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.helpers.paths import REPO, SAMPLES

pytestmark = pytest.mark.model
CALLS = ("call_001", "call_004")
PASSWORD = f"pw-{secrets.token_hex(8)}"
SERVER_SECRET = f"server-secret-{secrets.token_hex(12)}"
JOB_TIMEOUT = 900

RECORDER = '''
"""Test hook (tests/test_egress.py): record every connection attempt of this process."""
import json as _json
import os as _os
import sys as _sys

_LOG = _os.environ.get("CALLQA_EGRESS_LOG")
_EVENTS = {"socket.connect": 1, "socket.sendto": 1, "socket.sendmsg": 1,
           "socket.getaddrinfo": 0, "socket.gethostbyname": 0, "socket.gethostbyname_ex": 0,
           "socket.gethostbyaddr": 0}


def _record(event, args):
    where = _EVENTS.get(event)
    if where is None or not _LOG:
        return
    target = args[where] if len(args) > where else None
    if isinstance(target, tuple):
        target = [str(part) for part in target[:2]]
    elif target is not None:
        target = str(target) if isinstance(target, str) else repr(target)
    line = _json.dumps({"event": event, "target": target, "pid": _os.getpid(),
                        "argv": _sys.argv[:2]})
    fd = _os.open(_LOG, _os.O_WRONLY | _os.O_APPEND | _os.O_CREAT, 0o600)
    try:
        _os.write(fd, (line + "\\n").encode())
    finally:
        _os.close(fd)


if _LOG:
    _sys.addaudithook(_record)
'''

JOB = '''
"""The demo job through the real commands (scripts/demo runs `callqa demo`, which runs
the same flows): ingest, process, flags, the review queue, with `--debug`."""
import logging
import os
import sys

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
from callqa.cli import app

url = os.environ.pop("JOB_DATABASE")  # given on the command line only, as an operator would
for args in (["ingest", sys.argv[1]], ["process"], ["flags"], ["review-queue", "--json"]):
    app(["--debug", *args, "--database", url], standalone_mode=False)
print("RESULT done")
'''


def _local(target: object) -> bool:
    """A connection target on this machine: loopback, a Unix socket, or `localhost`."""
    if isinstance(target, str) and target.startswith(("/", "\x00")):
        return True  # a Unix socket
    host = target[0] if isinstance(target, list) else str(target)  # a name looked up
    if host in ("localhost", "", "None"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a name other than localhost: a lookup of somewhere else


@pytest.fixture
def job_folder(tmp_path: Path) -> Path:
    calls = tmp_path / "calls"
    calls.mkdir()
    for call in CALLS:
        for suffix in (".wav", ".json"):
            shutil.copy(SAMPLES / f"{call}{suffix}", calls / f"{call}{suffix}")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(RECORDER)
    (tmp_path / "job.py").write_text(JOB)
    return tmp_path


@pytest.fixture
def password_database(postgres_url: str) -> Iterator[str]:
    """The test database's URL with a password in it (the test server trusts loopback, so
    the password is accepted whatever it is: what matters is where it ends up)."""
    url = make_url(postgres_url).set(password=PASSWORD)
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield url.render_as_string(hide_password=False)


def _run(folder: Path, database_url: str, prefix: list[str] | None = None
         ) -> tuple[subprocess.CompletedProcess[str], Path]:
    prefect_home = folder / "prefect-home"
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("CALLQA_", "PREFECT_"))}
    env |= {"PYTHONPATH": os.pathsep.join([str(folder / "hook"), str(REPO)]),
            "CALLQA_EGRESS_LOG": str(folder / "connections.jsonl"),
            "JOB_DATABASE": database_url,
            "CALLQA_API__SECRET_KEY": SERVER_SECRET,
            "CALLQA_LOG_LEVEL": "DEBUG",
            "CALLQA_DATA_DIR": str(folder / "data"),
            "CALLQA_FLOWS__TASK_RUNNER": "threads", "CALLQA_FLOWS__WORKERS": "1",
            "PREFECT_HOME": str(prefect_home), "PREFECT_LOGGING_LEVEL": "DEBUG",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300"}
    done = subprocess.run([*(prefix or []), sys.executable, str(folder / "job.py"),
                           str(folder / "calls")], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=JOB_TIMEOUT, check=False)
    return done, prefect_home


def _check(done: subprocess.CompletedProcess[str], prefect_home: Path) -> None:
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-5000:]
    assert "RESULT done" in done.stdout
    assert f"processed {len(CALLS)} calls, 0 failed" in done.stdout
    assert "DEBUG" in done.stderr  # the logs really were at DEBUG
    for secret in (PASSWORD, SERVER_SECRET):
        assert secret not in output, f"{secret[:6]}... in the job's output"
        for path in prefect_home.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), f"{secret[:6]}... in {path}"


def test_a_job_connects_to_nothing_outside_the_machine(job_folder: Path,
                                                       password_database: str) -> None:
    done, prefect_home = _run(job_folder, password_database)
    _check(done, prefect_home)
    log = job_folder / "connections.jsonl"
    attempts = [json.loads(line) for line in log.read_text().splitlines()]
    assert attempts, "the recorder saw nothing: is the hook loaded?"
    assert any(a["event"] == "socket.connect" for a in attempts)  # the store, Prefect's API
    outside = [a for a in attempts if not _local(a["target"])]
    assert outside == [], f"{len(outside)} connection attempt(s) leaving the machine"


def test_a_job_runs_without_any_network(job_folder: Path) -> None:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("unshare or ip (util-linux, iproute2) not installed")
    probe = subprocess.run(["unshare", "-rn", "ip", "link", "set", "lo", "up"],
                           capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"no network namespace here ({probe.stderr.strip()})")
    url = f"sqlite:///{job_folder / 'callqa.db'}"
    # A namespace of its own: a loopback (up, for Prefect's temporary server), no route out.
    done, prefect_home = _run(job_folder, url, ["unshare", "-rn", "sh", "-c",
                                                'ip link set lo up && exec "$@"', "job"])
    _check(done, prefect_home)
    log = job_folder / "connections.jsonl"
    attempts = [json.loads(line) for line in log.read_text().splitlines()]
    assert [a for a in attempts if not _local(a["target"])] == []


def test_no_secret_in_the_web_service_logs(tmp_path: Path, postgres_url: str,
                                           caplog: pytest.LogCaptureFixture) -> None:
    """The API at DEBUG over PostgreSQL with a password: sign-ins (good and bad), tokens,
    requests and an error answer log neither the password nor the signing secret."""
    from fastapi.testclient import TestClient

    from callqa.api import create_app
    from callqa.configs.settings import ApiSettings, Settings
    from callqa.services.store import close_stores
    from callqa.services.users import add_user

    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    url = make_url(postgres_url).set(password=PASSWORD).render_as_string(hide_password=False)
    settings = Settings(database_url=url, data_dir=tmp_path / "data",
                        api=ApiSettings(secret_key=SERVER_SECRET, process_uploads="queue"))
    # Whatever earlier tests did to logging (a library's logging config disables the loggers
    # that existed before it; Prefect sets levels), this test logs everything at DEBUG.
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False
    caplog.set_level("DEBUG")
    for name in ("callqa", "alembic", "httpx", "sqlalchemy"):
        caplog.set_level("DEBUG", logger=name)
    try:
        with TestClient(create_app(settings)) as client:
            add_user(client.app.state.sessions, "ada", "a long password",  # type: ignore[attr-defined]
                     "admin")
            assert client.post("/api/v1/auth/token", data={
                "username": "ada", "password": "wrong password"}).status_code == 401
            token = client.post("/api/v1/auth/token", data={
                "username": "ada", "password": "a long password"}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            assert client.get("/api/v1/calls", headers=headers).status_code == 200
            assert client.delete("/api/v1/calls/nope", headers=headers).status_code == 404
            assert client.get("/api/v1/me", headers={"Authorization": "Bearer x"}
                              ).status_code == 401
    finally:
        close_stores()
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    # DEBUG logging was on: the failed sign-in was logged (without its password).
    assert any(r.name.startswith("callqa.") for r in caplog.records), caplog.records
    for secret in (PASSWORD, SERVER_SECRET, "a long password", token):
        assert secret not in logged
