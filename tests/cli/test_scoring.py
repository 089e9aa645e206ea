"""`callqa score` and `callqa scorecards`, mounted as `callqa/cli.py` mounts them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from callqa.cli.scoring import score, scorecards_app
from callqa.domain.errors import CallqaError
from callqa.domain.records import CallMetadata, Role
from callqa.scoring import ScorecardError, TranscriptFileError
from tests.factories import make_transcript
from tests.helpers.paths import BUNDLED_SCORECARDS

A, C = Role.AGENT, Role.CUSTOMER

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.callback()
def _root() -> None:
    """The test's stand-in for the `callqa` app."""


app.command()(score)
app.add_typer(scorecards_app, name="scorecards")
runner = CliRunner()


@pytest.fixture
def transcript_file(tmp_path: Path) -> Path:
    transcript = make_transcript(
        [(A, 0, 3, "Thank you for calling, my name is Maria."),
         (C, 3, 5, "Hi, I was charged twice."),
         (A, 5, 8, "I'm sorry, Mr Harris. I've applied the credit, it's all done."),
         (A, 8, 10, "Is there anything else?"), (C, 10, 11, "No."),
         (A, 11, 13, "Thank you for calling, goodbye.")],
        metadata=CallMetadata(call_id="c-9", call_type="billing", agent_name="Maria Lopez"),
        call_id="c-9",
    )
    path = tmp_path / "c-9.transcript.json"
    path.write_text(transcript.to_json())
    return path


def test_score_writes_the_json_contract(transcript_file: Path) -> None:
    result = runner.invoke(app, ["score", str(transcript_file)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == "callqa.score/1" and data["call_id"] == "c-9"
    assert data["scorecard"]["id"] == "billing" and data["call_type"] == "billing"
    by_id = {c["id"]: c for c in data["criteria"]}
    assert by_id["greeting"]["outcome"] == "pass"
    assert by_id["greeting_by_name"]["outcome"] == "na"  # no customer_name yet


def test_metadata_file_fields_override_the_embedded_ones(
    transcript_file: Path, tmp_path: Path
) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"customer_name": "Robert Harris", "call_type": "sales"}))
    result = runner.invoke(app, ["score", str(transcript_file), "--metadata", str(meta)])
    data = json.loads(result.stdout)
    assert data["scorecard"]["id"] == "sales" and data["call_id"] == "c-9"
    by_id = {c["id"]: c for c in data["criteria"]}
    assert by_id["greeting_by_name"]["outcome"] == "pass"


def test_call_type_and_scorecard_options(transcript_file: Path) -> None:
    result = runner.invoke(app, ["score", str(transcript_file), "--call-type",
                                 "technical_support"])
    assert json.loads(result.stdout)["scorecard"]["id"] == "technical_support"
    result = runner.invoke(app, ["score", str(transcript_file), "--scorecard",
                                 str(BUNDLED_SCORECARDS / "default.yaml")])
    data = json.loads(result.stdout)
    assert data["scorecard"]["id"] == "default" and data["call_type"] == "billing"
    result = runner.invoke(app, ["score", str(transcript_file), "--call-type", "sales",
                                 "--scorecard", str(BUNDLED_SCORECARDS / "default.yaml")])
    assert result.exit_code == 2 and "not both" in result.output


def test_score_as_a_table(transcript_file: Path) -> None:
    result = runner.invoke(app, ["score", str(transcript_file), "--format", "table"])
    assert result.exit_code == 0, result.output
    for text in ("greeting_by_name", "prohibited_language", "critical", "compliance", "PASS"):
        assert text in result.stdout
    assert runner.invoke(app, ["score", str(transcript_file), "-f", "xml"]).exit_code == 2


def test_score_errors_name_the_file_and_the_fix(tmp_path: Path, transcript_file: Path) -> None:
    for content in (None, "{not json", json.dumps({"schema": "callqa.transcript/1"})):
        path = tmp_path / "bad.json"
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(content)
        result = runner.invoke(app, ["score", str(path)])
        assert isinstance(result.exception, TranscriptFileError), result.output
        assert str(path) in str(result.exception) and "Fix:" in str(result.exception)
    bad_card = tmp_path / "bad.yaml"
    bad_card.write_text("id: x\n")
    result = runner.invoke(app, ["score", str(transcript_file), "--scorecard", str(bad_card)])
    assert isinstance(result.exception, ScorecardError)
    assert f"{bad_card}:1: version: Field required" in str(result.exception)


def test_validate_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scorecards", "validate", str(BUNDLED_SCORECARDS)])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == 4
    bad = tmp_path / "bad.yaml"
    bad.write_text((BUNDLED_SCORECARDS / "default.yaml").read_text().replace(
        "kind: empathy", "kind: sympathy").replace("weight: 20, title: Empathy", "title: Empathy"))
    result = runner.invoke(app, ["scorecards", "validate", str(bad),
                                 str(BUNDLED_SCORECARDS / "sales.yaml")])
    assert isinstance(result.exception, CallqaError)
    assert "1 of 2 scorecard file(s) invalid" in str(result.exception)
    lines = [line for line in result.output.splitlines() if line.startswith("error")]
    assert len(lines) == 2, result.output
    assert any(f"{bad}:" in line and "criteria[" in line and ".kind: unknown criterion kind" in line
               for line in lines)
    assert any(f"{bad}:" in line and "sections[3].weight: Field required" in line
               for line in lines)


def test_validate_catches_two_scorecards_for_one_call_type(tmp_path: Path) -> None:
    copy = tmp_path / "billing_copy.yaml"
    copy.write_text((BUNDLED_SCORECARDS / "billing.yaml").read_text()
                    .replace("id: billing", "id: copy"))
    result = runner.invoke(app, ["scorecards", "validate", str(BUNDLED_SCORECARDS / "billing.yaml"),
                                 str(copy)])
    assert isinstance(result.exception, CallqaError)
    assert "call type 'billing' is also claimed by" in result.output


def test_scorecards_list() -> None:
    result = runner.invoke(app, ["scorecards", "list"])
    assert result.exit_code == 0
    for scorecard_id in ("default", "billing", "technical_support", "sales"):
        assert scorecard_id in result.output
