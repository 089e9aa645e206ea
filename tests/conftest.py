"""Shared fixtures: the reference audio, the real Whisper model, and the store's databases.

Reference audio lives in ../shared/data (read-only, never copied here): tests that need it
skip with a reason when it is absent, as in a user's fresh clone.

Store tests run on SQLite (a temp file) and on PostgreSQL: a fresh database
`callqa_test_<random>` per test session on the server of `CALLQA_TEST_POSTGRES_URL` (default:
postgres@127.0.0.1:5432, database `test`), dropped at the end; each test gets an empty `public`
schema in it. Unreachable server: the PostgreSQL tests skip with the reason, or fail when `CI`
is set (CI must test both servers).

Builders of synthetic calls are in tests/factories.py; paths and other helpers in
tests/helpers/.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.telemetry import disable_telemetry
from callqa.models.engine import make_engine, session_factory
from callqa.models.migrate import upgrade
from tests.helpers.paths import SHARED_DATA

disable_telemetry()
# Flows run on Prefect's temporary local server, with its database in a folder of this test
# session (subprocesses inherit it), never in the user's ~/.prefect.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="callqa-prefect-"))
# Prefect's INFO lines (and its goodbye at exit, after pytest closed the output) stay quiet.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ADMIN_URL = os.environ.get("CALLQA_TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SERVERS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference audio not found at {SHARED_DATA} (set CALLQA_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def transcriber():  # type: ignore[no-untyped-def]
    """The real bundled Whisper tiny.en, loaded once for the whole session."""
    from callqa.configs.settings import TranscriptionSettings
    from callqa.pipeline.transcribe import get_transcriber

    return get_transcriber(TranscriptionSettings(device="cpu"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database created for this test session (dropped at its end)."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        admin.dispose()
        reason = (f"PostgreSQL is not reachable at {ADMIN_URL} ({exc.orig}). Start it "
                  "(pg_ctlcluster --skip-systemctl-redirect 15 main start) or point "
                  "CALLQA_TEST_POSTGRES_URL at a server")
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the store tests on PostgreSQL too",
                        pytrace=False)
        pytest.skip(reason)
    name = f"callqa_test_{secrets.token_hex(5)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=SERVERS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database of the parametrised server."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'callqa.db'}")
    else:
        engine = make_engine(request.getfixturevalue("postgres_url"))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a database migrated to the newest revision."""
    upgrade(empty_engine)
    return empty_engine


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)
