"""`empathy`: judged only when the customer gives an occasion (a complaint, distress, a repeated
problem); then the agent must acknowledge it within their next few turns. No occasion is `na`,
never `fail`: an agent is not marked down for empathy nobody needed."""

from __future__ import annotations

from callqa.domain.records import Role
from callqa.scoring.criteria.common import (
    CallContext,
    Verdict,
    evidence_from_utterances,
    missing_role,
    quoted,
    seconds,
    where,
)
from callqa.scoring.matching import Hit
from callqa.scoring.scorecard import EmpathyCriterion


def judge_empathy(criterion: EmpathyCriterion, context: CallContext) -> Verdict:
    if (absent := missing_role(context, "customer") or missing_role(context, "agent")) is not None:
        return absent
    occasions_key = f"{criterion.id}.occasions"
    acknowledgements_key = f"{criterion.id}.acknowledgements"
    occasions = context.hits(occasions_key, "customer", drop_negated=criterion.negation)
    if not occasions:
        return Verdict(
            "na",
            "no occasion for empathy: the customer did not complain, sound distressed or report"
            f" a repeated problem (searched {where(context, None, 'customer')} for"
            f" {context.phrases(occasions_key)})",
        )
    acknowledgements = context.hits(acknowledgements_key, "agent", drop_negated=criterion.negation)
    # Occasions in one customer turn are one occasion: one acknowledgement answers them all.
    by_turn: dict[int, list[Hit]] = {}
    for hit in occasions:
        by_turn.setdefault(hit.turn, []).append(hit)
    answered: list[tuple[list[Hit], list[Hit]]] = []
    missed: list[tuple[list[Hit], list[int]]] = []
    for turn, hits in by_turn.items():
        following = _next_agent_turns(context, turn, criterion.within_agent_turns)
        replies = [h for h in acknowledgements if h.turn in following]
        if replies:
            answered.append((hits, replies))
        else:
            utterances = [u for t in following for u in context.view.turns[t].utterances]
            missed.append((hits, utterances))
    within = f"within the agent's next {criterion.within_agent_turns} turn(s)"
    passed = not missed if criterion.require == "each" else bool(answered)
    matched: dict[int, tuple[str, ...]] = {}
    for hits, replies in answered:
        for hit in (*hits, *replies):
            for index in hit.utterances:
                matched[index] = (*matched.get(index, ()), hit.text)
    if passed:
        hits, replies = answered[0]
        occasion_at = context.view.utterance(hits[0].utterances[0]).start
        reply_at = context.view.utterance(replies[0].utterances[0]).start
        return Verdict(
            "pass",
            f"the customer gave {len(by_turn)} occasion(s), first {quoted(h.text for h in hits)}"
            f" at {seconds(occasion_at)}; the agent acknowledged with"
            f" {quoted(h.text for h in replies)} at {seconds(reply_at)}, {within}",
            evidence_from_utterances(context, matched, matched),
        )
    hits, utterances = missed[0]
    for hit in hits:
        for index in hit.utterances:
            matched[index] = (*matched.get(index, ()), hit.text)
    occasion_at = context.view.utterance(hits[0].utterances[0]).start
    return Verdict(
        "fail",
        f"the customer said {quoted(h.text for h in hits)} at {seconds(occasion_at)} and the"
        f" agent did not acknowledge it {within} (searched for"
        f" {context.phrases(acknowledgements_key)}); {len(missed)} of {len(by_turn)}"
        " occasion(s) unanswered",
        evidence_from_utterances(context, [*matched, *utterances], matched),
    )


def _next_agent_turns(context: CallContext, after_turn: int, count: int) -> set[int]:
    found: set[int] = set()
    for turn in context.view.turns[after_turn + 1 :]:
        if len(found) == count:
            break
        if turn.role == Role.AGENT:
            found.add(turn.number)
    return found
