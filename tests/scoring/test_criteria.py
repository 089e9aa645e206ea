"""Each criterion kind: pass, fail and na, on small transcripts with known roles."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from callqa.domain.records import CallMetadata, ConversationMetrics, Role, RoleMetrics
from callqa.scoring import CriterionResult, Scorecard, score_call
from callqa.scoring.names import name_similarity
from tests.factories import Turn, make_transcript
from tests.helpers.scorecards import one_criterion

A, C = Role.AGENT, Role.CUSTOMER

GREETING_BY_NAME = one_criterion("""\
    - id: greeting_by_name
      section: greeting
      kind: greeting_by_name
      points: 1
      window: {first_turns: 4}
      name_forms:
        en: ["{first}", "{title} {last}", "{first} {last}"]
      titles:
        en: [mr, mister, mrs, ms, miss, dr]
    """)


def judged(
    scorecard: Scorecard, turns: Sequence[Turn], metadata: CallMetadata | None = None
) -> CriterionResult:
    return score_call(make_transcript(turns, metadata=metadata), scorecard).criteria[0]


def customer(name: str) -> CallMetadata:
    return CallMetadata(customer_name=name, agent_name="Maria Lopez")


# --- greeting_by_name ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "heard"),
    [
        ("Good morning, Mrs. Brown, how can I help?", "mrs brown"),
        ("thank you patricia", "patricia"),
        ("hi patrisha how can i help", "patrisha"),  # an ASR misspelling
        ("okay patricia brown let me check", "patricia brown"),
        ("thanks mister brown", "mister brown"),
    ],
)
def test_greeting_by_name_passes_on_any_form(said: str, heard: str) -> None:
    result = judged(GREETING_BY_NAME, [(A, 0, 2, "Hello."), (C, 2, 4, "Hi."), (A, 4, 6, said)],
                    customer("Patricia Brown"))
    assert result.outcome == "pass", result.reason
    assert result.evidence[0].utterance == 2 and result.evidence[0].matched == (heard,)
    assert "'Patricia Brown'" in result.reason


@pytest.mark.parametrize(
    "said",
    [
        "Hello, how can I help you?",
        "It's in the brown envelope.",  # a bare last name is not a form
        "Let me file a report.",  # not Robert: too different
    ],
)
def test_greeting_by_name_fails_without_the_name(said: str) -> None:
    for name in ("Patricia Brown", "Robert Jones"):
        result = judged(GREETING_BY_NAME, [(A, 0, 2, said)], customer(name))
        assert result.outcome == "fail"
        assert "searched the agent's first 4 turns" in result.reason and name in result.reason


def test_only_the_agent_saying_the_name_counts() -> None:
    result = judged(GREETING_BY_NAME, [(A, 0, 1, "Hello?"), (C, 1, 3, "This is Patricia Brown.")],
                    customer("Patricia Brown"))
    assert result.outcome == "fail"


def test_greeting_by_name_window_edge() -> None:
    turns: list[tuple[Role, float, float, str]] = []
    for n in range(5):
        turns += [(A, 2 * n, 2 * n + 1, "Okay." if n < 4 else "Thanks, Patricia."),
                  (C, 2 * n + 1, 2 * n + 2, "Yes.")]
    assert judged(GREETING_BY_NAME, turns, customer("Patricia Brown")).outcome == "fail"
    turns[6] = (A, 6, 7, "Thanks, Patricia.")  # the agent's 4th turn
    assert judged(GREETING_BY_NAME, turns, customer("Patricia Brown")).outcome == "pass"


def test_a_title_in_the_crm_name_is_not_the_first_name() -> None:
    said = [(A, 0, 2, "Good morning, John.")]
    assert judged(GREETING_BY_NAME, said, customer("Dr. John Smith")).outcome == "pass"
    said = [(A, 0, 2, "Good morning, doctor.")]
    assert judged(GREETING_BY_NAME, said, customer("Dr. John Smith")).outcome == "fail"


def test_greeting_by_name_is_not_applicable_without_a_name() -> None:
    said: list[tuple[Role, float, float, str]] = [(A, 0, 2, "Hello Patricia.")]
    for metadata in (None, CallMetadata(agent_name="Maria")):
        result = judged(GREETING_BY_NAME, said, metadata)
        assert result.outcome == "na" and "no customer_name" in result.reason


def test_a_first_name_that_is_a_common_word_needs_a_title() -> None:
    hold = [(A, 0, 2, "Will you hold for a moment?")]
    assert judged(GREETING_BY_NAME, hold, customer("Will Smith")).outcome == "fail"
    titled = [(A, 0, 2, "Thank you, Mr Smith.")]
    assert judged(GREETING_BY_NAME, titled, customer("Will Smith")).outcome == "pass"


@pytest.mark.parametrize(
    ("heard", "name", "similar"),
    [
        ("patrisha", "patricia", True),
        ("jenifer", "jennifer", True),
        ("davies", "davis", True),
        ("elisabeth", "elizabeth", True),
        ("will", "williams", False),  # a prefix is not the name
        ("report", "robert", False),
        ("family", "emily", False),
        ("and", "ann", False),  # names of three letters must match exactly
        ("ann", "ann", True),
    ],
)
def test_name_similarity(heard: str, name: str, similar: bool) -> None:
    assert (name_similarity(heard, name) >= 0.85) == similar


# --- agent_introduction --------------------------------------------------------------------

INTRODUCTION = one_criterion("""\
    - id: agent_introduction
      section: greeting
      kind: agent_introduction
      points: 1
      window: {first_turns: 2}
      phrases:
        en: [my name is, youre speaking with, you are speaking with]
    """)


@pytest.mark.parametrize(
    ("said", "agent_name", "expected", "why"),
    [
        ("Thanks for calling, Maria speaking.", "Maria Lopez", "pass", "their name 'maria'"),
        ("thanks for calling mariah speaking", "Maria Lopez", "pass", "their name 'mariah'"),
        ("My name is Alyssa.", "Elizabeth", "pass", "was not heard"),  # phrase, name misheard
        ("My name is Tom.", None, "pass", "no agent_name"),
        ("Yes, what do you need?", "James Carter", "fail", "'James Carter' or an introduction"),
        ("Hello, how can I help?", None, "fail", "an introduction"),
    ],
)
def test_agent_introduction(said: str, agent_name: str | None, expected: str, why: str) -> None:
    result = judged(INTRODUCTION, [(A, 0, 2, said)], CallMetadata(agent_name=agent_name))
    assert result.outcome == expected and why in result.reason, result.reason


# --- empathy -------------------------------------------------------------------------------


def empathy(within: int = 2, require: str = "each") -> Scorecard:
    return one_criterion(f"""\
        - id: empathy
          section: empathy
          kind: empathy
          points: 1
          within_agent_turns: {within}
          require: {require}
          occasions:
            en: [frustrated, upset, again, {{near: [[still], [not, broken]], within: 2}}]
          acknowledgements:
            en: [sorry, i understand, apologize]
        """)


def test_empathy_is_not_applicable_without_an_occasion() -> None:
    result = judged(empathy(), [(A, 0, 1, "Hello."), (C, 1, 3, "I'd like a faster plan.")])
    assert result.outcome == "na" and "no occasion" in result.reason


def test_a_negated_occasion_is_no_occasion() -> None:
    result = judged(empathy(), [(A, 0, 1, "Hello."), (C, 1, 3, "I'm not upset, just asking.")])
    assert result.outcome == "na"


def test_empathy_passes_when_the_agent_acknowledges_the_occasion() -> None:
    result = judged(empathy(), [
        (A, 0, 1, "Hello."), (C, 1, 3, "My internet is still not working, I'm so frustrated."),
        (A, 3, 5, "I'm sorry to hear that, let me check."),
    ])
    assert result.outcome == "pass"
    assert {e.role for e in result.evidence} == {A, C}
    assert "'still not'" in result.reason or "'frustrated'" in result.reason


def test_empathy_fails_when_the_agent_ignores_it() -> None:
    result = judged(empathy(), [
        (A, 0, 1, "Yes?"), (C, 1, 3, "It's broken again. This is really upsetting, I'm upset."),
        (A, 3, 4, "Did you restart the router?"), (C, 4, 5, "Yes."), (A, 5, 6, "Calm down."),
        (A, 20, 21, "Sorry about the wait."),  # still the agent's 2nd turn after it
    ])
    assert result.outcome == "pass"  # the apology came within the agent's next 2 turns
    result = judged(empathy(), [
        (A, 0, 1, "Yes?"), (C, 1, 3, "It's broken again and I'm upset."),
        (A, 3, 4, "Did you restart the router?"), (C, 4, 5, "Yes."), (A, 5, 6, "Calm down."),
        (C, 6, 7, "What?"), (A, 7, 8, "Sorry."),  # the 3rd agent turn: too late
    ])
    assert result.outcome == "fail"
    assert "did not acknowledge it within the agent's next 2 turn(s)" in result.reason
    assert [e.utterance for e in result.evidence] == [1, 2, 4]  # the occasion and the replies


def test_empathy_within_agent_turns_and_require() -> None:
    turns = [
        (C, 0, 1, "I'm upset."), (A, 1, 2, "Okay."), (C, 2, 3, "Hm."), (A, 3, 4, "Right."),
        (C, 4, 5, "So?"), (A, 5, 6, "I'm sorry."), (C, 6, 7, "And it's broken again."),
        (A, 7, 8, "Next question."),
    ]
    assert judged(empathy(within=2), turns).outcome == "fail"
    assert judged(empathy(within=3), turns).outcome == "fail"
    assert judged(empathy(within=3, require="any"), turns).outcome == "pass"


def test_an_apology_before_the_occasion_does_not_count() -> None:
    result = judged(empathy(), [(A, 0, 1, "Sorry for the wait."), (C, 1, 2, "I'm upset.")])
    assert result.outcome == "fail"


# --- resolution ----------------------------------------------------------------------------

RESOLUTION = one_criterion("""\
    - id: resolution_confirmed
      section: resolution
      kind: resolution
      points: 1
      agent_confirms:
        en: [all done, ive applied, has been sent]
      customer_confirms:
        en: [that works, its working now]
      agent_unresolved:
        en: [call back later, cant do that, transfer you]
      customer_unresolved:
        en: [still not working]
    """)


@pytest.mark.parametrize(
    ("turns", "expected", "why"),
    [
        ([(A, 0, 2, "I've applied the credit, it's all done.")], "pass", "'ive applied'"),
        ([(A, 0, 2, "Try now."), (C, 2, 3, "Yes, it's working now.")], "pass", "by the customer"),
        ([(A, 0, 2, "Okay, bye.")], "fail", "no confirmation"),
        ([(A, 0, 2, "I can't do that, call back later.")], "fail", "non-resolution cue"),
        ([(A, 0, 2, "Let me transfer you.")], "fail", "'transfer you'"),
        # The last cue decides.
        ([(A, 0, 2, "I can't do that online."), (A, 3, 5, "But I've applied it, all done.")],
         "pass", "earlier non-resolution cue"),
        ([(A, 0, 2, "It's all done."), (C, 2, 4, "It's still not working.")],
         "fail", "after the confirmation"),
        ([(A, 0, 2, "You won't need to call back later, it's all done.")], "pass", "all done"),
    ],
)
def test_resolution(turns: Sequence[Turn], expected: str, why: str) -> None:
    result = judged(RESOLUTION, turns)
    assert result.outcome == expected and why in result.reason, result.reason


# --- metric --------------------------------------------------------------------------------


def metrics(non_talk_share: float = 0.1, agent_share: float = 0.5) -> ConversationMetrics:
    return ConversationMetrics(
        handle_time=100, talk_time=90, non_talk_time=10, non_talk_share=non_talk_share,
        longest_silence=5, overtalk_time=1, overtalk_count=1,
        by_role={Role.AGENT: RoleMetrics(talk_time=45, talk_share=agent_share,
                                         longest_monologue=20, interruptions=1)},
    )


METRICS = one_criterion("""\
    - {id: dead_air, section: active_listening, kind: metric, points: 1, metric: non_talk_share,
       max: 0.3}
    - {id: talk_balance, section: active_listening, kind: metric, points: 1, metric: talk_share,
       role: agent, min: 0.25, max: 0.7}
    - {id: customer_share, section: active_listening, kind: metric, points: 1,
       metric: talk_share, role: customer, min: 0.2}
    """)


def test_metric_thresholds() -> None:
    said = [(A, 0, 2, "Hello.")]
    result = score_call(make_transcript(said, metrics=metrics()), METRICS)
    assert [c.outcome for c in result.criteria] == ["pass", "pass", "na"]
    assert result.criterion("dead_air").value == 0.1
    assert "no metrics for the customer" in result.criterion("customer_share").reason
    result = score_call(
        make_transcript(said, metrics=metrics(0.45, 0.8)), METRICS
    )
    assert [c.outcome for c in result.criteria[:2]] == ["fail", "fail"]
    assert "non_talk_share 0.45 is above the maximum 0.3" in result.criterion("dead_air").reason
    assert "0.8 is above the maximum 0.7" in result.criterion("talk_balance").reason


def test_metric_is_not_applicable_without_metrics() -> None:
    result = score_call(make_transcript([(A, 0, 2, "Hello.")]), METRICS)
    assert {c.outcome for c in result.criteria} == {"na"}
    assert "no conversation metrics" in result.criteria[0].reason


# --- applicability -------------------------------------------------------------------------


def test_when_limits_a_criterion_to_some_calls() -> None:
    scorecard = one_criterion("""\
        - id: greeting
          section: greeting
          kind: phrase
          points: 1
          when: {directions: [inbound], min_duration: 10}
          phrases: {en: [hello]}
        """)
    long_call = [(A, 0, 2, "Yes?"), (C, 2, 12, "Hi.")]
    inbound = CallMetadata(direction="inbound")
    outbound = CallMetadata(direction="outbound")
    assert judged(scorecard, long_call, inbound).outcome == "fail"
    assert judged(scorecard, long_call, None).outcome == "fail"
    result = judged(scorecard, long_call, outbound)
    assert result.outcome == "na" and "this call is outbound" in result.reason
    result = judged(scorecard, [(A, 0, 2, "Yes?")], inbound)
    assert result.outcome == "na" and "at least 10 s" in result.reason
