"""Empathy and resolution as a QA analyst judges them (issue 12): owed and missing, stock
phrases, bereavement, repeated complaints; resolutions contradicted, deferred or confirmed by
the customer; negated and asked cues. The bundled default scorecard, on small calls."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from callqa.domain.records import Role
from callqa.scoring import CriterionResult, choose_scorecard, score_call
from tests.factories import Turn, make_transcript
from tests.helpers.scorecards import one_criterion

A, C = Role.AGENT, Role.CUSTOMER


def judged(turns: Sequence[tuple[Role, str]], criterion: str, language: str = "en"
           ) -> CriterionResult:
    """`turns` (role, text), 3 s each, scored with the bundled default scorecard."""
    timed: list[Turn] = [(role, 3.0 * i, 3.0 * i + 2.5, text)
                         for i, (role, text) in enumerate(turns)]
    transcript = make_transcript(timed, language=language)
    return score_call(transcript, choose_scorecard(None)).criterion(criterion)


def empathy(*turns: tuple[Role, str], language: str = "en") -> CriterionResult:
    return judged(turns, "empathy", language)


def resolution(*turns: tuple[Role, str], language: str = "en") -> CriterionResult:
    return judged(turns, "resolution_confirmed", language)


# --- empathy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "occasion", "reply"),
    [
        ("en", "My husband passed away last month, I need to close his account.",
         "Okay, do you have the account number?"),
        ("en", "As I said to the last person, the bill is wrong again.", "Account number?"),
        ("en", "I'm panicking, my wallet was stolen.", "Card number?"),
        ("fa", "پدرم هفته پیش فوت کردن، می‌خواستم خطشون رو باطل کنم.", "کد ملی رو بگید."),
        ("fa", "این سومین باره که زنگ می‌زنم، اعصابم خرد شده.", "شماره اشتراک؟"),
        ("zh", "我母亲刚过世，她的账户怎么处理？", "请提供身份证号。"),
        ("zh", "我已經打了四次了，氣死我了！", "您的手機號碼？"),  # traditional characters
    ],
)
def test_empathy_owed_and_not_given_fails_with_the_customers_cue_as_evidence(
    language: str, occasion: str, reply: str
) -> None:
    result = empathy((A, "Hello."), (C, occasion), (A, reply), language=language)
    assert result.outcome == "fail", result.reason
    assert result.reason.startswith("empathy owed: the customer said")
    first = result.evidence[0]
    assert first.utterance == 1 and first.role == C and first.matched
    assert [e.utterance for e in result.evidence] == [1, 2]  # the cue, then the agent's reply


@pytest.mark.parametrize(
    ("language", "occasion", "reply"),
    [
        ("en", "My mum died last week.", "I'm so sorry for your loss."),
        ("en", "I'm really fed up, this is the third time.", "I hear you, let me fix it."),
        ("fa", "مادرم به رحمت خدا رفتن.", "خدا رحمتشون کنه، تسلیت می‌گم."),
        ("fa", "برنامه‌تون مدام هنگ می‌کنه، اعصابم خرد شده.", "کاملاً درکتون می‌کنم."),
        ("zh", "我父亲上个月去世了。", "请您节哀。"),
        ("zh", "我的卡被盗刷了，我很担心。", "您别着急，我马上帮您冻结。"),
    ],
)
def test_an_acknowledgement_that_answers_the_customer_passes(
    language: str, occasion: str, reply: str
) -> None:
    result = empathy((A, "Hello."), (C, occasion), (A, reply), language=language)
    assert result.outcome == "pass", result.reason
    assert {e.role for e in result.evidence} == {A, C}


@pytest.mark.parametrize(
    ("language", "occasion", "reply", "stock"),
    [
        ("en", "This is ridiculous, forty minutes on hold.",
         "Thank you for your patience. Can I have your postcode?", "thank you for your patience"),
        ("en", "I'm so frustrated with this late fee.",
         "I apologise for any inconvenience caused. Account number?",
         "apologise for any inconvenience"),
        ("en", "It's wrong again!", "Sorry, could you repeat that?", "sorry could you"),
        ("fa", "سه ساعته پشت خطم، خیلی عصبانی‌ام.", "از صبر و شکیبایی شما سپاسگزاریم.",
         "از صبر و شکیبایی"),
        ("zh", "我等了半个小时了，太过分了！", "感谢您的耐心等待。请问手机号？", "感谢您的耐心"),
        ("zh", "你們一直沒處理，我已經打了四次了！", "造成您的不便，敬請見諒。", "造成您的不便"),
    ],
)
def test_a_stock_phrase_alone_acknowledges_nothing(
    language: str, occasion: str, reply: str, stock: str
) -> None:
    result = empathy((A, "Hello."), (C, occasion), (A, reply), language=language)
    assert result.outcome == "fail", result.reason
    assert "only with the stock phrase" in result.reason
    assert any(stock in matched for e in result.evidence if e.role == A for matched in e.matched)


def test_a_stock_phrase_with_a_real_acknowledgement_passes() -> None:
    result = empathy(
        (A, "Hello."), (C, "This is the third time I've called about the same credit."),
        (A, "Thanks for your patience, and I'm really sorry it took three calls."),
    )
    assert result.outcome == "pass", result.reason


@pytest.mark.parametrize(
    "reply",
    [
        "Look, I'm not sorry, those are the rules.",  # negated
        "Sorry?",  # asked: "pardon?"
        "Do you understand your bill?",  # asked
    ],
)
def test_negated_and_asked_acknowledgements_do_not_count(reply: str) -> None:
    result = empathy((A, "Hello."), (C, "I'm really upset about this bill."), (A, reply))
    assert result.outcome == "fail", result.reason


def test_a_negation_in_an_earlier_sentence_does_not_negate() -> None:
    said = [(A, "Hello."), (C, "I'm really upset about this bill.")]
    # "not" ends a sentence before "sorry": the transcript's punctuation shows it.
    assert empathy(*said, (A, "That's not right. Sorry about that.")).outcome == "pass"
    # Without punctuation "not right sorry" cannot be told from "not sorry": negated.
    assert empathy(*said, (A, "thats not sorry about that")).outcome == "fail"


def test_a_negated_occasion_is_none() -> None:
    result = empathy((A, "Hello."), (C, "I'm not angry, I just want to understand a charge."),
                     (A, "Sure."))
    assert result.outcome == "na"


def test_a_request_to_repeat_is_no_occasion() -> None:
    result = empathy((A, "Your reference is four four seven."), (C, "Can you say that again?"),
                     (A, "Four four seven."))
    assert result.outcome == "na"


# --- resolution -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "claim", "contradiction"),
    [
        ("en", "I've fixed the fault, it should work now.",
         "I just tried and it still doesn't work."),
        ("fa", "درست شد، الان امتحان کنید.", "هنوز کار نمی‌کنه."),
        ("zh", "已经帮您修复好了，您试一下。", "还是不行，还是打不开。"),
    ],
)
def test_a_resolution_contradicted_by_the_customer_fails_with_both_utterances(
    language: str, claim: str, contradiction: str
) -> None:
    result = resolution((A, "Hello."), (A, claim), (C, contradiction), language=language)
    assert result.outcome == "fail", result.reason
    assert "the customer contradicts it" in result.reason
    assert [e.utterance for e in result.evidence] == [1, 2]
    assert all(e.matched for e in result.evidence)


@pytest.mark.parametrize(
    ("language", "deferral", "reply"),
    [
        ("en", "I've passed this to billing, someone will call you back tomorrow.",
         "Okay, thanks."),
        ("en", "I'll raise a ticket and an engineer will call you within 48 hours.",
         "That works for me."),
        ("fa", "درخواستتون ثبت شد، همکاران ظرف ۴۸ ساعت باهاتون تماس می‌گیرن.", "باشه، ممنون."),
        ("zh", "我帮您提交工单，后台会在三个工作日内联系您。", "好的，明白了。"),
    ],
)
def test_a_deferral_without_confirmation_is_not_resolved(
    language: str, deferral: str, reply: str
) -> None:
    result = resolution((A, "Hello."), (A, deferral), (C, reply), language=language)
    assert result.outcome == "fail", result.reason
    assert "non-resolution cue" in result.reason


def test_accepting_a_deferral_confirms_nothing() -> None:
    result = resolution((A, "Someone will call you back tomorrow."), (C, "That works, thanks."))
    assert result.outcome == "fail"
    assert "accepts it and confirms nothing done" in result.reason
    assert [e.utterance for e in result.evidence] == [0, 1]


def test_a_deferral_the_agent_then_resolves_passes() -> None:
    result = resolution(
        (A, "I'll raise a ticket for that... actually, let me try one more thing."),
        (A, "I've reset your password, can you try now?"), (C, "Yes, I'm in. Thanks!"),
    )
    assert result.outcome == "pass", result.reason


@pytest.mark.parametrize(
    ("language", "instruction", "confirmation"),
    [
        ("en", "Could you restart the router?", "Oh, there we go, it's working now."),
        ("fa", "لطفاً مودم رو خاموش و روشن کنید.", "آره، الان وصل شد. مرسی."),
        ("zh", "您把飞行模式关掉再打开试试。", "对对，现在能打电话了。"),
    ],
)
def test_the_customer_confirming_it_works_passes(
    language: str, instruction: str, confirmation: str
) -> None:
    result = resolution((A, instruction), (C, confirmation), language=language)
    assert result.outcome == "pass", result.reason
    assert "by the customer" in result.reason


@pytest.mark.parametrize(
    ("language", "role", "question"),
    [
        ("en", A, "Let me check the box. Is it all done on your side?"),
        ("en", A, "has that been fixed"),  # no punctuation: the inverted "has that" asks
        ("en", C, "So is it working now?"),
        ("fa", A, "برنامه رو دوباره نصب کنید. مشکل حل شد؟"),
        ("fa", A, "آیا درست شد"),
        ("zh", A, "您重启一下。问题已经解决了吗？"),
        ("zh", A, "问题已经解决了没有"),  # no punctuation: the particle closes the question
        ("zh", C, "现在能用了吗"),
    ],
)
def test_an_asked_confirmation_confirms_nothing(language: str, role: Role, question: str
                                               ) -> None:
    result = resolution((A, "Hello."), (role, question), (C, "..."), language=language)
    assert result.outcome == "fail", result.reason
    assert "ignored as asked, not said" in result.reason


def test_an_asked_confirmation_is_named_in_the_reason() -> None:
    result = resolution((A, "Has it been fixed?"), (C, "I don't know."))
    assert "ignored as asked, not said: 'been fixed'" in result.reason


def test_a_question_with_a_negation_is_no_non_resolution_cue() -> None:
    # ASR heard "can't" in "is there anything else I can help with".
    result = resolution((A, "I've removed the late fee, it's all done."),
                        (A, "Is there anything else I can't help with today?"))
    assert result.outcome == "pass", result.reason


@pytest.mark.parametrize(
    "said",
    [
        "I haven't been able to fix it, it's not fixed yet.",
        "I couldn't reset it from here.",
    ],
)
def test_negated_confirmations_do_not_count(said: str) -> None:
    assert resolution((A, said)).outcome == "fail"


def test_the_customers_no_is_not_a_negation_in_persian() -> None:
    # "No, no more problem, it works": نه answers, it does not negate.
    result = resolution((A, "لطفاً یه بار خاموش و روشن کنید."),
                        (C, "نه، دیگه مشکلی نیست، درست شد."), language="fa")
    assert result.outcome == "pass", result.reason


# --- the scripted set is optional -----------------------------------------------------------


def test_a_scorecard_without_a_scripted_set_counts_every_acknowledgement() -> None:
    scorecard = one_criterion("""\
        - id: empathy
          section: empathy
          kind: empathy
          points: 1
          occasions: {en: [upset]}
          acknowledgements: {en: [sorry]}
        """)
    transcript = make_transcript([(C, 0, 1, "I'm upset."),
                                  (A, 1, 2, "Sorry for any inconvenience.")])
    assert score_call(transcript, scorecard).criterion("empathy").outcome == "pass"
