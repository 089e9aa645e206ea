"""Scoring a transcript imported without times (`callqa.import/1`): what needs time is `na`
with the reason, what works on order alone is judged, and no reason quotes a time."""

from __future__ import annotations

from callqa.domain.imports import ImportedTranscript
from callqa.domain.records import Transcript
from callqa.pipeline.imports import transcript_from_import
from callqa.scoring import score_call
from tests.helpers.scorecards import one_criterion

CRITERIA = """\
- id: greeting
  section: greeting
  kind: phrase
  points: 1
  window: {first_turns: 1}
  phrases: {en: [thank you for calling]}
- id: disclosure
  section: compliance
  kind: phrase
  points: 1
  window: {last_seconds: 30}
  phrases: {en: [recorded]}
- id: long_calls_only
  section: greeting
  kind: phrase
  points: 1
  when: {min_duration: 60}
  phrases: {en: [goodbye]}
- id: balance
  section: active_listening
  kind: metric
  points: 1
  metric: talk_share
  role: agent
  max: 0.7
- id: silence
  section: active_listening
  kind: metric
  points: 1
  metric: longest_silence
  max: 60
"""


def chat(**fields: object) -> Transcript:
    return transcript_from_import(ImportedTranscript.model_validate({
        "schema": "callqa.import/1", "language": "en", **fields, "utterances": [
            {"role": "agent", "text": "Thank you for calling, this call is recorded."},
            {"role": "customer", "text": "Hi, I need a new card."},
            {"role": "agent", "text": "Done, goodbye."}]}))


def test_an_untimed_import_is_judged_on_what_it_has() -> None:
    result = score_call(chat(), one_criterion(CRITERIA))
    found = {c.id: c for c in result.criteria}
    assert found["greeting"].outcome == "pass"
    assert found["greeting"].reason == (
        "the agent said 'thank you for calling', first (utterance 0), within the agent's "
        "first 1 turn (utterance 0)")
    assert found["disclosure"].outcome == "na"
    assert found["disclosure"].reason.startswith(
        "the agent's utterances in the last 30 s of speech cannot be found: the transcript "
        "was imported without utterance times")
    assert found["long_calls_only"].outcome == "na"
    assert "this call's duration is unknown" in found["long_calls_only"].reason
    assert found["balance"].outcome == found["silence"].outcome == "na"
    assert "metrics.by_role.agent.talk_share" in found["balance"].reason
    assert "metrics.longest_silence" in found["silence"].reason
    assert result.score == 100.0  # over the one criterion that could be judged


def test_a_given_duration_and_given_measures_are_judged() -> None:
    result = score_call(chat(duration=45.0, metrics={"longest_silence": 75.0}),
                        one_criterion(CRITERIA))
    found = {c.id: c for c in result.criteria}
    assert found["long_calls_only"].outcome == "na"
    assert "this call lasts 45.0 s" in found["long_calls_only"].reason
    assert (found["silence"].outcome, found["silence"].value) == ("fail", 75.0)
    assert found["balance"].outcome == "na"
