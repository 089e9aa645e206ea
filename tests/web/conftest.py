"""The web pages in a real browser: the app served by uvicorn on a free port (a thread of
this test process) over a copy of the API tests' store (three processed sample calls, one
user per role) with the period analysed, so that the review queue, flags and suggestions
exist; headless Chromium (Debian's `chromium`, installed by scripts/setup) driven by
Playwright. Each role signs in once; its `storage_state` is reused by every test.

Screenshots go to `.artifacts/screenshots/` (kept after the run, not committed)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from callqa.api import create_app
from callqa.configs.settings import Settings
from callqa.services.analysis import analyse_period
from callqa.services.store import close_stores, sessions_for
from callqa.services.users import add_user
from tests.api.conftest import PASSWORD, USERS, api_settings, api_store, page_client
from tests.helpers.paths import REPO

__all__ = ["api_store", "page_client"]  # the API tests' store and page client
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / ".artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

SECOND_AGENT = ("abby", "a02", ("t1",))
"""A second agent user (username, agent id, teams), whose disputes no other test counts."""


@pytest.fixture(scope="session")
def web_store(api_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The API store with its period analysed (review queue, flags, FCR) and the second
    agent user."""
    database = tmp_path_factory.mktemp("web-store") / "callqa.db"
    shutil.copy(api_store, database)
    sessions = sessions_for(f"sqlite:///{database}")
    analyse_period(sessions, Settings())
    username, agent_id, teams = SECOND_AGENT
    add_user(sessions, username, PASSWORD, "agent", teams, agent_id)
    close_stores()
    return database


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def base_url(web_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The pages, served over plain http on 127.0.0.1 (so the session cookie is not
    `Secure`: `api.plain_http`)."""
    import uvicorn

    folder = tmp_path_factory.mktemp("web-server")
    shutil.copy(web_store, folder / "callqa.db")
    settings = api_settings(folder / "callqa.db", folder / "data", plain_http=True)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    close_stores()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is a test dependency: scripts/setup")
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is missing: scripts/setup installs it "
                    "(apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--autoplay-policy=no-user-gesture-required"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def signed_in_state(browser: Any, base_url: str, tmp_path_factory: pytest.TempPathFactory
                    ) -> Callable[[str], Path]:
    """role -> a saved storage_state of that role's user signed in through /login (once)."""
    folder = tmp_path_factory.mktemp("web-states")
    states: dict[str, Path] = {}

    def state(role: str) -> Path:
        if role not in states:
            context = browser.new_context(base_url=base_url)
            page = context.new_page()
            sign_in(page, role)
            states[role] = folder / f"{role}.json"
            context.storage_state(path=str(states[role]))
            context.close()
        return states[role]

    return state


Pages = Callable[[str], Any]


@pytest.fixture
def page_as(browser: Any, base_url: str, signed_in_state: Callable[[str], Path]
            ) -> Iterator[Pages]:
    """`page_as(role)`: a fresh page of a context signed in as that role."""
    contexts: list[Any] = []

    def make(role: str) -> Any:
        context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900},
                                      storage_state=str(signed_in_state(role)))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def anonymous_page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


def sign_in(page: Any, role: str) -> None:
    sign_in_as(page, USERS[role][0])


def sign_in_as(page: Any, username: str) -> None:
    """Sign in through /login (every test user has the one password)."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot (or, given a locator, of that element) kept in
    .artifacts/screenshots/ (look at them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if hasattr(page, "bounding_box"):  # a locator
        page.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page: Any) -> None:
    """axe-core (vendored, run in the page): no serious or critical WCAG 2 A/AA violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
    })).violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    assert bad == [], bad
