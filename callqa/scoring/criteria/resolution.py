"""`resolution`: the agent confirms the request was done, or the customer confirms it works.
Non-resolution cues (call back later, can't do that, a transfer) fail it. The last cue in the
call decides: "I can't do that online... I've applied the credit, it's all done" passes, "I've
updated it... for the refund you'll have to call back later" fails."""

from __future__ import annotations

from callqa.scoring.criteria.common import (
    CallContext,
    Verdict,
    evidence_from_hits,
    missing_role,
    quoted,
    seconds,
)
from callqa.scoring.matching import Hit
from callqa.scoring.scorecard import ResolutionCriterion


def judge_resolution(criterion: ResolutionCriterion, context: CallContext) -> Verdict:
    if (absent := missing_role(context, "agent")) is not None:
        return absent
    prefix = criterion.id
    drop = criterion.negation
    confirmed = context.hits(f"{prefix}.agent_confirms", "agent", drop_negated=drop) + (
        context.hits(f"{prefix}.customer_confirms", "customer", drop_negated=drop)
    )
    unresolved = context.hits(f"{prefix}.agent_unresolved", "agent", drop_negated=drop) + (
        context.hits(f"{prefix}.customer_unresolved", "customer", drop_negated=drop)
    )
    if not confirmed and not unresolved:
        return Verdict(
            "fail",
            "no confirmation that the request was done: searched the agent's utterances for"
            f" {context.phrases(f'{prefix}.agent_confirms')} and the customer's for"
            f" {context.phrases(f'{prefix}.customer_confirms')}: not found",
        )
    last_confirmed = max(confirmed, key=_position, default=None)
    last_unresolved = max(unresolved, key=_position, default=None)
    if last_unresolved is not None and (
        last_confirmed is None or _position(last_unresolved) > _position(last_confirmed)
    ):
        after = (
            f", after the confirmation {_said(context, last_confirmed)}"
            if last_confirmed is not None
            else ", with no confirmation"
        )
        return Verdict(
            "fail",
            f"non-resolution cue {_said(context, last_unresolved)}{after};"
            f" all cues: {quoted(h.text for h in unresolved)}",
            evidence_from_hits(context, unresolved),
        )
    assert last_confirmed is not None
    earlier = (
        f"; the earlier non-resolution cue(s) {quoted(h.text for h in unresolved)} were followed"
        " by it"
        if unresolved
        else ""
    )
    return Verdict(
        "pass",
        f"confirmed: {_said(context, last_confirmed)}; all confirmations:"
        f" {quoted(h.text for h in sorted(confirmed, key=_position))}{earlier}",
        evidence_from_hits(context, [*confirmed, *unresolved]),
    )


def _position(hit: Hit) -> int:
    return hit.start


def _said(context: CallContext, hit: Hit) -> str:
    utterance = context.view.utterance(hit.utterances[0])
    return (
        f"'{hit.text}' by the {utterance.role.value} at {seconds(utterance.start)}"
        f" (utterance {hit.utterances[0]})"
    )
