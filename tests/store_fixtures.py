"""Fixtures of the store tests: every test runs on SQLite (a temp file) and on PostgreSQL.

PostgreSQL: a fresh database `callqa_test_<random>` per test session on the server of
`CALLQA_TEST_POSTGRES_URL` (default: postgres@127.0.0.1:5432, database `test`), dropped at
the end; each test gets an empty `public` schema in it. Unreachable server: the PostgreSQL
tests skip with the reason, or fail when `CI` is set (CI must test both servers).

Test modules load this with `pytest_plugins = ("tests.store_fixtures",)`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from callqa.domain.records import (
    AudioInfo,
    CallMetadata,
    ConversationMetrics,
    ModelInfo,
    Role,
    RoleAssignment,
    RoleMetrics,
    Speaker,
    Transcript,
    Utterance,
    Word,
)
from callqa.models.engine import make_engine, session_factory
from callqa.models.migrate import upgrade

ADMIN_URL = os.environ.get("CALLQA_TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SERVERS = ("sqlite", "postgresql")


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


def metadata(call_id: str, **fields: Any) -> CallMetadata:
    values: dict[str, Any] = {
        "call_id": call_id, "agent_id": "a01", "agent_name": "Maria Lopez", "team_id": "t1",
        "customer_id": "c101", "customer_name": "Robert Harris", "call_type": "billing",
        "started_at": datetime(2026, 11, 2, 9, 15, tzinfo=UTC), "direction": "inbound",
        "language": "en", "channel_layout": "agent_left"}
    return CallMetadata.model_validate(values | fields)


def sha(n: int) -> str:
    """A distinct, valid sha256 hex digest per number."""
    return f"{n:064x}"


TURNS = (
    (Role.AGENT, 0.5, 4.0, "Thank you for calling, my name is Maria. How can I help you"),
    (Role.CUSTOMER, 4.5, 9.0, "Hi, I was charged twice on my last bill and I am upset"),
    (Role.AGENT, 9.5, 14.0, "I am sorry to hear that Robert, I will refund the extra charge"),
    (Role.CUSTOMER, 14.5, 16.0, "Thanks, that solves it"),
    (Role.AGENT, 16.5, 19.0, "Is there anything else I can help with? Have a nice day"),
)


def transcript(call_id: str, meta: CallMetadata | None = None) -> Transcript:
    """A small English billing call with metrics (as `callqa transcribe` would store it)."""
    speakers = {Role.AGENT: "S0", Role.CUSTOMER: "S1"}
    utterances = []
    for role, start, end, text_ in TURNS:
        tokens = text_.split()
        step = (end - start) / len(tokens)
        words = tuple(Word(start=round(start + i * step, 3),
                           end=round(start + (i + 1) * step, 3), text=f" {token}",
                           probability=0.9) for i, token in enumerate(tokens))
        utterances.append(Utterance(speaker=speakers[role], role=role, start=start, end=end,
                                    text=text_, words=words, channel=0 if role == Role.AGENT
                                    else 1))
    metrics = ConversationMetrics(
        handle_time=20.0, talk_time=17.0, non_talk_time=3.0, non_talk_share=0.15,
        longest_silence=0.5, overtalk_time=0.0, overtalk_count=0,
        by_role={Role.AGENT: RoleMetrics(talk_time=11.0, talk_share=0.65, longest_monologue=4.5,
                                         interruptions=0, words_per_minute=150.0),
                 Role.CUSTOMER: RoleMetrics(talk_time=6.0, talk_share=0.35,
                                            longest_monologue=4.5, interruptions=1,
                                            words_per_minute=140.0)})
    return Transcript(
        call_id=call_id, language="en", duration=20.0,
        audio=AudioInfo(path=f"{call_id}.wav", sha256="a" * 64, format="WAV", codec="ULAW",
                        sample_rate=8000, channels=2, duration=20.0),
        model=ModelInfo(id="tiny.en", device="cpu", compute_type="int8",
                        options={"beam_size": 5}, options_hash="0123456789abcdef"),
        speakers=(Speaker(id="S0", role=Role.AGENT, channel=0),
                  Speaker(id="S1", role=Role.CUSTOMER, channel=1)),
        roles=RoleAssignment(method="channel_layout", confidence=1.0,
                             cues=("channel_layout=agent_left",)),
        utterances=tuple(utterances), metrics=metrics,
        metadata=meta if meta is not None else metadata(call_id),
    )
