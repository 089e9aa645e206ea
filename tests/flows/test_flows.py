"""The Prefect flows, run for real: Prefect's temporary local server (PREFECT_HOME is a
temporary folder, see conftest), the bundled Whisper model, SQLite files and PostgreSQL.

- the sample calls and the HVB calls end scored; a corrupt recording ends failed with its
  reason while the rest complete;
- reprocess after a scorecard change rescores without transcribing; after a model change it
  transcribes again, only the calls its filter selects;
- a `callqa process` killed (SIGKILL, the whole process group) in the middle of a batch,
  then run again: nothing lost, nothing duplicated;
- the Dask task runner (a local cluster of two worker processes) gives the same results.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from callqa.flows.ingest import ingest_archive
from callqa.flows.process import process_calls
from callqa.flows.reprocess import reprocess
from callqa.models.result_tables import ScoreRow
from callqa.models.tables import Call, StageRun, TranscriptRow
from callqa.pipeline.model_files import bundled_model
from callqa.services.store import close_stores, engine_for, sessions_for
from tests.helpers.hvb import HVB_SIDS, hvb_metadata
from tests.helpers.paths import BUNDLED_SCORECARDS, SAMPLES

pytestmark = pytest.mark.model
SAMPLE_IDS = sorted(p.stem for p in SAMPLES.glob("*.wav"))


def _sqlite(path: Path) -> str:
    return f"sqlite:///{path}"


def _statuses(sessions: sessionmaker[Session]) -> dict[str, tuple[str, str | None]]:
    with sessions() as session:
        return {call_id: (status, reason) for call_id, status, reason in session.execute(
            select(Call.call_id, Call.status, Call.failure_reason))}


def _stage_runs(sessions: sessionmaker[Session], stage: str) -> dict[str, dict[str, int]]:
    """call_id → {options hash: attempts} of the call's finished runs of `stage` (one per key:
    the store's unique key makes a second impossible)."""
    with sessions() as session:
        rows = session.execute(
            select(Call.call_id, StageRun.options_hash, StageRun.attempts)
            .join(StageRun, StageRun.content_sha256 == Call.content_sha256)
            .where(StageRun.stage == stage, StageRun.status == "done")).all()
    found: dict[str, dict[str, int]] = {}
    for call_id, options, attempts in rows:
        found.setdefault(call_id, {})[options] = attempts
    return found


def _scores(sessions: sessionmaker[Session]) -> dict[str, tuple[float | None, str, str]]:
    with sessions() as session:
        return {call_id: (score, version, digest) for call_id, score, version, digest in
                session.execute(select(Call.call_id, ScoreRow.score,
                                       ScoreRow.scorecard_version, ScoreRow.scorecard_digest)
                                .join(ScoreRow, ScoreRow.call_pk == Call.id)
                                .where(ScoreRow.is_current))}


def _texts(sessions: sessionmaker[Session]) -> dict[str, str]:
    with sessions() as session:
        rows = session.execute(select(Call.call_id, TranscriptRow.contract)
                               .join(TranscriptRow, TranscriptRow.call_pk == Call.id)).all()
    return {call_id: " ".join(u["text"] for u in contract["utterances"])
            for call_id, contract in rows}


def _copy_database(source: Path, target: Path) -> str:
    """A consistent copy of a SQLite store (WAL included), via SQLite's backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return _sqlite(target)


@pytest.fixture(scope="module")
def processed_samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample calls plus a corrupt recording, ingested and processed by the flows."""
    folder = tmp_path_factory.mktemp("samples")
    for file in SAMPLES.iterdir():
        shutil.copy(file, folder / file.name)
    (folder / "corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEjunk" + os.urandom(4000))
    database = tmp_path_factory.mktemp("store") / "callqa.db"
    report = ingest_archive(source=str(folder), database_url=_sqlite(database))
    assert report.added == len(SAMPLE_IDS) + 1 and not report.failures
    process_calls(database_url=_sqlite(database))
    return database


def test_the_process_flow_scores_every_sample_and_fails_the_corrupt_file(
        processed_samples: Path) -> None:
    sessions = sessions_for(_sqlite(processed_samples))
    statuses = _statuses(sessions)
    assert {c: s for c, (s, _) in statuses.items() if c != "corrupt"} == dict.fromkeys(
        SAMPLE_IDS, "processed")
    status, reason = statuses["corrupt"]
    assert status == "failed" and reason is not None
    assert "corrupt.wav" in reason and "Fix:" in reason
    assert set(_scores(sessions)) == set(SAMPLE_IDS)
    assert set(_stage_runs(sessions, "transcribe")) == set(SAMPLE_IDS)


def test_a_second_run_finds_nothing_to_do(processed_samples: Path, tmp_path: Path) -> None:
    url = _copy_database(processed_samples, tmp_path / "again.db")
    report = process_calls(database_url=url)
    assert report.processed == [] and report.transcribed == [] and report.failed == []


def test_reprocess_after_a_scorecard_change_rescores_without_transcribing(
        processed_samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = _copy_database(processed_samples, tmp_path / "rescore.db")
    sessions = sessions_for(url)
    before_scores, before_runs = _scores(sessions), _stage_runs(sessions, "transcribe")
    cards = tmp_path / "scorecards"
    shutil.copytree(BUNDLED_SCORECARDS, cards)
    for card in cards.glob("*.yaml"):
        card.write_text(re.sub(r"(?m)^version: .*$", "version: '2026.12'", card.read_text()))
    monkeypatch.setenv("CALLQA_SCORECARDS_DIR", str(cards))

    plan, report = reprocess(database_url=url)

    assert (plan.matched, plan.rescore, plan.retranscribe) == (len(SAMPLE_IDS),) * 2 + (0,)
    assert report is not None and report.transcribed == []
    assert sorted(report.scored) == sorted(report.processed) == SAMPLE_IDS
    assert _stage_runs(sessions, "transcribe") == before_runs  # transcription did not run
    after = _scores(sessions)
    assert {v for _, v, _ in after.values()} == {"2026.12"}
    assert all(after[c][2] != before_scores[c][2] for c in SAMPLE_IDS)  # new digests
    again, _ = reprocess(database_url=url)  # up to date now: nothing queued
    assert (again.queued, again.unchanged) == (0, len(SAMPLE_IDS))


def test_reprocess_after_a_model_change_transcribes_the_filtered_calls_again(
        processed_samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = _copy_database(processed_samples, tmp_path / "retranscribe.db")
    sessions = sessions_for(url)
    before = _stage_runs(sessions, "transcribe")
    with sessions() as session:
        agent_calls = sorted(session.scalars(
            select(Call.call_id).where(Call.call_metadata["agent_id"].as_string() == "a01")))
    assert 0 < len(agent_calls) < len(SAMPLE_IDS)
    # The same weights under a new model directory: a model change for callqa.
    model = tmp_path / "model"
    shutil.copytree(Path(bundled_model().location), model)
    monkeypatch.setenv("CALLQA_TRANSCRIPTION__MODEL", str(model))

    plan, report = reprocess(agent_id="a01", database_url=url)

    assert (plan.matched, plan.retranscribe, plan.rescore) == (len(agent_calls),
                                                               len(agent_calls), 0)
    assert report is not None and sorted(report.transcribed) == agent_calls
    assert sorted(report.processed) == agent_calls
    after = _stage_runs(sessions, "transcribe")
    for call_id in SAMPLE_IDS:  # the filtered calls' transcripts are now the new key's
        assert len(after[call_id]) == 1
        assert (after[call_id] == before[call_id]) == (call_id not in agent_calls), call_id
    with sessions() as session:
        models = {call_id: model_id for call_id, model_id in session.execute(
            select(Call.call_id, TranscriptRow.model_id)
            .join(TranscriptRow, TranscriptRow.call_pk == Call.id))}
    assert all(models[c] == str(model) or str(model) in models[c] for c in agent_calls)


def test_the_dask_task_runner_gives_the_same_results(
        processed_samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("prefect_dask")
    url = _sqlite(tmp_path / "dask.db")
    ingest_archive(source=str(SAMPLES), database_url=url)
    monkeypatch.setenv("CALLQA_FLOWS__TASK_RUNNER", "dask")
    monkeypatch.setenv("CALLQA_FLOWS__DASK_WORKERS", "2")

    report = process_calls(database_url=url)

    assert sorted(report.processed) == SAMPLE_IDS and report.failed == []
    threads = sessions_for(_sqlite(processed_samples))
    dask = sessions_for(url)
    assert _texts(dask) == {c: t for c, t in _texts(threads).items() if c in SAMPLE_IDS}
    assert _scores(dask) == _scores(threads)


def test_the_pool_reports_to_the_runs_own_prefect_server(
        processed_samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """In the local mode each process of the pool would start a temporary Prefect server of
    its own (seconds each, several servers on one database): they are handed the run's."""
    folder = tmp_path / "two"
    folder.mkdir()
    for call_id in SAMPLE_IDS[:2]:
        for suffix in (".wav", ".json"):
            shutil.copy(SAMPLES / f"{call_id}{suffix}", folder / f"{call_id}{suffix}")
    url = _sqlite(tmp_path / "two.db")
    ingest_archive(source=str(folder), database_url=url)
    monkeypatch.setenv("CALLQA_FLOWS__TASK_RUNNER", "processes")
    monkeypatch.setenv("CALLQA_FLOWS__WORKERS", "2")
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "INFO")  # the pool's processes say it
    capfd.readouterr()

    report = process_calls(database_url=url)

    assert sorted(report.processed) == SAMPLE_IDS[:2] and report.failed == []
    logged = capfd.readouterr()
    assert "Task run 'transcribe" in logged.out + logged.err  # the pool's logs are seen
    assert (logged.out + logged.err).count("Starting temporary server") == 0
    assert "PREFECT_API_URL" not in os.environ  # handed over for the run only


def test_hvb_calls_end_scored_on_postgresql(shared_data: Path, postgres_url: str,
                                            tmp_path: Path) -> None:
    engine = engine_for(postgres_url)
    with engine.begin() as connection:  # a schema of its own: other tests reset `public`
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    close_stores()
    derived = shared_data / "calls" / "hvb" / "derived"
    manifest = tmp_path / "hvb.jsonl"
    manifest.write_text("".join(json.dumps({
        **hvb_metadata(shared_data, sid).model_dump(mode="json", exclude_none=True),
        "channel_layout": "agent_left", "call_type": "card_services",
        "audio": str(derived / f"{sid}.stereo_agentL_callerR.ulaw.wav")}) + "\n"
        for sid in HVB_SIDS))

    ingested = ingest_archive(source=str(manifest), database_url=postgres_url)
    report = process_calls(database_url=postgres_url)

    assert ingested.added == len(HVB_SIDS)
    assert sorted(report.processed) == sorted(HVB_SIDS) and report.failed == []
    assert set(_scores(sessions_for(postgres_url))) == set(HVB_SIDS)


# --- kill and resume ----------------------------------------------------------------------


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "archive"
    folder.mkdir()
    for file in SAMPLES.iterdir():
        shutil.copy(file, folder / file.name)
    (folder / "zz_broken.wav").write_bytes(b"not audio at all" * 100)
    yield folder, _sqlite(tmp_path / "callqa.db")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "callqa", *args]


def test_a_killed_batch_resumes_without_loss_or_duplicates(archive: tuple[Path, str]) -> None:
    folder, url = archive
    subprocess.run(_cli("ingest", str(folder), "--database", url), check=True,
                   capture_output=True, text=True, timeout=600)
    sessions = sessions_for(url)
    worker = subprocess.Popen(_cli("process", "--database", url), start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 600
        while True:  # kill it once part of the batch is finished and part is not
            seen = [s for s, _ in _statuses(sessions).values()]
            if seen.count("processed") >= 2 and seen.count("processing") >= 2:
                break
            assert worker.poll() is None, f"the worker ended before the kill: {worker.stdout}"
            assert time.monotonic() < deadline, "the worker made no progress in 10 minutes"
            time.sleep(0.2)
        os.killpg(worker.pid, signal.SIGKILL)  # the flow, its Prefect server, everything
        worker.wait(timeout=60)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    after_kill = _statuses(sessions)
    finished_before = {c for c, (s, _) in after_kill.items() if s == "processed"}
    stuck = {c for c, (s, _) in after_kill.items() if s == "processing"}
    assert stuck and finished_before
    runs_before = _stage_runs(sessions, "transcribe")

    resumed = subprocess.run(_cli("process", "--database", url), capture_output=True,
                             text=True, timeout=900)

    # Exit 1 when the broken recording fails in this run (it may have failed before the kill).
    output = resumed.stdout + resumed.stderr
    assert resumed.returncode == (1 if "failed zz_broken" in output else 0), output
    assert f"resumed {len(stuck)} call(s)" in resumed.stdout
    statuses = _statuses(sessions)
    assert {c: s for c, (s, _) in statuses.items() if c != "zz_broken"} == dict.fromkeys(
        SAMPLE_IDS, "processed")
    assert statuses["zz_broken"][0] == "failed" and "zz_broken.wav" in str(statuses["zz_broken"][1])
    runs = _stage_runs(sessions, "transcribe")
    assert set(runs) == set(SAMPLE_IDS) and all(len(r) == 1 for r in runs.values())
    for call_id in finished_before:  # finished work was not redone
        assert runs[call_id] == runs_before[call_id]
    with sessions() as session:
        per_call = {c: n for c, n in session.execute(
            select(Call.call_id, func.count(TranscriptRow.id))
            .join(TranscriptRow, TranscriptRow.call_pk == Call.id).group_by(Call.call_id))}
        current = {c: n for c, n in session.execute(
            select(Call.call_id, func.count(ScoreRow.id))
            .join(ScoreRow, ScoreRow.call_pk == Call.id).where(ScoreRow.is_current)
            .group_by(Call.call_id))}
    assert per_call == dict.fromkeys(SAMPLE_IDS, 1)
    assert current == dict.fromkeys(SAMPLE_IDS, 1)


def test_importing_the_flows_turns_telemetry_off() -> None:
    """In a fresh process with none of the switches set: callqa.flows sets them before
    Prefect reads them, so neither its client events nor the server's analytics run."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED")}
    probe = ("import os, callqa.flows.process\n"
             "from prefect.settings import get_current_settings\n"
             "from prefect._internal.analytics.enabled import is_telemetry_enabled\n"
             "print(os.environ['DO_NOT_TRACK'], get_current_settings().server.analytics_enabled,"
             " is_telemetry_enabled())")
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                            text=True, timeout=120, check=True)
    assert result.stdout.split() == ["1", "False", "False"]


def test_the_reprocess_command_says_what_it_would_redo(processed_samples: Path,
                                                      tmp_path: Path) -> None:
    url = _copy_database(processed_samples, tmp_path / "cli.db")
    cards = tmp_path / "scorecards"
    shutil.copytree(BUNDLED_SCORECARDS, cards)
    sales = cards / "sales.yaml"
    sales.write_text(re.sub(r"(?m)^version: .*$", "version: '7'", sales.read_text()))
    env = {**os.environ, "CALLQA_SCORECARDS_DIR": str(cards)}
    with sessions_for(url)() as session:
        sales_calls = session.scalar(select(func.count()).select_from(Call).where(
            Call.call_type == "sales", Call.status == "processed")) or 0
    assert sales_calls > 0
    result = subprocess.run(_cli("reprocess", "--database", url, "--dry-run"), env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (f"{len(SAMPLE_IDS)} calls matched: 0 to transcribe again, {sales_calls} to "
            f"rescore, {len(SAMPLE_IDS) - sales_calls} up to date") in result.stdout
    # A dry run says what it would do, and does not queue anything (issue 17).
    assert f"would queue {sales_calls} call(s)" in result.stdout
    with sessions_for(url)() as session:
        assert not session.scalar(select(func.count()).select_from(Call).where(
            Call.status == "pending"))
