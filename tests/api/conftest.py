"""A real store for the web service: three sample calls of agents a01 and a02 (team t1) and
a03 (team t2), ingested and processed with the bundled model, and one user per role."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
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


def sign_in(client: TestClient, role: str) -> dict[str, str]:
    username = USERS[role][0]
    answer = client.post("/api/v1/auth/token", data={"username": username,
                                                     "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}
