"""`greeting_by_name` (the agent addresses the customer by name) and `agent_introduction`
(the agent says their own name). Both take the names from the call metadata."""

from __future__ import annotations

from functools import cache

from callqa.domain.scores import Evidence
from callqa.scoring.criteria.common import (
    CallContext,
    Verdict,
    at_time,
    evidence_from_hits,
    evidence_from_utterances,
    missing_role,
    quoted,
    where,
)
from callqa.scoring.matching import blank_pipeline
from callqa.scoring.names import NameHit, NameSpec, find_name, name_spec
from callqa.scoring.scorecard import AgentIntroductionCriterion, GreetingByNameCriterion, Window

AGENT_NAME_FORMS = ("{first}", "{last}", "{full}")
"""How agents say their own name: "Maria", "Maria Lopez", or the surname alone, as formal
Persian agents do ("احمدی هستم", I'm Ahmadi)."""


def judge_greeting_by_name(criterion: GreetingByNameCriterion, context: CallContext) -> Verdict:
    name = context.metadata.customer_name if context.metadata else None
    if not name:
        return Verdict(
            "na", "no customer_name in the call metadata: there is no name to listen for"
        )
    if (absent := missing_role(context, "agent")) is not None:
        return absent
    language = context.view.language
    spec = name_spec(
        name,
        criterion.name_forms.get(language, ()),
        criterion.titles.get(language, ()),
        language,
        common_words(language),
    )
    if spec is None:
        return Verdict(
            "na",
            f"no name form of {criterion.id} fits the customer name {name!r}"
            f" (forms: {', '.join(criterion.name_forms.get(language, ()))})",
        )
    found = _find(context, spec, criterion.window, criterion.min_similarity)
    searched = where(context, criterion.window, "agent")
    if found:
        index, hit = found[0]
        return Verdict(
            "pass",
            f"the agent addressed the customer as '{hit.text}'{at_time(context, index)}"
            f" (utterance {index}; metadata name"
            f" {name!r}, similarity {hit.similarity:.2f}), within {searched}",
            _name_evidence(context, found),
        )
    return Verdict(
        "fail",
        f"searched {searched} for the customer name {name!r} as {quoted(spec.forms)}"
        f" (similarity at least {criterion.min_similarity:.2f}): not found",
    )


def judge_agent_introduction(
    criterion: AgentIntroductionCriterion, context: CallContext
) -> Verdict:
    if (absent := missing_role(context, "agent")) is not None:
        return absent
    language = context.view.language
    name = context.metadata.agent_name if context.metadata else None
    spec = (
        name_spec(name, AGENT_NAME_FORMS, (), language, common_words(language)) if name else None
    )
    searched = where(context, criterion.window, "agent")
    found = _find(context, spec, criterion.window, criterion.min_similarity) if spec else []
    if found:
        index, hit = found[0]
        return Verdict(
            "pass",
            f"the agent said their name '{hit.text}'{at_time(context, index)}"
            f" (utterance {index}; metadata"
            f" agent_name {name!r}, similarity {hit.similarity:.2f}), within {searched}",
            _name_evidence(context, found),
        )
    key = f"{criterion.id}.phrases"
    phrases = context.hits(key, "agent", criterion.window)
    if phrases:
        # The phrase is enough: the name itself is what ASR most often mishears.
        index = phrases[0].utterances[0]
        heard = (
            f"; the agent_name {name!r} was not heard (misheard, or another name)"
            if name
            else " (no agent_name in the metadata to compare)"
        )
        return Verdict(
            "pass",
            f"the agent introduced themselves with {quoted(h.text for h in phrases)}"
            f"{at_time(context, index)} (utterance {index}){heard}",
            evidence_from_hits(context, phrases),
        )
    listened = f"their name {name!r} or " if name else ""
    return Verdict(
        "fail",
        f"searched {searched} for {listened}an introduction ({context.phrases(key)}): not found",
    )


@cache
def common_words(language: str) -> frozenset[str]:
    """spaCy's stop words: a first name that is one ("will") is not accepted on its own."""
    return frozenset(blank_pipeline(language).Defaults.stop_words)


def _name_evidence(
    context: CallContext, found: list[tuple[int, NameHit]]
) -> tuple[Evidence, ...]:
    matched = {index: (hit.text,) for index, hit in found}
    return evidence_from_utterances(context, matched, matched)


def _find(
    context: CallContext, spec: NameSpec, window: Window | None, min_similarity: float
) -> list[tuple[int, NameHit]]:
    found = []
    for index in context.view.searched(window, "agent"):
        hit = find_name(context.view.texts[index], spec, min_similarity)
        if hit is not None:
            found.append((index, hit))
    return found
