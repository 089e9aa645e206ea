"""The sample calls, transcribed by our pipeline with their sidecar metadata and scored with
the scorecard for their call type: good calls score clearly above poor ones, and call_004's
"calm down... that's not my problem" fails the call."""

from __future__ import annotations

import pytest

from callqa.domain.metadata import load_metadata, sidecar_path
from callqa.pipeline.calls import transcribe_call
from callqa.pipeline.transcribe import Transcriber
from callqa.scoring import ScoreResult, choose_scorecard, score_call
from tests.helpers.paths import SAMPLES

pytestmark = pytest.mark.model

GOOD = ("call_001", "call_003", "call_005")
POOR = ("call_002", "call_004")
CLEAR_MARGIN = 30  # points on the 0-100 scale


@pytest.fixture(scope="module")
def scored(transcriber: Transcriber) -> dict[str, ScoreResult]:
    results = {}
    for path in sorted(SAMPLES.glob("*.wav")):
        metadata = load_metadata(sidecar_path(path))
        transcript = transcribe_call(path, metadata, transcriber=transcriber)
        results[path.stem] = score_call(transcript, choose_scorecard(metadata.call_type))
    return results


def test_each_sample_is_scored_with_its_call_types_scorecard(
    scored: dict[str, ScoreResult],
) -> None:
    assert {r.scorecard.id for r in scored.values()} == {"billing", "sales", "technical_support"}
    for result in scored.values():
        assert result.scorecard.id == result.call_type
        assert result.score is not None


def test_good_calls_score_clearly_above_poor_ones(scored: dict[str, ScoreResult]) -> None:
    good = {call: scored[call].score or 0.0 for call in GOOD}
    poor = {call: scored[call].score or 0.0 for call in POOR}
    assert min(good.values()) >= max(poor.values()) + CLEAR_MARGIN, (good, poor)
    for call in GOOD:
        assert not scored[call].critical_failed
        assert scored[call].criterion("greeting").outcome == "pass"
        assert scored[call].criterion("anything_else").outcome == "pass"
    for call in POOR:
        assert scored[call].passed is False
        assert scored[call].criterion("greeting").outcome == "fail"
        assert scored[call].criterion("empathy").outcome == "fail"  # the complaint was ignored


def test_call_004_prohibited_language_fails_the_call(scored: dict[str, ScoreResult]) -> None:
    result = scored["call_004"]
    prohibited = result.criterion("prohibited_language")
    assert prohibited.outcome == "fail" and prohibited.critical and prohibited.compliance
    assert {"calm down", "not my problem"} & {m for e in prohibited.evidence for m in e.matched}
    assert all(e.role.value == "agent" for e in prohibited.evidence)
    assert result.critical_failed and result.passed is False
    assert "fails regardless of its score" in result.summary
    for call in ("call_001", "call_002", "call_003", "call_005"):
        assert scored[call].criterion("prohibited_language").outcome == "pass"


def test_empathy_needs_an_occasion(scored: dict[str, ScoreResult]) -> None:
    # call_003 is a plain sales request: nothing to empathise with, so not applicable.
    assert scored["call_003"].criterion("empathy").outcome == "na"
    assert scored["call_005"].criterion("empathy").outcome == "pass"  # "still drops": answered
