"""The three example imports (tests/data/imports/) scored end to end with the bundled
scorecards: `score_file` (what `callqa score` runs), the `callqa score` command, and a
manifest ingested into a store and processed. Real components throughout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.cli.scoring import score
from callqa.configs.settings import MetricsSettings, Settings
from callqa.domain.records import Role
from callqa.domain.scores import CriterionResult, ScoreResult
from callqa.models import store
from callqa.models.tables import MetricsRow
from callqa.services.ingest import ingest
from callqa.services.processing import process_calls
from callqa.services.scoring import score_file
from callqa.services.store import close_stores, sessions_for
from tests.helpers.paths import REPO

IMPORTS = REPO / "tests" / "data" / "imports"
UNTIMED = "the transcript was imported without utterance times"


def by_id(result: ScoreResult) -> dict[str, CriterionResult]:
    return {c.id: c for c in result.criteria}


def test_a_chat_is_scored_on_its_text_and_timing_criteria_are_na() -> None:
    result = score_file(IMPORTS / "chat_billing.json")
    found = by_id(result)
    assert result.scorecard.id == "billing" and result.call_id == "chat-20261102-0042"
    assert found["greeting"].outcome == "pass"
    assert found["greeting_by_name"].outcome == "pass"  # "Hello Sarah" (metadata name)
    assert "as 'sarah' (utterance 1;" in found["greeting_by_name"].reason
    assert found["empathy"].outcome == "pass" and found["prohibited_language"].outcome == "pass"
    # Measures that need times: na, naming the measure that is missing.
    talk = found["talk_balance"]
    assert (talk.outcome, talk.points, talk.value) == ("na", 0.0, None)
    assert talk.reason.startswith("agent talk_share is unknown: " + UNTIMED)
    assert "the source gave no metrics.by_role.agent.talk_share" in talk.reason
    assert "metrics.longest_silence" in found["long_silence"].reason
    # Windows in seconds cannot be placed without times: na, never a pass or a fail.
    for criterion in ("recording_disclosure", "identity_verification"):
        assert found[criterion].outcome == "na", found[criterion]
        assert "s of speech cannot be found: " + UNTIMED in found[criterion].reason
    # No reason of an untimed call quotes a time it does not have.
    assert not any(" at 0.0 s" in c.reason or "0.0-0.0 s" in c.reason for c in result.criteria)
    # The score is over the criteria that could be judged.
    listening = next(s for s in result.sections if s.id == "active_listening")
    assert (listening.max_points, listening.score) == (0.0, None)
    assert result.score == 100.0 and result.passed is True
    assert result.compliance_score == 100.0  # prohibited_language alone was judged


def test_an_asr_export_without_roles_fails_on_its_prohibited_phrase() -> None:
    result = score_file(IMPORTS / "vendor_asr_export.json")
    found = by_id(result)
    assert result.scorecard.id == "technical_support"
    prohibited = found["prohibited_language"]
    assert prohibited.outcome == "fail" and prohibited.critical
    assert prohibited.evidence[0].speaker == "S2" and prohibited.evidence[0].role == "agent"
    assert prohibited.evidence[0].matched == ("calm down",)
    assert result.critical_failed and result.passed is False
    # Timing criteria are judged on the measures taken from the utterance times.
    assert found["recording_disclosure"].outcome == "pass"
    assert (found["long_silence"].outcome, found["long_silence"].value) == ("pass", 6.0)
    assert found["talk_balance"].outcome == "pass"
    assert found["greeting_by_name"].outcome == "fail"  # "Daniel" is never said


def test_partial_measures_are_judged_and_the_missing_ones_are_na() -> None:
    result = score_file(IMPORTS / "partial_metrics.json")
    found = by_id(result)
    assert result.scorecard.id == "default"
    assert (found["dead_air"].outcome, found["dead_air"].value) == ("fail", 0.42)
    assert (found["talk_balance"].outcome, found["talk_balance"].value) == ("pass", 0.48)
    assert found["agent_interruptions"].outcome == "pass"
    assert found["agent_monologue"].outcome == "na"
    assert "metrics.by_role.agent.longest_monologue" in found["agent_monologue"].reason
    assert found["long_silence"].outcome == "na"
    assert found["greeting_by_name"].outcome == "fail"  # "Wei Chen" is never addressed
    assert found["resolution_confirmed"].outcome == "pass"
    listening = next(s for s in result.sections if s.id == "active_listening")
    assert (listening.points, listening.max_points) == (2.0, 3.0)


def test_metadata_options_override_the_imports_own(tmp_path: Path) -> None:
    crm = tmp_path / "crm.json"
    crm.write_text(json.dumps({"customer_name": "Wei Chen", "call_type": "sales"}))
    result = score_file(IMPORTS / "vendor_asr_export.json", crm)
    assert result.scorecard.id == "sales" and result.call_type == "sales"
    assert by_id(result)["greeting_by_name"].outcome == "fail"


def test_every_way_in_names_an_import_alike(tmp_path: Path) -> None:
    """Outside fields (a manifest line, an upload's form, `--metadata`) name the call first,
    then the import's top-level `call_id`, then its `metadata.call_id`."""
    document = json.loads((IMPORTS / "chat_billing.json").read_text(encoding="utf-8"))
    document["call_id"], document["metadata"]["call_id"] = "top-level", "inside"
    named = tmp_path / "named.json"
    named.write_text(json.dumps(document), encoding="utf-8")
    assert score_file(named).call_id == "top-level"
    crm = tmp_path / "crm.json"
    crm.write_text(json.dumps({"call_id": "from-crm"}))
    assert score_file(named, crm).call_id == "from-crm"
    (tmp_path / "manifest.jsonl").write_text("\n".join(json.dumps(row) for row in [
        {"transcript": "named.json"}]) + "\n", encoding="utf-8")
    sessions = sessions_for(f"sqlite:///{tmp_path / 'callqa.db'}")
    try:
        assert ingest(sessions, tmp_path / "manifest.jsonl").added_call_ids == ["top-level"]
    finally:
        close_stores()


# --- the command -------------------------------------------------------------------------------

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.callback()
def _root() -> None:
    """The test's stand-in for the `callqa` app."""


app.command()(score)


def test_the_score_command_takes_an_import() -> None:
    result = CliRunner().invoke(app, ["score", str(IMPORTS / "chat_billing.json")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    found = {c["id"]: c for c in data["criteria"]}
    assert data["schema"] == "callqa.score/1" and data["call_id"] == "chat-20261102-0042"
    assert found["greeting_by_name"]["outcome"] == "pass"
    assert found["recording_disclosure"]["outcome"] == "na"
    table = CliRunner().invoke(app, ["score", str(IMPORTS / "vendor_asr_export.json"),
                                     "--format", "table"])
    assert table.exit_code == 0 and "prohibited_language" in table.stdout
    assert "FAIL: critical criterion prohibited_language failed" in table.stdout


def test_the_score_command_names_the_utterance_and_the_fix(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "callqa.import/1", "language": "en", "utterances": [
        {"role": "agent", "text": "Hello"}, {"role": "customer", "text": ""}]}))
    result = CliRunner().invoke(app, ["score", str(bad)])
    assert result.exit_code != 0
    message = str(result.exception)
    assert f"{bad}: not a valid callqa.import/1 file (utterances.1.text: the text is empty" in (
        message)
    assert "Fix: correct the named fields as docs/transcript-import.md describes" in message


# --- ingest from an archive, then process ------------------------------------------------------

@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    shutil.copytree(IMPORTS, folder / "imports")
    (folder / "manifest.jsonl").write_text("\n".join(json.dumps(row) for row in [
        {"call_id": "chat-1", "agent_id": "a07", "transcript": "imports/chat_billing.json"},
        {"transcript": "imports/vendor_asr_export.json"},
        {"call_id": "sa-1", "team_id": "t4", "transcript": "imports/partial_metrics.json"},
    ]) + "\n", encoding="utf-8")
    return folder


def test_an_archive_of_imports_is_ingested_and_scored(archive: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'callqa.db'}"
    sessions = sessions_for(url)
    try:
        report = ingest(sessions, archive / "manifest.jsonl")
        assert (report.added, report.failed) == (3, 0), report.failures
        assert sorted(report.added_call_ids) == ["acme-7731", "chat-1", "sa-1"]
        processed = process_calls(sessions, Settings(database_url=url, data_dir=tmp_path))
        assert sorted(processed.processed) == ["acme-7731", "chat-1", "sa-1"], processed.failed
        with sessions() as session:
            chat = store.get_call(session, "chat-1")
            assert chat is not None and chat.source == "transcript"
            assert chat.status == "processed"
            transcript = store.load_transcript(session, chat)
            assert transcript.source is not None and not transcript.timed
            assert transcript.metadata is not None and transcript.metadata.agent_id == "a07"
            stored = store.load_score(session, chat)
            assert stored is not None
            found = by_id(stored)
            assert found["greeting_by_name"].outcome == "pass"
            assert found["talk_balance"].outcome == "na"
            vendor = store.get_call(session, "acme-7731")
            assert vendor is not None
            vendor_score = store.load_score(session, vendor)
            assert vendor_score is not None and vendor_score.critical_failed
            # The measures' row: for the timed export; not for the chat, whose are unknown.
            measured = set(session.scalars(select(MetricsRow.call_pk)))
            assert vendor.id in measured and chat.id not in measured
    finally:
        close_stores()


def test_a_bad_import_in_an_archive_is_skipped_with_its_reason(archive: Path,
                                                               tmp_path: Path) -> None:
    (archive / "bad.json").write_text(json.dumps({
        "schema": "callqa.import/1", "language": "en",
        "utterances": [{"speaker": "S1", "start": 3.0, "end": 1.0, "text": "Hello"}]}))
    (archive / "more.jsonl").write_text(
        json.dumps({"call_id": "bad-1", "transcript": "bad.json"}) + "\n"
        + json.dumps({"call_id": "ok-1", "transcript": "imports/chat_billing.json"}) + "\n")
    sessions = sessions_for(f"sqlite:///{tmp_path / 'callqa.db'}")
    try:
        report = ingest(sessions, archive / "more.jsonl")
        assert report.added_call_ids == ["ok-1"]
        [failure] = report.failures
        assert failure.line == 1
        assert "bad.json is not a valid callqa.import/1 file: utterances.0: end 1 is before " \
               "start 3" in failure.reason
        assert "docs/transcript-import.md" in failure.fix
    finally:
        close_stores()


# --- the settings in use ---------------------------------------------------------------------

OVERTALK = {"schema": "callqa.import/1", "language": "en", "call_id": "overtalk-1",
            "metadata": {"call_type": "general"}, "utterances": [
                {"role": "customer", "start": 0.0, "end": 6.0,
                 "text": "My bill is wrong again this month and nobody has fixed it."},
                {"role": "agent", "start": 5.0, "end": 9.0,
                 "text": "I understand, let me look at that for you right now."},
                {"role": "customer", "start": 9.5, "end": 11.0, "text": "Thank you."}]}
"""The agent starts 1 s before the customer stops: an interruption under the default
`metrics.interruption_min_overlap` (0.3 s), none under 2 s."""
PATIENT = MetricsSettings(interruption_min_overlap=2.0)


def test_imports_are_measured_with_the_metrics_settings(tmp_path: Path) -> None:
    path = tmp_path / "overtalk.json"
    path.write_text(json.dumps(OVERTALK))
    assert by_id(score_file(path))["agent_interruptions"].value == 1
    patient = Settings(metrics=PATIENT)
    assert by_id(score_file(path, settings=patient))["agent_interruptions"].value == 0

    (tmp_path / "manifest.jsonl").write_text(json.dumps({"transcript": "overtalk.json"}) + "\n")
    for name, metrics, expected in (("default", None, 1), ("patient", PATIENT, 0)):
        sessions = sessions_for(f"sqlite:///{tmp_path / name}.db")
        try:
            report = ingest(sessions, tmp_path / "manifest.jsonl", metrics=metrics)
            assert report.added_call_ids == ["overtalk-1"], report.failures
            with sessions() as session:
                call = store.get_call(session, "overtalk-1")
                assert call is not None
                measured = store.load_transcript(session, call).metrics
                assert measured is not None
                assert measured.by_role[Role.AGENT].interruptions == expected, name
        finally:
            close_stores()


@pytest.fixture
def house(tmp_path: Path) -> tuple[Path, Path]:
    """A centre's scorecards folder (the bundled default, renamed `house`) and the
    overtalk import: (folder, import file)."""
    folder = tmp_path / "scorecards"
    folder.mkdir()
    bundled = (REPO / "callqa/configs/scorecards/default.yaml").read_text()
    (folder / "house.yaml").write_text(bundled.replace("id: default", "id: house", 1))
    path = tmp_path / "overtalk.json"
    path.write_text(json.dumps(OVERTALK))
    return folder, path


def test_score_uses_the_scorecards_in_use(house: tuple[Path, Path]) -> None:
    """`scorecards_dir` names the centre's own scorecards: `callqa score` picks from them as
    processing does, not from the bundled ones."""
    folder, path = house
    assert score_file(path).scorecard.id == "default"
    assert score_file(path, settings=Settings(scorecards_dir=folder)).scorecard.id == "house"


def test_the_score_command_reads_the_settings(house: tuple[Path, Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """`callqa score` as processing: the metrics settings and the centre's scorecards."""
    folder, path = house
    monkeypatch.setenv("CALLQA_SCORECARDS_DIR", str(folder))
    monkeypatch.setenv("CALLQA_METRICS__INTERRUPTION_MIN_OVERLAP", "2.0")
    result = CliRunner().invoke(app, ["score", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scorecard"]["id"] == "house"
    assert {c["id"]: c for c in data["criteria"]}["agent_interruptions"]["value"] == 0
