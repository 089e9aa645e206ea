"""Checks every transcript must pass, whatever the audio."""

from __future__ import annotations

from callqa.domain.records import Transcript


def assert_transcript_invariants(transcript: Transcript) -> None:
    speakers = {s.id: s for s in transcript.speakers}
    previous_start = 0.0
    for utterance in transcript.utterances:
        assert utterance.start >= previous_start, "utterances must be ordered by start"
        previous_start = utterance.start
        assert utterance.start <= utterance.end <= transcript.duration + 1e-6
        assert utterance.speaker in speakers
        assert utterance.role == speakers[utterance.speaker].role
        assert utterance.text.strip(), "an utterance never has empty text"
        assert utterance.words, "every utterance carries its words"
        last_word_start = utterance.start
        for word in utterance.words:
            assert utterance.start <= word.start <= word.end <= utterance.end
            assert word.start >= last_word_start, "word times never go backwards"
            last_word_start = word.start
            assert 0.0 <= word.probability <= 1.0
    assert_turn_invariants(transcript)
    for region in transcript.voice_activity:
        assert 0 <= region.start <= region.end <= transcript.duration + 1e-6
    assert Transcript.from_json(transcript.to_json()) == transcript


def assert_turn_invariants(transcript: Transcript) -> None:
    speakers = {s.id: s.role for s in transcript.speakers}
    starts = [t.start for t in transcript.turns]
    assert starts == sorted(starts)
    for turn in transcript.turns:
        assert 0 <= turn.start <= turn.end <= transcript.duration + 1e-6
        assert speakers[turn.speaker] == turn.role
