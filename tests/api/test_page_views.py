"""The pages' display data, as pure functions: evidence marked in a line's text, the
conversation timeline, the review form's defaults and the trend plots."""

from __future__ import annotations

from datetime import date

from callqa.api.pages import plots, views
from callqa.domain.records import ConversationMetrics, Role
from callqa.domain.reviews import CriterionVerdicts, ReviewedCriterion
from callqa.domain.scores import Evidence
from callqa.services.pages import Series, Trend
from tests.factories import build_transcript, utterance


def _verdict(criterion: str, automatic: str, human: str | None = None, reason: str | None = None,
             evidence: tuple[Evidence, ...] = ()) -> CriterionVerdicts:
    return CriterionVerdicts(criterion_id=criterion, automatic=automatic, human=human,
                             effective=human or automatic, reason=reason, evidence=evidence)


def test_matched_phrases_are_marked_in_the_line() -> None:
    transcript = build_transcript([
        utterance("agent", 0, 3, "Thank you for calling, this is Maria."),
        utterance("customer", 3.5, 5, "我的账单被重复扣费了")])
    found = Evidence(utterance=0, speaker="S0", role=Role.AGENT, start=0, end=3,
                     text="", matched=("thank you for calling", "maria"))
    chinese = Evidence(utterance=1, speaker="S1", role=Role.CUSTOMER, start=3.5, end=5,
                       text="", matched=("重复扣费",))
    lines = views.transcript_lines(transcript, [_verdict("greeting", "pass",
                                                         evidence=(found,)),
                                                _verdict("empathy", "fail",
                                                         evidence=(chinese,))])
    assert [(s.text, s.matched) for s in lines[0].segments] == [
        ("Thank you for calling", True), (", this is ", False), ("Maria", True), (".", False)]
    assert [(s.text, s.matched) for s in lines[1].segments] == [
        ("我的账单被", False), ("重复扣费", True), ("了", False)]
    assert [m.criterion_id for m in lines[0].evidence] == ["greeting"]


def test_the_timeline_draws_talk_and_long_silences_in_percent() -> None:
    transcript = build_transcript([utterance("agent", 0, 2, "hello there"),
                                   utterance("customer", 6, 8, "hi")], duration=10)
    rows = {r.css: r for r in views.timeline(transcript)}
    assert [(s.left, s.width) for s in rows["agent"].spans] == [(0.0, 20.0)]
    assert [(s.left, s.width) for s in rows["silence"].spans] == [(20.0, 40.0), (80.0, 20.0)]


def test_the_timeline_says_only_the_measures_an_import_gave() -> None:
    """An imported transcript may give the silence share but not the longest silence, and
    no overtalk at all (callqa.import/1): the rows say what is known, nothing else."""
    given = ConversationMetrics(non_talk_share=0.42)
    transcript = build_transcript([utterance("agent", 0, 2, "hello there"),
                                   utterance("customer", 6, 8, "hi")], duration=10)
    transcript = transcript.model_copy(update={"metrics": given})
    rows = {r.css: r for r in views.timeline(transcript)}
    assert rows["silence"].summary == "42% of the call"
    assert rows["overtalk"].summary == ""


def test_an_import_without_times_has_no_timeline() -> None:
    """Its utterances are stored at 0-0 s: a timeline would draw nothing true."""
    from callqa.domain.records import TranscriptSource

    transcript = build_transcript([utterance("agent", 0, 0, "hello there"),
                                   utterance("customer", 0, 0, "hi")], duration=45)
    assert views.timeline(transcript)  # timed: drawn
    untimed = transcript.model_copy(update={"source": TranscriptSource(timed=False)})
    assert views.timeline(untimed) == []


def test_the_review_form_keeps_the_current_human_verdict() -> None:
    verdicts = [_verdict("greeting", "fail", "pass", "said in other words"),
                _verdict("closing", "pass")]
    mine = {"closing": ReviewedCriterion(id="closing", outcome="fail", reason="cut off")}
    rows = {r.criterion_id: r for r in views.review_form(verdicts, mine)}
    assert (rows["greeting"].outcome, rows["greeting"].reason) == ("pass",
                                                                   "said in other words")
    assert (rows["closing"].outcome, rows["closing"].reason) == ("fail", "cut off")


def test_a_trend_plot_scales_percentages_and_says_the_latest_week() -> None:
    weeks = [date(2026, 11, 2), date(2026, 11, 9)]
    trend = Trend(measure="resolved", label="FCR", percent=True,
                  subject=Series(name="a01", points=[(weeks[0], 0.5), (weeks[1], 1.0)]),
                  reference=Series(name="centre", points=[(weeks[0], None), (weeks[1], 0.8)]))
    plot = plots.trend_plot(trend)
    assert len(plot.subject.dots) == 2 and len(plot.reference.dots) == 1
    assert plot.subject.dots[1][1] == plots.TOP  # 100% at the top
    assert plot.summary == "FCR: week of 09 Nov a01 100%, centre 80%"
