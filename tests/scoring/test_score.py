"""`score_call`: section and call scores, compliance, critical failures, the JSON contract."""

from __future__ import annotations

import json

import pytest

from callqa.domain.records import CallMetadata, Role
from callqa.scoring import SCORE_SCHEMA, ScoreResult, parse_scorecard, score_call
from tests.factories import make_transcript
from tests.helpers.scorecards import scorecard_yaml

A, C = Role.AGENT, Role.CUSTOMER

SCORECARD = parse_scorecard(scorecard_yaml(
    """\
    - {id: hello, section: greeting, kind: phrase, points: 2, phrases: {en: [hello]}}
    - {id: name, section: greeting, kind: phrase, points: 1, phrases: {en: [my name is]}}
    - {id: balance, section: listening, kind: metric, points: 1, metric: talk_share,
       role: agent, max: 0.7}
    - {id: done, section: resolution, kind: phrase, points: 1, phrases: {en: [all done]}}
    - {id: recorded, section: compliance, kind: phrase, points: 1, compliance: true,
       phrases: {en: [recorded line]}}
    - {id: rude, section: compliance, kind: phrase, points: 3, compliance: true, critical: true,
       mode: prohibited, phrases: {en: [calm down]}}
    """,
    sections="""\
    - {id: greeting, weight: 10}
    - {id: listening, weight: 40}
    - {id: resolution, weight: 20}
    - {id: compliance, weight: 30}
    """,
))


def test_section_and_call_scores_over_applicable_criteria() -> None:
    transcript = make_transcript([(A, 0, 3, "Hello, you're on a recorded line."),
                                  (C, 3, 4, "Hi."), (A, 4, 6, "It's all done.")])
    result = score_call(transcript, SCORECARD)
    sections = {s.id: s for s in result.sections}
    assert (sections["greeting"].points, sections["greeting"].max_points) == (2, 3)
    assert sections["greeting"].score == pytest.approx(66.7)
    # No metrics: `balance` is na, so listening (weight 40) does not count at all.
    assert sections["listening"].score is None and sections["listening"].max_points == 0
    assert sections["resolution"].score == 100 and sections["compliance"].score == 100
    assert result.score == pytest.approx((10 * 200 / 3 + 20 * 100 + 30 * 100) / 60, abs=0.05)
    assert result.compliance_score == 100 and not result.critical_failed
    assert result.passed is True and result.summary.startswith("PASS: score 94.4")


def test_compliance_is_scored_apart_and_a_critical_fail_fails_the_call() -> None:
    transcript = make_transcript([(A, 0, 3, "Hello, my name is Sam. Calm down."),
                                  (A, 4, 6, "It's all done.")])
    result = score_call(transcript, SCORECARD)
    assert result.criterion("rude").outcome == "fail" and result.criterion("recorded").outcome == (
        "fail"
    )
    assert result.compliance_score == 0
    assert result.score == pytest.approx((10 * 100 + 20 * 100 + 30 * 0) / 60, abs=0.05)
    assert result.critical_failed and result.passed is False
    assert result.summary == (
        "FAIL: critical criterion rude failed, so the call fails regardless of its score 50,"
        " compliance 0"
    )


def test_below_the_pass_mark() -> None:
    result = score_call(make_transcript([(A, 0, 3, "Yes?")]), SCORECARD)
    assert not result.critical_failed and result.passed is False
    assert result.summary.startswith("FAIL: score") and "below the pass mark 80" in result.summary


def test_nothing_applicable_gives_no_score() -> None:
    unknown = make_transcript([(Role.UNKNOWN, 0, 3, "Hello.")])
    result = score_call(unknown, SCORECARD)
    assert {c.outcome for c in result.criteria} == {"na"}
    assert result.score is None and result.compliance_score is None and result.passed is None


def test_the_json_contract() -> None:
    metadata = CallMetadata(call_id="c-1", call_type="billing")
    transcript = make_transcript([(A, 0, 3, "Hello, calm down.")], metadata=metadata,
                                 call_id="c-1")
    result = score_call(transcript, SCORECARD)
    data = json.loads(result.to_json())
    assert data["schema"] == SCORE_SCHEMA == "callqa.score/1"
    assert set(data) == {
        "schema", "call_id", "scorecard", "call_type", "language", "criteria", "sections",
        "score", "compliance_score", "critical_failed", "passed", "summary",
    }
    assert data["scorecard"] == {"id": "test", "version": "1", "digest": SCORECARD.digest}
    assert (data["call_id"], data["call_type"], data["language"]) == ("c-1", "billing", "en")
    rude = next(c for c in data["criteria"] if c["id"] == "rude")
    assert set(rude) == {"id", "section", "kind", "outcome", "points", "max_points", "critical",
                         "compliance", "reason", "evidence", "value"}
    assert rude["evidence"] == [{"utterance": 0, "speaker": "S0", "role": "agent", "start": 0.0,
                                 "end": 3.0, "text": "Hello, calm down.",
                                 "matched": ["calm down"]}]
    assert ScoreResult.from_json(result.to_json()) == result


def test_scoring_is_pure_and_repeatable() -> None:
    transcript = make_transcript([(A, 0, 3, "Hello, it's all done.")])
    before = transcript.to_json()
    first = score_call(transcript, SCORECARD)
    assert score_call(transcript, SCORECARD).to_json() == first.to_json()
    assert transcript.to_json() == before


def test_metadata_argument_overrides_the_transcripts_own() -> None:
    transcript = make_transcript([(A, 0, 2, "Hello.")],
                                 metadata=CallMetadata(call_type="sales"))
    assert score_call(transcript, SCORECARD).call_type == "sales"
    assert score_call(transcript, SCORECARD, CallMetadata(call_type="billing")).call_type == (
        "billing"
    )


def test_the_scorecard_digest_follows_its_content() -> None:
    text = scorecard_yaml("- {id: a, section: greeting, kind: phrase, points: 1,"
                          " phrases: {en: [hello]}}\n", sections="- {id: greeting, weight: 1}\n")
    same = parse_scorecard(text)
    assert parse_scorecard(text).digest == same.digest
    assert parse_scorecard(text.replace("[hello]", "[hi]")).digest != same.digest


def test_a_silent_call_is_scored_as_nothing_applicable() -> None:
    result = score_call(make_transcript([]), SCORECARD)
    assert {c.outcome for c in result.criteria} == {"na"}
    assert result.score is None and result.passed is None
    assert result.summary == "no score (no criterion applied)"
