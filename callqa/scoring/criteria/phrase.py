"""`phrase`: required or prohibited phrases, said by a role, in a window."""

from __future__ import annotations

from callqa.scoring.criteria.common import (
    CallContext,
    Verdict,
    at_time,
    evidence_from_hits,
    evidence_from_utterances,
    missing_role,
    negation_note,
    quoted,
    where,
)
from callqa.scoring.scorecard import PhraseCriterion

MAX_CONTEXT_UTTERANCES = 5
"""A required phrase that is missing from a window: show what was said there, up to this many."""


def judge_phrase(criterion: PhraseCriterion, context: CallContext) -> Verdict:
    if (absent := missing_role(context, criterion.role)) is not None:
        return absent
    key = f"{criterion.id}.phrases"
    role, window = criterion.role, criterion.window
    # One pass over the set's hits: kept and (for the reason) negated ones.
    found = context.hits(key, role, window, drop_negated=False)
    if criterion.negation:
        hits = [hit for hit in found if not hit.negated_by]
        negated = [hit for hit in found if hit.negated_by]
    else:
        hits, negated = found, []
    searched = where(context, window, role)
    speaker = "someone" if role == "any" else f"the {role}"
    if criterion.mode == "prohibited":
        if hits:
            first = hits[0].utterances[0]
            return Verdict(
                "fail",
                f"{speaker} said prohibited {quoted(h.text for h in hits)}, first"
                f"{at_time(context, first)} (utterance {first});"
                f" {len(hits)} occurrence{'s' if len(hits) != 1 else ''} in {searched}",
                evidence_from_hits(context, hits),
            )
        return Verdict(
            "pass",
            f"none of the prohibited phrases ({context.phrases(key)}) in {searched}"
            + negation_note(context, negated),
        )
    if hits:
        first = hits[0].utterances[0]
        return Verdict(
            "pass",
            f"{speaker} said {quoted(h.text for h in hits)}, first{at_time(context, first)}"
            f" (utterance {first}), within {searched}",
            evidence_from_hits(context, hits),
        )
    shown = context.view.searched(window, role)[:MAX_CONTEXT_UTTERANCES] if window else []
    return Verdict(
        "fail",
        f"searched {searched} for {context.phrases(key)}: not found"
        + negation_note(context, negated),
        # Context, not matches: what was said where the phrase was expected.
        evidence_from_utterances(context, [*shown, *(i for h in negated for i in h.utterances)]),
    )
