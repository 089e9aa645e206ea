"""Property-based requests over the OpenAPI schema (Schemathesis): whatever a client sends,
signed in or not, the server answers without a server error."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from callqa.api import create_app
from callqa.services.store import close_stores
from tests.api.conftest import api_settings, sign_in

pytestmark = pytest.mark.model


def test_no_server_errors(api_store: Path, tmp_path: Path) -> None:
    shutil.copy(api_store, tmp_path / "callqa.db")
    # Uploads stay queued: random bytes are refused anyway, and no model runs in the loop.
    app = create_app(api_settings(tmp_path / "callqa.db", tmp_path / "data",
                                  process_uploads="queue"))
    with TestClient(app) as client:
        signed_in = sign_in(client, "team_leader")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 10
    errors: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case[Any]) -> None:
            for headers in (signed_in, {}):
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    errors.append(f"{case.method} {case.formatted_path}: "
                                  f"{response.status_code} {response.text[:200]}")

        run()
    close_stores()
    assert errors == []
