"""The daily `purge-expired` flow, run for real on Prefect's temporary local server (see
conftest) over a SQLite store: its dry run changes nothing, its run removes exactly the calls
past their retention, and a legal hold keeps one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from callqa.flows.retention import purge_expired
from callqa.models import store
from callqa.models.tables import Call
from callqa.services.erasure import set_hold
from callqa.services.store import close_stores, sessions_for
from tests.factories import metadata, sha


def test_the_flow_purges_what_retention_says(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_RETENTION__DEFAULT_DAYS", "90")
    monkeypatch.setenv("CALLQA_RETENTION__DAYS_BY_CALL_TYPE", '{"complaint": null}')
    monkeypatch.setenv("CALLQA_DATA_DIR", str(tmp_path / "data"))
    url = f"sqlite:///{tmp_path / 'callqa.db'}"
    sessions = sessions_for(url)
    now = datetime.now(UTC)
    ages = {"old": ("billing", 120), "recent": ("billing", 10),
            "old-complaint": ("complaint", 900), "old-held": ("sales", 200)}
    with sessions.begin() as session:
        for n, (call_id, (call_type, days)) in enumerate(sorted(ages.items()), start=1):
            store.upsert_call(session, metadata(call_id, call_type=call_type,
                                                started_at=now - timedelta(days=days)),
                              content_sha256=sha(n), recording_uri=f"file:///a/{call_id}.wav")
    set_hold(sessions, "old-held", "cli:dana", "subject access request 12")
    try:
        dry = purge_expired(dry_run=True, database_url=url)
        assert (dry.expired, dry.held, dry.erased) == (2, 1, [])
        with sessions() as session:
            assert set(session.scalars(select(Call.call_id))) == set(ages)
        report = purge_expired(database_url=url)
        assert [c.call_id for c in report.erased] == ["old"]
        with sessions() as session:
            assert set(session.scalars(select(Call.call_id))) == {
                "recent", "old-complaint", "old-held"}
    finally:
        close_stores()
