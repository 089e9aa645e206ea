"""Conversation metrics on hand-made turn lists."""

from __future__ import annotations

import pytest

from callqa.configs.settings import MetricsSettings
from callqa.domain.records import Role
from callqa.pipeline.metrics import TalkSpan, conversation_metrics

A, C = Role.AGENT, Role.CUSTOMER


def _span(role: Role, start: float, end: float) -> TalkSpan:
    return TalkSpan("S0" if role == A else "S1", role, start, end)


def test_talk_silence_and_shares() -> None:
    spans = [_span(A, 1.0, 4.0), _span(C, 5.0, 6.0), _span(A, 10.0, 12.0)]
    m = conversation_metrics(spans, {A: 20, C: 3}, duration=15.0)
    assert m.handle_time == 15.0
    assert m.talk_time == pytest.approx(6.0)
    assert m.non_talk_time == pytest.approx(9.0)  # includes 1 s before and 3 s after
    assert m.non_talk_share == pytest.approx(0.6)
    assert m.longest_silence == pytest.approx(4.0)  # 6 -> 10; the edges are not silences
    assert m.by_role[A].talk_time == pytest.approx(5.0)
    assert m.by_role[A].talk_share == pytest.approx(5 / 6, abs=1e-4)
    assert m.by_role[C].talk_share == pytest.approx(1 / 6, abs=1e-4)
    assert m.by_role[A].words_per_minute == pytest.approx(20 / (5 / 60), abs=0.1)
    assert m.overtalk_time == 0.0 and m.overtalk_count == 0


def test_overtalk_and_interruption() -> None:
    # The customer starts at 3.0 while the agent talks until 5.0: 2 s of overtalk and an
    # interruption by the customer; the agent's turn at 8.0 starts in silence.
    spans = [_span(A, 0.0, 5.0), _span(C, 3.0, 7.0), _span(A, 8.0, 9.0)]
    m = conversation_metrics(spans, {}, duration=9.0)
    assert m.overtalk_time == pytest.approx(2.0)
    assert m.overtalk_count == 1
    assert m.by_role[C].interruptions == 1
    assert m.by_role[A].interruptions == 0


def test_quick_hand_over_is_not_an_interruption() -> None:
    # The customer starts 0.05 s before the agent finishes: a hand-over, not an interruption
    # (the agent does not keep talking for interruption_min_overlap), and too short to count
    # as overtalk (min_overtalk).
    spans = [_span(A, 0.0, 2.05), _span(C, 2.0, 2.4)]
    m = conversation_metrics(spans, {}, duration=3.0, settings=MetricsSettings())
    assert m.by_role[C].interruptions == 0
    assert m.overtalk_count == 0 and m.overtalk_time == 0.0


def test_longest_monologue_spans_pauses_without_the_other_side() -> None:
    spans = [_span(A, 0.0, 3.0), _span(A, 4.0, 9.0), _span(C, 10.0, 11.0), _span(A, 12.0, 13.0)]
    m = conversation_metrics(spans, {}, duration=13.0)
    assert m.by_role[A].longest_monologue == pytest.approx(9.0)
    assert m.by_role[C].longest_monologue == pytest.approx(1.0)


def test_silence_edges_and_empty_call() -> None:
    m = conversation_metrics([], {}, duration=12.0)
    assert m.talk_time == 0 and m.non_talk_time == 12.0 and m.non_talk_share == 1.0
    assert m.longest_silence == 0.0 and m.by_role == {}
    only = conversation_metrics([_span(A, 0.0, 12.0)], {A: 30}, duration=12.0)
    assert only.non_talk_time == 0.0 and only.longest_silence == 0.0
    assert only.by_role[A].talk_share == 1.0


def test_unknown_roles_still_measure_overtalk_between_speakers() -> None:
    spans = [TalkSpan("S0", Role.UNKNOWN, 0.0, 4.0), TalkSpan("S1", Role.UNKNOWN, 3.0, 6.0)]
    m = conversation_metrics(spans, {}, duration=6.0)
    assert m.overtalk_time == pytest.approx(1.0)
    assert set(m.by_role) == {Role.UNKNOWN}
