"""Words to speakers, and agent/customer inference from cues (pure functions)."""

from __future__ import annotations

from callqa.domain.records import CallMetadata, Role, Word
from callqa.pipeline.align import split_by_speaker
from callqa.pipeline.diarize import Diarization, SpeakerTurn, choose_backend, turns_from_labels
from callqa.pipeline.roles import SpokenTurn, infer_roles
from callqa.pipeline.transcribe import TimedText


def _segment(*words: tuple[str, float, float]) -> TimedText:
    ws = tuple(Word(start=a, end=b, text=t, probability=0.9) for t, a, b in words)
    return TimedText(ws[0].start, ws[-1].end, " ".join(w.text for w in ws), ws)


def test_utterance_splits_where_the_speaker_changes_inside_a_segment() -> None:
    diarization = Diarization(
        turns=(SpeakerTurn(0.0, 2.0, "S0"), SpeakerTurn(2.0, 4.0, "S1")),
        speakers=("S0", "S1"), backend="embedded",
    )
    segment = _segment(("how", 0.1, 0.4), ("can", 0.5, 0.8), ("I", 0.9, 1.0),
                       ("help?", 1.1, 1.5), ("My", 2.1, 2.3), ("card.", 2.4, 2.9))
    pieces = list(split_by_speaker([segment], diarization))
    assert [(s, p.text) for s, p in pieces] == [("S0", "how can I help?"), ("S1", "My card.")]


def test_word_straddling_turns_goes_to_the_speaker_with_most_overlap() -> None:
    diarization = Diarization(
        turns=(SpeakerTurn(0.0, 1.0, "S0"), SpeakerTurn(1.0, 3.0, "S1")),
        speakers=("S0", "S1"), backend="embedded",
    )
    pieces = list(split_by_speaker([_segment(("yes", 0.8, 1.5))], diarization))
    assert pieces[0][0] == "S1"
    # A word in no turn goes to the nearest one.
    pieces = list(split_by_speaker([_segment(("bye", 3.4, 3.6))], diarization))
    assert pieces[0][0] == "S1"


def test_short_flicker_turns_are_absorbed() -> None:
    import numpy as np

    labels = np.array([0] * 50 + [1] * 5 + [0] * 50 + [-1] * 10 + [1] * 40)
    turns = turns_from_labels(labels, 0.01, min_turn=0.25, names=["S0", "S1"])
    assert [(t.speaker, t.start, t.end) for t in turns] == [("S0", 0.0, 1.05), ("S1", 1.15, 1.55)]


def test_backend_choice() -> None:
    from callqa.configs.settings import DiarizationSettings
    from callqa.domain.records import ChannelLayout

    auto = DiarizationSettings()
    assert choose_backend(auto, 2, ChannelLayout.AGENT_LEFT) == "channels"
    assert choose_backend(auto, 2, None) == "channels"
    assert choose_backend(auto, 1, None) == "embedded"
    assert choose_backend(auto, 2, ChannelLayout.MONO) == "embedded"
    assert choose_backend(DiarizationSettings(mono_backend="pyannote"), 1, None) == "pyannote"


def test_channels_backend_on_a_mono_call_is_refused() -> None:
    import pytest

    from callqa.configs.settings import DiarizationSettings
    from callqa.pipeline.diarize import DiarizationError

    with pytest.raises(DiarizationError, match="one party per channel"):
        choose_backend(DiarizationSettings(backend="channels"), 1, None)


def test_agent_inferred_from_greeting_and_names() -> None:
    turns = [
        SpokenTurn("S1", 0.5, "Hello?"),
        SpokenTurn("S0", 1.0, "thank you for calling northwind my name is maria how can i help"),
        SpokenTurn("S1", 4.0, "hi this is robert harris i'm calling about my bill"),
        SpokenTurn("S0", 8.0, "sure mister haris let me check"),
    ]
    metadata = CallMetadata(agent_name="Maria Lopez", customer_name="Robert Harris")
    decision = infer_roles(turns, metadata, "en")
    assert decision.roles == {"S0": Role.AGENT, "S1": Role.CUSTOMER}
    assert decision.assignment.method == "inferred"
    assert decision.assignment.confidence > 0.99
    cues = " ".join(decision.assignment.cues)
    assert "agent's name" in cues and "addresses the customer by name" in cues
    assert "S1 introduces self with the customer's name" in cues


def test_without_cues_the_opener_is_the_agent_with_low_confidence() -> None:
    decision = infer_roles([SpokenTurn("S1", 0.0, "okay"), SpokenTurn("S0", 1.0, "right")],
                           None, "en")
    assert decision.roles["S1"] == Role.AGENT
    assert 0.5 < decision.assignment.confidence < 0.8


def test_persian_and_chinese_cues() -> None:
    fa = infer_roles([SpokenTurn("S0", 0.0, "سلام"),
                      SpokenTurn("S1", 1.0, "با تشكر از تماس شما، چطور می‌توانم کمک کنم؟")],
                     None, "fa")
    assert fa.roles["S1"] == Role.AGENT
    zh = infer_roles([SpokenTurn("S0", 0.0, "喂"),
                      SpokenTurn("S1", 1.0, "感谢您的来电，请问有什么可以帮您？")], None, "zh")
    assert zh.roles["S1"] == Role.AGENT
