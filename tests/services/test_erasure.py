"""Erasure, legal hold and retention on SQLite and PostgreSQL (the `sessions` fixture runs
each test on both servers), with the store's real tables and triggers:

- a deleted call leaves no row in any table (found from the ORM's metadata, so a table
  added later is checked too) that refers to it by key, names its id or its content hash,
  except the erasure record and its one audit event, which hold who, when and the id only;
- callqa's own files for it (upload, silenced copy) go, the archive's recording stays;
- the audit trail stays append-only for everything else;
- a legal hold blocks delete and purge; purge takes exactly the calls past their call
  type's retention, and a dry run changes nothing.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, String, Text, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import RetentionSettings, Settings
from callqa.domain.review import FcrOutcome, FcrStatus, ReviewItem
from callqa.domain.reviews import CriterionVerdict, ReviewInput
from callqa.models import store, store_reviews
from callqa.models.migrate import target_metadata
from callqa.models.people import User
from callqa.models.reviews import CalibrationCall, CalibrationRow, LibraryEntryRow
from callqa.models.tables import Call, Customer
from callqa.scoring import choose_scorecard, score_call
from callqa.services.erasure import ErasureError, delete_call, purge_expired, release_hold, set_hold
from tests.factories import billing_call, metadata, sha

GONE = "erase-me-7f3"
"""The erased call's id: distinctive, so that finding it anywhere means it was left."""
NOW = datetime.now(UTC)


def _settings(tmp_path: Path, **retention: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data",
                    retention=RetentionSettings.model_validate(retention))


def _add(session: Session, call_id: str, n: int, uri: str, **fields: Any) -> Call:
    call, created = store.upsert_call(session, metadata(call_id, **fields),
                                      content_sha256=sha(n), recording_uri=uri)
    assert created
    return call


def _populate(sessions: sessionmaker[Session], tmp_path: Path) -> dict[str, Path]:
    """The call GONE with everything a call can have, and two calls of the same customer
    and agent that must stay; files as callqa keeps them."""
    data, archive = tmp_path / "data", tmp_path / "archive"
    for folder in (data / "uploads", data / "redacted", archive):
        folder.mkdir(parents=True)
    files = {"upload": data / "uploads" / f"{sha(1)}.wav",
             "silenced": data / "redacted" / f"{sha(1)}.wav",
             "archived": archive / "keep-1.wav"}
    for path in files.values():
        path.write_bytes(b"RIFF....WAVE")
    score = score_call(billing_call(GONE), choose_scorecard("billing"))
    automatic = {c.id: c.outcome for c in score.criteria}
    first = next(iter(automatic))
    ref = (score.scorecard.id, score.scorecard.version)
    with sessions.begin() as session:
        gone = _add(session, GONE, 1, store.file_uri(files["silenced"]),
                    customer_id="c-solo-7f3", customer_name="Robert Harris")
        keep = _add(session, "keep-1", 2, store.file_uri(files["archived"]))
        _add(session, "keep-2", 3, "file:///archive/keep-2.wav")
        store.save_transcript(session, gone, billing_call(GONE))
        metrics = billing_call(GONE).metrics
        assert metrics is not None
        store.save_metrics(session, gone, metrics)
        store.save_score(session, gone, score)
        store.record_stage(session, gone.content_sha256, "transcribe", "1", "x" * 16, "done")
        store.save_fcr(session, [
            FcrOutcome(call_id="keep-1", status=FcrStatus.REPEAT, callback_call_id=GONE,
                       hours_to_callback=3.0),
            FcrOutcome(call_id=GONE, status=FcrStatus.RESOLVED)])
        store.save_review_items(session, [
            ReviewItem(call_id="keep-1", agent_id="a01", priority=2.5, kind="fcr_repeat",
                       reasons=(f"the customer called back ({GONE}): agent flagged",)),
            ReviewItem(call_id=GONE, agent_id="a01", priority=1.0, kind="criterion",
                       reasons=("fails greeting",))])
        qa = User(username="quinn", password_hash="-", role="qa", disabled=False)
        agent = User(username="alex", password_hash="-", role="agent", agent_id="a01",
                     disabled=False)
        session.add_all([qa, agent])
        session.flush()
        store_reviews.save_review(session, gone, qa.id, "review", None, ReviewInput(
            criteria=(CriterionVerdict(id=first, outcome=automatic[first]),),
            comment="the caller gave a card number"), automatic, ref, NOW)
        store_reviews.add_dispute(session, gone, first, agent.id, "I did greet", None, NOW)
        store_reviews.save_acknowledgement(session, gone, agent.id, "seen", NOW)
        session_row = CalibrationRow(lead_pk=qa.id, status="open")
        session.add(session_row)
        session.flush()
        session.add_all([CalibrationCall(calibration_pk=session_row.id, call_pk=gone.id),
                         CalibrationCall(calibration_pk=session_row.id, call_pk=keep.id),
                         LibraryEntryRow(call_pk=gone.id, criterion_id=first, note="model",
                                         marked_by_pk=qa.id)])
        earlier = NOW - timedelta(minutes=5)
        store_reviews.append_event(session, "quinn", "review.created", "review", "1", GONE,
                                   None, {"comment": "card number"}, at=earlier)
        store_reviews.append_event(session, "quinn", "calibration.opened", "calibration",
                                   str(session_row.id), None, None,
                                   {"call_ids": [GONE, "keep-1"], "lead": "quinn"}, at=earlier)
        store_reviews.append_event(session, "quinn", "calibration_review.created",
                                   "calibration", str(session_row.id), None, None,
                                   {"call_id": GONE, "criteria": []}, at=earlier)
        store_reviews.append_event(session, "quinn", "review.created", "review", "2", "keep-1",
                                   None, {"comment": "fine"}, at=earlier)
    return files


def rows_naming(session: Session, call_pk: int, values: tuple[str, ...]
              ) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table that refers to the call by key or holds one of `values`."""
    found: dict[str, list[dict[str, Any]]] = {}
    calls = target_metadata().tables["calls"]
    for table in target_metadata().sorted_tables:
        keys = [fk.parent for fk in table.foreign_keys if fk.column.table is calls]
        if table is calls:
            keys.append(table.c.id)
        for row in session.execute(select(table)).mappings():
            textual = " ".join(str(row[c.name]) for c in table.columns
                               if isinstance(c.type, String | Text | JSON))
            if any(row[k.name] == call_pk for k in keys) or any(v in textual for v in values):
                found.setdefault(table.name, []).append(dict(row))
    return found


def row_counts(session: Session) -> dict[str, int]:
    return {t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in target_metadata().sorted_tables}


def test_delete_removes_the_call_from_every_table_and_its_own_files(
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    files = _populate(sessions, tmp_path)
    with sessions() as session:
        pk = session.scalar(select(Call.id).where(Call.call_id == GONE))
        assert pk is not None
        before = rows_naming(session, pk, (GONE, sha(1)))
    assert {"calls", "transcripts", "call_metrics", "scores", "criterion_results",
            "fcr_status", "review_items", "reviews", "disputes", "acknowledgements",
            "calibration_calls", "library_entries", "audit_events", "stage_runs"} <= set(before)

    erased = delete_call(sessions, _settings(tmp_path), GONE, "cli:dana")

    assert erased.call_id == GONE and erased.archive_uri is None
    assert sorted(erased.files) == sorted(str(files[k].resolve())
                                          for k in ("upload", "silenced"))
    assert not files["upload"].exists() and not files["silenced"].exists()
    assert files["archived"].exists()  # another call's recording in the centre's archive
    with sessions() as session:
        left = rows_naming(session, pk, (GONE, sha(1)))
        # What stays: the erasure record and its one event, who, when and the id only.
        assert set(left) == {"call_erasures", "audit_events"}, left
        (record,) = left["call_erasures"]
        assert (record["call_id"], record["erased_by"]) == (GONE, "cli:dana")
        (event,) = left["audit_events"]
        assert (event["actor"], event["action"], event["entity"], event["entity_id"],
                event["call_id"], event["before"], event["after"]) == (
            "cli:dana", "call.deleted", "call", GONE, GONE, None, None)
        assert event["at"] == record["erased_at"]
        # The others stay: keep-1 lost the FCR outcome GONE gave it (and that queue item);
        # the calibration's opening event lists it with GONE's place erased, same id.
        assert session.scalar(select(func.count()).select_from(Call)) == 2
        assert session.scalar(select(Customer.customer_id).where(
            Customer.customer_id == "c-solo-7f3")) is None
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
        events = {(e.action, e.call_id): e for e in store_reviews.events(session)}
        assert set(events) == {("calibration.opened", None), ("review.created", "keep-1"),
                               ("call.deleted", GONE)}
        assert events[("calibration.opened", None)].after == {
            "call_ids": ["[erased]", "keep-1"], "lead": "quinn"}
        assert store_reviews.agreement_counts(session, NOW.date(), NOW.date()) == []
        assert [i.call_id for i in store.review_queue(session)] == []
        assert store.get_call(session, "keep-1") is not None


def test_the_audit_trail_stays_append_only_around_an_erasure(
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    _populate(sessions, tmp_path)
    delete_call(sessions, _settings(tmp_path), GONE, "ada")
    statements = ("DELETE FROM audit_events",  # the erasure's own event, keep-1's...
                  "DELETE FROM audit_events WHERE call_id = 'keep-1'",
                  f"DELETE FROM audit_events WHERE call_id = '{GONE}'",
                  "UPDATE audit_events SET actor = 'someone else'")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), sessions.begin() as session:
            session.execute(text(statement))
    with sessions() as session:
        assert len(store_reviews.events(session)) == 3


def test_unknown_call_and_legal_hold_are_refused(
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    files = _populate(sessions, tmp_path)
    settings = _settings(tmp_path, default_days=1)
    with pytest.raises(ErasureError, match="no call 'nope'") as unknown:
        delete_call(sessions, settings, "nope", "ada")
    assert unknown.value.status == 404 and unknown.value.exit_code == 2
    hold = set_hold(sessions, GONE, "cli:dana", "case 2026-114")
    assert hold.held and hold.by == "cli:dana" and hold.reason == "case 2026-114"
    with pytest.raises(ErasureError, match=r"legal hold .* case 2026-114") as held:
        delete_call(sessions, settings, GONE, "ada")
    assert held.value.status == 409
    report = purge_expired(sessions, settings, at=NOW + timedelta(days=3650))
    assert {c.call_id for c in report.erased} == {"keep-1", "keep-2"}
    assert report.held == 1
    assert files["upload"].exists()
    with sessions() as session:
        assert store.get_call(session, GONE) is not None
    assert not release_hold(sessions, GONE, "cli:dana").held
    delete_call(sessions, settings, GONE, "ada")
    with sessions() as session:
        actions = [e.action for e in store_reviews.events(session, call_id=GONE)]
    assert actions == ["call.deleted"]  # the hold's events went with the call


def test_purge_takes_exactly_the_calls_past_their_retention(
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    ages = {  # call id: (call type, days old)
        "billing-old": ("billing", 31), "billing-new": ("billing", 29),
        "sales-ancient": ("sales", 4000), "untyped-old": (None, 366),
        "untyped-new": (None, 364), "tech-old": ("tech", 400), "billing-held": ("billing", 90)}
    with sessions.begin() as session:
        for n, (call_id, (call_type, days)) in enumerate(sorted(ages.items()), start=1):
            _add(session, call_id, n, f"file:///archive/{call_id}.wav", call_type=call_type,
                 started_at=now - timedelta(days=days), customer_id=f"c{n}")
    set_hold(sessions, "billing-held", "ada", "complaint 88")
    settings = _settings(tmp_path, default_days=365,
                         days_by_call_type={"billing": 30, "sales": None, "tech": 500})
    with sessions() as session:
        counts = row_counts(session)
    dry = purge_expired(sessions, settings, dry_run=True, at=now)
    assert not dry.erased
    assert {(t.call_type, t.days, t.expired, t.held) for t in dry.by_type} == {
        ("billing", 30, 2, 1), (None, 365, 1, 0)}
    with sessions() as session:
        assert row_counts(session) == counts  # the dry run wrote nothing
    report = purge_expired(sessions, settings, at=now)
    assert sorted(c.call_id for c in report.erased) == ["billing-old", "untyped-old"]
    assert {c.archive_uri for c in report.erased} == {
        "file:///archive/billing-old.wav", "file:///archive/untyped-old.wav"}
    with sessions() as session:
        kept = set(session.scalars(select(Call.call_id)))
        assert kept == set(ages) - {"billing-old", "untyped-old"}
        purged = store_reviews.events(session, entity="call")
        assert {(e.actor, e.action, e.call_id) for e in purged if e.action == "call.purged"} \
            == {("retention", "call.purged", "billing-old"),
                ("retention", "call.purged", "untyped-old")}
    assert purge_expired(sessions, settings, at=now).erased == []  # nothing left to do


def test_retention_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from callqa.configs.settings import load_settings
    from callqa.domain.errors import SettingsError

    monkeypatch.setenv("CALLQA_RETENTION__DEFAULT_DAYS", "730")
    monkeypatch.setenv("CALLQA_RETENTION__DAYS_BY_CALL_TYPE", '{"sales": 90, "legal": null}')
    retention = load_settings().retention
    assert retention.days_for("sales") == 90 and retention.days_for("legal") is None
    assert retention.days_for("billing") == retention.days_for(None) == 730
    assert RetentionSettings().days_for("billing") is None  # by default nothing expires
    monkeypatch.setenv("CALLQA_RETENTION__DAYS_BY_CALL_TYPE", '{"sales": 0}')
    with pytest.raises(SettingsError, match=r"retention\.days_by_call_type\.sales"):
        load_settings()


def test_purge_sweeps_own_files_whose_call_is_gone(sessions: sessionmaker[Session],
                                                   tmp_path: Path) -> None:
    """A silenced copy finished after its call was erased, or an upload whose call was never
    stored: a purge removes such files once a day old, and nothing of a stored call."""
    uploads, redacted = tmp_path / "data" / "uploads", tmp_path / "data" / "redacted"
    uploads.mkdir(parents=True)
    redacted.mkdir()
    with sessions.begin() as session:
        _add(session, "stored", 1, store.file_uri(uploads / f"{sha(1)}.wav"))
    old = (NOW - timedelta(days=2)).timestamp()
    files = {"stored": uploads / f"{sha(1)}.wav", "orphan": redacted / f"{sha(2)}.wav",
             "fresh": uploads / f"{sha(3)}.json", "other": uploads / "notes.txt"}
    for name, path in files.items():
        path.write_bytes(b"x")
        if name != "fresh":
            os.utime(path, (old, old))
    settings = _settings(tmp_path)  # no retention: no call expires
    dry = purge_expired(sessions, settings, dry_run=True)
    assert dry.orphans == [str(files["orphan"])] and files["orphan"].exists()
    report = purge_expired(sessions, settings)
    assert report.orphans == [str(files["orphan"])] and not report.erased
    assert [name for name, path in files.items() if path.exists()] == [
        "stored", "fresh", "other"]
