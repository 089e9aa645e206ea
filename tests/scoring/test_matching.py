"""The `phrase` criterion: roles, window edges, negation, proximity, regexes, turns."""

from __future__ import annotations

import pytest

from callqa.domain.records import Role
from callqa.scoring import Scorecard, score_call
from callqa.scoring.matching import compiled_scorecard
from tests.factories import make_transcript
from tests.helpers.scorecards import one_criterion, outcome

A, C, U = Role.AGENT, Role.CUSTOMER, Role.UNKNOWN


def phrase(
    phrases: str, *, window: str | None = None, role: str = "agent", mode: str = "required",
    negation: bool = True,
) -> Scorecard:
    return one_criterion(f"""\
        - id: check
          section: greeting
          kind: phrase
          points: 1
          role: {role}
          mode: {mode}
          negation: {str(negation).lower()}
          {"window: " + window if window else ""}
          phrases:
            en: {phrases}
        """)


def test_required_phrase_pass_fail_with_evidence_and_reason() -> None:
    scorecard = phrase("[thank you for calling, hello]")
    good = make_transcript([(A, 0, 3, "Thank you for calling Northwind."), (C, 3, 5, "Hi.")])
    result = score_call(good, scorecard).criterion("check")
    assert result.outcome == "pass" and result.points == 1
    assert [(e.utterance, e.role, e.matched) for e in result.evidence] == [
        (0, A, ("thank you for calling",))
    ]
    bad = make_transcript([(A, 0, 3, "Yeah, what do you need?"), (C, 3, 5, "Hi.")])
    result = score_call(bad, scorecard).criterion("check")
    assert result.outcome == "fail" and result.points == 0
    assert "searched the agent's utterances" in result.reason
    assert "'thank you for calling', 'hello'" in result.reason and "not found" in result.reason


def test_case_and_punctuation_do_not_matter() -> None:
    scorecard = phrase("[\"Thank you, for calling!\"]")
    asr = make_transcript([(A, 0, 3, "thank you for calling northwind")])
    assert outcome(scorecard, asr, "check") == "pass"


def test_only_the_criterion_role_counts() -> None:
    scorecard = phrase("[thank you for calling]")
    customer_says_it = make_transcript([(A, 0, 1, "Yes?"), (C, 1, 3, "Thank you for calling")])
    assert outcome(scorecard, customer_says_it, "check") == "fail"
    anyone = phrase("[thank you for calling]", role="any")
    assert outcome(anyone, customer_says_it, "check") == "pass"


def test_unknown_roles_are_not_applicable_not_failed() -> None:
    scorecard = phrase("[hello]")
    unknown = make_transcript([(U, 0, 2, "Yes, what?"), (U, 2, 4, "Hi there.")])
    result = score_call(unknown, scorecard).criterion("check")
    assert result.outcome == "na" and "roles are unknown" in result.reason


# --- windows --------------------------------------------------------------------------------

AGENT_TURNS = [
    (A, 1.0, 2.0, "Good morning."),
    (C, 2.0, 3.0, "Hi."),
    (A, 3.0, 4.0, "Sure."),
    (C, 4.0, 5.0, "Okay."),
    (A, 5.0, 6.0, "Anything else?"),
    (C, 6.0, 7.0, "No."),
    (A, 7.0, 8.0, "Goodbye."),
]


@pytest.mark.parametrize(
    ("window", "said", "expected"),
    [
        ("{first_turns: 2}", "sure", "pass"),  # the agent's 2nd turn: inside
        ("{first_turns: 2}", "anything else", "fail"),  # the 3rd turn: outside
        ("{last_turns: 2}", "anything else", "pass"),
        ("{last_turns: 2}", "sure", "fail"),
        ("{last_turns: 4, exclude_first_turns: 1}", "good morning", "fail"),
        ("{last_turns: 4, exclude_first_turns: 1}", "sure", "pass"),
        ("{exclude_first_turns: 3}", "goodbye", "pass"),
    ],
)
def test_turn_windows(window: str, said: str, expected: str) -> None:
    scorecard = phrase(f"[{said}]", window=window)
    assert outcome(scorecard, make_transcript(AGENT_TURNS), "check") == expected


def test_a_customer_backchannel_splits_agent_turns_but_noise_does_not() -> None:
    scorecard = phrase("[anything else]", window="{first_turns: 1}")
    # The pipeline splits "is there anything / else I can help with" at a pause: one turn.
    split = make_transcript([(A, 0, 1, "Is there anything"), (C, 1.0, 1.1, "[noise]"),
                             (A, 1.2, 2.0, "else I can help with?")])
    result = score_call(split, scorecard).criterion("check")
    assert result.outcome == "pass"
    assert [e.utterance for e in result.evidence] == [0, 2]
    interrupted = make_transcript([(A, 0, 1, "Is there anything"), (C, 1.0, 1.1, "Yes."),
                                   (A, 1.2, 2.0, "else I can help with?")])
    assert outcome(scorecard, interrupted, "check") == "fail"


@pytest.mark.parametrize(("start", "expected"), [(31.9, "pass"), (32.0, "fail")])
def test_first_seconds_edge_counts_from_the_first_speech(start: float, expected: str) -> None:
    # Speech begins at 2.0 s (ringing before it does not count): the window ends at 32.0 s.
    scorecard = phrase("[recorded line]", window="{first_seconds: 30}")
    transcript = make_transcript([(C, 2.0, 3.0, "Hello?"), (A, 3.0, 5.0, "Hi."),
                                  (A, start, start + 2, "You are on a recorded line.")])
    assert outcome(scorecard, transcript, "check") == expected


@pytest.mark.parametrize(("end", "expected"), [(80.1, "pass"), (80.0, "fail")])
def test_last_seconds_edge(end: float, expected: str) -> None:
    # The last speech ends at 100 s: the window holds utterances that end after 80 s.
    scorecard = phrase("[goodbye]", window="{last_seconds: 20}")
    transcript = make_transcript([(A, 0, 2, "Hello."), (A, end - 1, end, "Goodbye."),
                                  (C, 98, 100, "Thanks, bye.")])
    assert outcome(scorecard, transcript, "check") == expected


# --- negation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("I can help you with that.", "pass"),
        ("I can't help you with that.", "fail"),
        ("I cannot help you with that.", "fail"),
        ("i cant really help you", "fail"),
        ("I'm not able to help you.", "fail"),
        ("Don't worry, I can help you.", "pass"),  # a pseudo-negation
        ("No problem, I can help you.", "pass"),  # "no" is not a cue
    ],
)
def test_negation(said: str, expected: str) -> None:
    scorecard = phrase("[help you]")
    transcript = make_transcript([(A, 0, 3, said)])
    result = score_call(transcript, scorecard).criterion("check")
    assert result.outcome == expected
    if expected == "fail":
        assert "ignored as negated" in result.reason and result.evidence[0].matched == ()


def test_negation_stops_at_the_turn_and_can_be_turned_off() -> None:
    previous_turn = make_transcript([(C, 0, 1, "I am not"), (A, 1, 2, "help you now")])
    assert outcome(phrase("[help you]"), previous_turn, "check") == "pass"
    negated = make_transcript([(A, 0, 3, "I can't help you.")])
    assert outcome(phrase("[help you]", negation=False), negated, "check") == "pass"


# --- proximity ------------------------------------------------------------------------------

NEAR = "[{near: [[cancel, cancelled], [card, cards]], within: 3}]"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("I will cancel the card now", "pass"),  # 2 words apart
        ("I will cancel my debit card", "pass"),  # 3 apart: the edge
        ("I will cancel my old debit card", "fail"),  # 4 apart
        ("your card is cancelled", "pass"),  # either order
        ("I won't cancel the card", "fail (negated)"),  # a cue before the pair
        ("cancel, not the card", "fail (negated)"),  # a cue between the terms
        ("card", "fail"),
    ],
)
def test_proximity(said: str, expected: str) -> None:
    result = score_call(make_transcript([(A, 0, 3, said)]), phrase(NEAR)).criterion("check")
    assert result.outcome == expected.split()[0]
    assert ("ignored as negated" in result.reason) == expected.endswith("(negated)")


def test_proximity_never_spans_two_turns() -> None:
    transcript = make_transcript([(A, 0, 1, "I will cancel"), (C, 1, 2, "the card")])
    assert outcome(phrase(NEAR, role="any"), transcript, "check") == "fail"


# --- regexes and prohibited phrases ----------------------------------------------------------


def test_regex_on_normalised_text() -> None:
    scorecard = phrase("[{regex: '\\b\\d+ (?:dollars|a month)\\b'}]")
    assert outcome(scorecard, make_transcript([(A, 0, 2, "It's $15 a month.")]), "check") == "pass"
    assert outcome(scorecard, make_transcript([(A, 0, 2, "It's cheap.")]), "check") == "fail"
    across = make_transcript([(A, 0, 1, "it is 15"), (C, 1, 2, "a month?")])
    assert outcome(phrase("[{regex: '15 a month'}]", role="any"), across, "check") == "fail"


def test_prohibited_phrase_fails_with_the_offending_utterances() -> None:
    scorecard = phrase("[calm down, not my problem]", mode="prohibited")
    transcript = make_transcript([
        (A, 0, 1, "Yes?"), (C, 1, 3, "This is really frustrating!"),
        (A, 3, 5, "Calm down. That's not my problem."), (C, 5, 6, "Excuse me?"),
        (A, 6, 7, "Calm down, I said."),
    ])
    result = score_call(transcript, scorecard).criterion("check")
    assert result.outcome == "fail"
    assert [(e.utterance, e.matched) for e in result.evidence] == [
        (2, ("calm down", "not my problem")), (4, ("calm down",))
    ]
    assert "prohibited 'calm down', 'not my problem'" in result.reason
    polite = make_transcript([(A, 0, 2, "Hello, how can I help you?")])
    assert outcome(scorecard, polite, "check") == "pass"


def test_matchers_are_compiled_once_per_scorecard_and_language() -> None:
    scorecard = phrase("[hello]")
    first = compiled_scorecard(scorecard, "en")
    assert compiled_scorecard(scorecard, "en") is first
    equal_copy = phrase("[hello]")  # another object with the same content shares it
    assert compiled_scorecard(equal_copy, "en") is first
