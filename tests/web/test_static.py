"""Nothing in a page comes from outside the server: no http(s) URL in any template, style or
script the app serves (vendored scripts included), and the static files are package data."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from tests.helpers.paths import REPO

API = REPO / "callqa" / "api"
URL = re.compile(rb"https?://", re.IGNORECASE)
# Text that is a URL-shaped name, not something a page fetches: the SVG and XHTML namespaces
# htmx and browsers compare element names against.
NAMESPACES = (b"http://www.w3.org/2000/svg", b"http://www.w3.org/1999/xhtml")


def _served() -> list[Path]:
    return [p for folder in (API / "templates", API / "static") for p in folder.rglob("*")
            if p.is_file() and p.suffix in {".html", ".css", ".js", ".svg"}]


def test_no_page_fetches_anything_from_outside() -> None:
    served = _served()
    assert any(p.name == "htmx.min.js" for p in served)
    offenders = {}
    for path in served:
        text = path.read_bytes()
        for namespace in NAMESPACES:
            text = text.replace(namespace, b"")
        if URL.search(text):
            offenders[str(path.relative_to(REPO))] = URL.findall(text)[:3]
    assert offenders == {}


def test_vendored_files_keep_their_licence() -> None:
    for folder in (API / "static" / "vendor" / "htmx", Path(__file__).parent / "vendor"
                   / "axe-core"):
        assert (folder / "LICENSE").is_file() and (folder / "README.md").is_file()


def test_templates_and_static_files_are_package_data() -> None:
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = data["tool"]["setuptools"]["package-data"]["callqa"]
    package = REPO / "callqa"
    matched = {p for pattern in patterns for p in package.glob(pattern) if p.is_file()}
    assert set(_served()) <= matched
    assert {p for p in (API / "static" / "vendor").rglob("*") if p.is_file()} <= matched
