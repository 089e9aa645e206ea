"""A real store for the web service: three sample calls of agents a01 and a02 (team t1) and
a03 (team t2), ingested and processed with the bundled model, and one user per role."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from callqa.api import create_app
from callqa.configs.settings import ApiSettings, Settings, load_settings
from callqa.services.ingest import ingest
from callqa.services.processing import process_calls
from callqa.services.store import close_stores, sessions_for
from callqa.services.users import add_user
from tests.helpers.paths import SAMPLES

CALLS = ("call_001", "call_002", "call_003")  # a01 t1, a02 t1, a03 t2
PASSWORD = "correct horse battery"
USERS = {  # role -> (username, teams, agent id)
    "admin": ("ada", (), None),
    "qa": ("quinn", (), None),
    "team_leader": ("tess", ("t1",), None),
    "agent": ("alex", ("t1",), "a01"),
}
IN_SCOPE = {"admin": "call_003", "qa": "call_003", "team_leader": "call_002",
            "agent": "call_001"}
OUT_OF_SCOPE = {"admin": "no-such-call", "qa": "no-such-call", "team_leader": "call_003",
                "agent": "call_002"}


@pytest.fixture(scope="session")
def api_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("api-calls")
    for call in CALLS:
        for suffix in (".wav", ".json"):
            shutil.copy(SAMPLES / f"{call}{suffix}", folder / f"{call}{suffix}")
    database = tmp_path_factory.mktemp("api-store") / "callqa.db"
    url = f"sqlite:///{database}"
    sessions = sessions_for(url)
    report = ingest(sessions, folder)
    assert report.added == len(CALLS)
    processed = process_calls(sessions, load_settings())
    assert sorted(processed.processed) == list(CALLS)
    for role, (username, teams, agent_id) in USERS.items():
        add_user(sessions, username, PASSWORD, role, teams, agent_id)
    close_stores()
    return database


def api_settings(database: Path, data: Path, **api: object) -> Settings:
    return Settings(database_url=f"sqlite:///{database}", data_dir=data,
                    api=ApiSettings.model_validate({"process_uploads": "inline", **api}))


@pytest.fixture
def app(api_store: Path, tmp_path: Path) -> Iterator[FastAPI]:
    """The app over a copy of the store (a test's uploads stay its own)."""
    database = tmp_path / "callqa.db"
    shutil.copy(api_store, database)
    yield create_app(api_settings(database, tmp_path / "data"))
    close_stores()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def page_client(api_store: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A client of an app whose session cookie goes over plain http (`api.plain_http`)."""
    database = tmp_path / "callqa.db"
    shutil.copy(api_store, database)
    with TestClient(create_app(api_settings(database, tmp_path / "data", plain_http=True)),
                    follow_redirects=False) as client:
        yield client
    close_stores()


def sign_in(client: TestClient, role: str) -> dict[str, str]:
    username = USERS[role][0]
    answer = client.post("/api/v1/auth/token", data={"username": username,
                                                     "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


# --- the human review loop: the same store on SQLite and PostgreSQL ---------------------------

def copy_store(source_url: str, target_url: str) -> None:
    """Copy every row of a migrated store into an emptied, migrated PostgreSQL database
    (ids kept; sequences moved past them)."""
    from sqlalchemy import insert, select, text

    from callqa.models.engine import make_engine
    from callqa.models.migrate import target_metadata, upgrade

    source, target = make_engine(source_url), make_engine(target_url)
    try:
        with target.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade(target)
        with source.connect() as reading, target.begin() as writing:
            for table in target_metadata().sorted_tables:
                rows = [dict(row) for row in reading.execute(select(table)).mappings()]
                if rows:
                    writing.execute(insert(table), rows)
                if "id" in table.c:
                    writing.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE(MAX(id), 0) + 1, false) FROM {table.name}"))
    finally:
        source.dispose()
        target.dispose()


@pytest.fixture(params=("sqlite", "postgresql"))
def loop_url(request: pytest.FixtureRequest, api_store: Path, tmp_path: Path) -> str:
    """A fresh copy of the API store on the parametrised server."""
    if request.param == "sqlite":
        database = tmp_path / "callqa.db"
        shutil.copy(api_store, database)
        return f"sqlite:///{database}"
    url: str = request.getfixturevalue("postgres_url")
    close_stores()
    copy_store(f"sqlite:///{api_store}", url)
    return url


LoopClient = Callable[..., TestClient]


@pytest.fixture
def loop_client(loop_url: str, tmp_path: Path) -> Iterator[LoopClient]:
    """`loop_client(**review_loop_settings)`: a client of an app over `loop_url`."""
    from callqa.configs.settings import ReviewLoopSettings

    opened: list[TestClient] = []

    def make(**review_loop: object) -> TestClient:
        settings = Settings(database_url=loop_url, data_dir=tmp_path / "data",
                            api=ApiSettings(process_uploads="inline"),
                            review_loop=ReviewLoopSettings.model_validate(review_loop))
        client = TestClient(create_app(settings))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)
    close_stores()


def add_person(client: TestClient, username: str, role: str, teams: tuple[str, ...] = (),
               agent_id: str | None = None) -> dict[str, str]:
    """Add a user to the client's store and sign them in: their bearer header."""
    add_user(client.app.state.sessions, username, PASSWORD, role,  # type: ignore[attr-defined]
             teams, agent_id)
    answer = client.post("/api/v1/auth/token", data={"username": username,
                                                     "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}
