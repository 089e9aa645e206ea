"""What every criterion judge shares: the call context, verdicts, evidence and reason wording."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from callqa.domain.records import CallMetadata, Role, Transcript
from callqa.domain.scores import Evidence, Outcome
from callqa.scoring.criteria.clauses import Clause, negated_in_clause
from callqa.scoring.matching import CallMatches, Hit
from callqa.scoring.scorecard import Applicability, RoleChoice, Window
from callqa.scoring.view import CallView


@dataclass(frozen=True)
class CallContext:
    """One call, prepared once and shared by every criterion of the scorecard."""

    transcript: Transcript
    metadata: CallMetadata | None
    view: CallView
    matches: CallMatches
    clauses: dict[int, tuple[Clause, ...]] = field(default_factory=dict, compare=False,
                                                  repr=False)
    """Each turn's clauses, read from the punctuation when a criterion needs them."""

    def hits(
        self,
        key: str,
        role: RoleChoice,
        window: Window | None = None,
        *,
        drop_negated: bool = True,
    ) -> list[Hit]:
        """Hits of phrase set `key` said by `role` inside `window` (negated ones dropped). A
        negation cue that the transcript's punctuation puts in an earlier clause ("It's not
        you. Sorry about that.") is no negation: such a hit is kept, without `negated_by`."""
        view = self.view
        found = []
        for hit in self.matches.hits(key):
            if not view.in_window(view.turns[hit.turn], hit.utterances, window, role):
                continue
            if hit.negated_by and not negated_in_clause(self, hit):
                hit = hit._replace(negated_by=None)
            if not (drop_negated and hit.negated_by):
                found.append(hit)
        return found

    def phrases(self, key: str) -> str:
        return self.matches.compiled.slots[key].summary


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str
    evidence: tuple[Evidence, ...] = field(default=())
    value: float | None = None


def seconds(value: float) -> str:
    return f"{value:.1f} s"


def at_time(context: CallContext, index: int, lead: str = " at ") -> str:
    """" at 3.4 s", when utterance `index` starts; '' when the transcript has no times."""
    if not context.transcript.timed:
        return ""
    return f"{lead}{seconds(context.view.utterance(index).start)}"


def quoted(texts: Iterable[str]) -> str:
    unique = list(dict.fromkeys(texts))
    return ", ".join(f"'{t}'" for t in unique)


def evidence_from_hits(context: CallContext, hits: Sequence[Hit]) -> tuple[Evidence, ...]:
    """One Evidence per utterance behind `hits`, each with the words that matched in it."""
    matched: dict[int, list[str]] = {}
    for hit in hits:
        for index in hit.utterances:
            words = matched.setdefault(index, [])
            if hit.text not in words:
                words.append(hit.text)
    return tuple(
        _evidence(context, index, tuple(words)) for index, words in sorted(matched.items())
    )


def evidence_from_utterances(
    context: CallContext,
    indices: Iterable[int],
    matched: Mapping[int, tuple[str, ...]] | None = None,
) -> tuple[Evidence, ...]:
    matched = matched or {}
    return tuple(_evidence(context, i, matched.get(i, ())) for i in sorted(set(indices)))


def _evidence(context: CallContext, index: int, matched: tuple[str, ...]) -> Evidence:
    utterance = context.transcript.utterances[index]
    return Evidence(
        utterance=index, speaker=utterance.speaker, role=utterance.role, start=utterance.start,
        end=utterance.end, text=utterance.text, matched=matched,
    )


def where(context: CallContext, window: Window | None, role: RoleChoice) -> str:
    """The searched part of the call, in words: "the agent's first 2 turns (utterances 0, 1,
    3, 3.4-9.8 s)"."""
    span = describe_window(window, role)
    searched = context.view.searched(window, role)
    if not searched:
        return f"{span} (none)"
    if not context.transcript.timed:
        return f"{span} ({utterance_list(searched)})"
    first, last = context.view.utterance(searched[0]), context.view.utterance(searched[-1])
    return f"{span} ({utterance_list(searched)}, {first.start:.1f}-{last.end:.1f} s)"


def describe_window(window: Window | None, role: RoleChoice) -> str:
    who = "the call's" if role == "any" else f"the {role}'s"
    everything = "the whole call" if role == "any" else f"{who} utterances"
    if window is None:
        return everything
    if window.first_turns is not None:
        span = f"{who} first {_count(window.first_turns, 'turn')}"
    elif window.last_turns is not None:
        span = f"{who} last {_count(window.last_turns, 'turn')}"
    elif window.first_seconds is not None:
        span = f"{who} utterances in the first {window.first_seconds:g} s of speech"
    elif window.last_seconds is not None:
        span = f"{who} utterances in the last {window.last_seconds:g} s of speech"
    else:
        span = everything
    if window.exclude_first_turns:
        skipped = window.exclude_first_turns
        span += f", except {who} first " + ("turn" if skipped == 1 else f"{skipped} turns")
    return span


def utterance_list(indices: Sequence[int]) -> str:
    """"utterance 4", "utterances 0, 2, 3" or "utterances 0, 2, 3 ... 41 (18 in all)"."""
    if len(indices) == 1:
        return f"utterance {indices[0]}"
    if len(indices) <= 6:
        return "utterances " + ", ".join(map(str, indices))
    head = ", ".join(map(str, indices[:3]))
    return f"utterances {head} ... {indices[-1]} ({len(indices)} in all)"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def missing_role(context: CallContext, role: RoleChoice) -> Verdict | None:
    """An `na` verdict when the transcript has nothing said by `role` to judge."""
    if context.view.has_role(role):
        return None
    roles = context.transcript.roles
    if roles.method == "none" or not any(
        u.role != Role.UNKNOWN for u in context.transcript.utterances
    ):
        return Verdict(
            "na",
            f"roles are unknown (roles.method = {roles.method}): cannot tell what the {role}"
            " said; score the call once diarization has assigned agent and customer",
        )
    return Verdict("na", f"the transcript has no {role} speech to judge")


def not_applicable(
    context: CallContext, when: Applicability | None
) -> Verdict | None:
    """An `na` verdict when the criterion's `when` excludes this call."""
    if when is None:
        return None
    direction = context.metadata.direction if context.metadata else None
    if when.directions is not None and direction is not None and direction not in when.directions:
        return Verdict(
            "na", f"applies to {'/'.join(when.directions)} calls; this call is {direction}"
        )
    if when.min_duration is not None and not _duration_known(context):
        return Verdict(
            "na",
            f"applies to calls of at least {when.min_duration:g} s; this call's duration is"
            f" unknown ({UNTIMED})",
        )
    if when.min_duration is not None and context.transcript.duration < when.min_duration:
        return Verdict(
            "na",
            f"applies to calls of at least {when.min_duration:g} s; this call lasts"
            f" {seconds(context.transcript.duration)}",
        )
    return None


UNTIMED = ("the transcript was imported without utterance times (callqa.import/1, a chat or"
           " an export in order only)")


def _duration_known(context: CallContext) -> bool:
    metrics = context.transcript.metrics
    return context.transcript.timed or (metrics is not None and metrics.handle_time is not None)


def untimed_window(context: CallContext, window: Window | None, role: RoleChoice
                   ) -> Verdict | None:
    """An `na` verdict when `window` counts seconds and the transcript has no times."""
    if context.transcript.timed or window is None or (
            window.first_seconds is None and window.last_seconds is None):
        return None
    return Verdict("na", f"{describe_window(window, role)} cannot be found: {UNTIMED}")


def negation_note(context: CallContext, hits: Sequence[Hit]) -> str:
    """"; ignored as negated: 'help you' (utterance 4, 12.3 s) after 'cant'" or ''."""
    if not hits:
        return ""
    described = "; ".join(
        f"'{hit.text}' (utterance {hit.utterances[0]}"
        f"{at_time(context, hit.utterances[0], ', ')}) after '{hit.negated_by}'"
        for hit in hits[:3]
    )
    more = f" and {len(hits) - 3} more" if len(hits) > 3 else ""
    return f"; ignored as negated: {described}{more}"


def asked_note(context: CallContext, questions: Sequence[Hit]) -> str:
    """The reason's note on phrases that were only asked ("Sorry?"), never said."""
    if not questions:
        return ""
    shown = ", ".join(
        f"'{hit.text}' (utterance {hit.utterances[0]}"
        f"{at_time(context, hit.utterances[0], ', ')})"
        for hit in questions[:3]
    )
    return f"; ignored as asked, not said: {shown}"
