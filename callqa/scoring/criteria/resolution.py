"""`resolution`: the agent confirms the request was done, or the customer confirms it works.

The cues are read in call order and the last one decides:

- an agent confirmation ("I've applied the credit") or a customer confirmation ("it works
  now") resolves; a later non-resolution cue undoes it: the customer contradicting it ("that
  still doesn't work") fails with both utterances as evidence, and so does a deferral, a
  transfer or a refusal by the agent ("someone will call you back", "I'll raise a ticket");
- after such an agent cue, only the agent confirming the thing done resolves again: the
  customer's "that works for me" or "got it" after "someone will call you back" accepts the
  deferral, it does not confirm anything was done;
- a confirmation that is asked ("Is it working now?", "问题解决了吗") confirms nothing, and an
  agent's non-resolution cue that is asked ("is there anything I can't help with") is none;
  negated cues ("it's not fixed yet") never count.

"I can't do that online... I've applied the credit, all done" passes; "I've updated it... for
the refund you'll have to call back later" fails."""

from __future__ import annotations

from typing import Literal

from callqa.scoring.criteria.clauses import asked
from callqa.scoring.criteria.common import (
    CallContext,
    Verdict,
    asked_note,
    at_time,
    evidence_from_hits,
    missing_role,
    quoted,
)
from callqa.scoring.matching import Hit
from callqa.scoring.scorecard import ResolutionCriterion, RoleChoice

Cue = Literal["agent_confirms", "customer_confirms", "agent_unresolved", "customer_unresolved"]
_CUES: tuple[tuple[Cue, RoleChoice, bool], ...] = (
    ("agent_confirms", "agent", False),
    ("customer_confirms", "customer", False),
    ("agent_unresolved", "agent", False),
    # Asked still counts: the customer's "why is it still not working?" reports it.
    ("customer_unresolved", "customer", True),
)
"""Each phrase set, who says it, and whether a question still counts."""


def judge_resolution(criterion: ResolutionCriterion, context: CallContext) -> Verdict:
    if (absent := missing_role(context, "agent")) is not None:
        return absent
    prefix = criterion.id
    drop = criterion.negation
    questions: list[Hit] = []
    events: list[tuple[Hit, Cue]] = []
    for field, role, questions_count in _CUES:
        for hit in context.hits(f"{prefix}.{field}", role, drop_negated=drop):
            if not questions_count and asked(context, hit):
                questions.append(hit)
            else:
                events.append((hit, field))
    events.sort(key=lambda event: event[0].start)
    note = asked_note(context, questions)
    if not events:
        return Verdict(
            "fail",
            "no confirmation that the request was done: searched the agent's utterances for"
            f" {context.phrases(f'{prefix}.agent_confirms')} and the customer's for"
            f" {context.phrases(f'{prefix}.customer_confirms')}: not found{note}",
        )
    confirmed: Hit | None = None  # the confirmation standing, if the call is resolved so far
    last_confirmation: Hit | None = None
    deciding: tuple[Hit, Cue] | None = None
    open_deferral: Hit | None = None  # an agent non-resolution cue no agent confirmation undid
    discounted: list[Hit] = []  # customer confirmations after an open deferral
    for hit, cue in events:
        if cue == "customer_confirms" and open_deferral is not None:
            discounted.append(hit)
            continue
        deciding = (hit, cue)
        if cue.endswith("confirms"):
            confirmed = last_confirmation = hit
            if cue == "agent_confirms":
                open_deferral = None
        else:
            confirmed = None
            if cue == "agent_unresolved":
                open_deferral = hit
    assert deciding is not None  # the first event is never discounted
    confirmations = [h for h, c in events if c.endswith("confirms") and h not in discounted]
    unresolved = [h for h, c in events if c.endswith("unresolved")]
    if confirmed is not None:
        earlier = (
            f"; the earlier non-resolution cue(s) {quoted(h.text for h in unresolved)} were"
            " followed by it"
            if unresolved
            else ""
        )
        return Verdict(
            "pass",
            f"confirmed: {_said(context, confirmed)}; all confirmations:"
            f" {quoted(h.text for h in confirmations)}{earlier}{note}",
            evidence_from_hits(context, [*confirmations, *unresolved]),
        )
    last, cue = deciding
    if cue == "customer_unresolved" and last_confirmation is not None:
        why = (
            f"non-resolution cue {_said(context, last)} after the confirmation"
            f" {_said(context, last_confirmation)}: the customer contradicts it"
        )
    elif last_confirmation is not None:
        why = (
            f"non-resolution cue {_said(context, last)} (deferred, transferred or refused),"
            f" after the confirmation {_said(context, last_confirmation)}"
        )
    else:
        why = f"non-resolution cue {_said(context, last)}, with no confirmation"
    if discounted:
        why += (
            f"; the customer's {quoted(h.text for h in discounted)} after the agent's"
            f" '{open_deferral.text if open_deferral else last.text}' accepts it and confirms"
            " nothing done"
        )
    shown = [*unresolved, *discounted]
    if last_confirmation is not None:
        shown.append(last_confirmation)
    return Verdict(
        "fail",
        f"{why}; all non-resolution cues: {quoted(h.text for h in unresolved)}{note}",
        evidence_from_hits(context, sorted(shown, key=lambda hit: hit.start)),
    )


def _said(context: CallContext, hit: Hit) -> str:
    utterance = context.view.utterance(hit.utterances[0])
    return (
        f"'{hit.text}' by the {utterance.role.value}{at_time(context, hit.utterances[0])}"
        f" (utterance {hit.utterances[0]})"
    )

