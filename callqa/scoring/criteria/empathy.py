"""`empathy`: judged only when the customer gives an occasion (a complaint, distress, a
bereavement, a repeated problem); then the agent must acknowledge it within their next few
turns. No occasion is `na`, never `fail`: an agent is not marked down for empathy nobody needed.

What does not acknowledge: a negated phrase ("I'm not sorry"), one that is asked ("Sorry?",
"do you understand?"), and one inside a stock phrase of the criterion's `scripted` set ("thank
you for your patience", "we apologise for any inconvenience", "sorry, could you repeat
that?"). Empathy owed and answered only with a stock phrase fails, and says so; the evidence
always starts at the customer's cue."""

from __future__ import annotations

from collections.abc import Sequence

from callqa.domain.records import Role
from callqa.scoring.criteria.clauses import asked
from callqa.scoring.criteria.common import (
    CallContext,
    Verdict,
    asked_note,
    at_time,
    evidence_from_utterances,
    missing_role,
    quoted,
    where,
)
from callqa.scoring.matching import Hit
from callqa.scoring.scorecard import EmpathyCriterion


def judge_empathy(criterion: EmpathyCriterion, context: CallContext) -> Verdict:
    if (absent := missing_role(context, "customer") or missing_role(context, "agent")) is not None:
        return absent
    occasions_key = f"{criterion.id}.occasions"
    acknowledgements_key = f"{criterion.id}.acknowledgements"
    scripted_key = f"{criterion.id}.scripted"
    occasions = context.hits(occasions_key, "customer", drop_negated=criterion.negation)
    if not occasions:
        return Verdict(
            "na",
            "no occasion for empathy: the customer did not complain, sound distressed or report"
            f" a repeated problem (searched {where(context, None, 'customer')} for"
            f" {context.phrases(occasions_key)})",
        )
    said = context.hits(acknowledgements_key, "agent", drop_negated=criterion.negation)
    scripted = context.hits(scripted_key, "agent", drop_negated=False)
    questions: list[Hit] = []
    verdicts: dict[Hit, bool] = {}  # an acknowledgement, once checked: does it count?

    def counts(hit: Hit) -> bool:
        """Not asked ("Sorry?") and not inside a stock phrase; checked only for replies."""
        if hit not in verdicts:
            question = asked(context, hit)
            if question:
                questions.append(hit)
            verdicts[hit] = not question and not _inside(hit, scripted)
        return verdicts[hit]

    # Occasions in one customer turn are one occasion: one acknowledgement answers them all.
    by_turn: dict[int, list[Hit]] = {}
    for hit in occasions:
        by_turn.setdefault(hit.turn, []).append(hit)
    answered: list[tuple[list[Hit], list[Hit]]] = []
    missed: list[tuple[list[Hit], list[int], list[Hit]]] = []
    for turn, hits in by_turn.items():
        following = _next_agent_turns(context, turn, criterion.within_agent_turns)
        replies = [h for h in said if h.turn in following and counts(h)]
        if replies:
            answered.append((hits, replies))
        else:
            utterances = [u for t in following for u in context.view.turns[t].utterances]
            stock = [h for h in scripted if h.turn in following]
            missed.append((hits, utterances, stock))
    within = f"within the agent's next {criterion.within_agent_turns} turn(s)"
    passed = not missed if criterion.require == "each" else bool(answered)
    matched: dict[int, tuple[str, ...]] = {}
    for hits, replies in answered:
        _mark(matched, [*hits, *replies])
    ignored = asked_note(context, questions)
    if passed:
        hits, replies = answered[0]
        occasion_at = at_time(context, hits[0].utterances[0])
        reply_at = at_time(context, replies[0].utterances[0])
        return Verdict(
            "pass",
            f"the customer gave {len(by_turn)} occasion(s), first {quoted(h.text for h in hits)}"
            f"{occasion_at}; the agent acknowledged with"
            f" {quoted(h.text for h in replies)}{reply_at}, {within}{ignored}",
            evidence_from_utterances(context, matched, matched),
        )
    hits, utterances, stock = missed[0]
    _mark(matched, [*hits, *stock])
    first = hits[0].utterances[0]
    occasion_at = at_time(context, first)
    if stock:
        answer = (
            f"the agent answered only with the stock phrase {quoted(h.text for h in stock)}"
            f" (utterance {stock[0].utterances[0]}), which acknowledges nothing"
        )
    else:
        answer = (
            f"the agent did not acknowledge it {within} (searched for"
            f" {context.phrases(acknowledgements_key)})"
        )
    return Verdict(
        "fail",
        f"empathy owed: the customer said {quoted(h.text for h in hits)}{occasion_at}"
        f" (utterance {first}) and {answer}; {len(missed)} of"
        f" {len(by_turn)} occasion(s) unanswered{ignored}",
        evidence_from_utterances(context, [*matched, *utterances], matched),
    )


def _inside(hit: Hit, scripted: Sequence[Hit]) -> bool:
    """Whether `hit` lies within a stock phrase ("sorry" in "sorry for any inconvenience")."""
    return any(s.start <= hit.start and hit.end <= s.end for s in scripted)


def _mark(matched: dict[int, tuple[str, ...]], hits: Sequence[Hit]) -> None:
    for hit in hits:
        for index in hit.utterances:
            if hit.text not in matched.get(index, ()):
                matched[index] = (*matched.get(index, ()), hit.text)



def _next_agent_turns(context: CallContext, after_turn: int, count: int) -> set[int]:
    found: set[int] = set()
    for turn in context.view.turns[after_turn + 1 :]:
        if len(found) == count:
            break
        if turn.role == Role.AGENT:
            found.add(turn.number)
    return found
