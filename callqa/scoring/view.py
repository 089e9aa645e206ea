"""A call as scoring sees it: normalised utterance texts grouped into turns, and windows.

A *turn* is a run of consecutive utterances by one role, uninterrupted by the other party;
an utterance with no words (only `[noise]`, or empty) belongs to no turn and does not break
one. The pipeline splits an utterance where its speaker pauses, so "is there anything" and
"else I can help you with" can be two utterances of one turn: phrases match across them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import NamedTuple

from callqa.domain.records import Role, Transcript, Utterance
from callqa.domain.text import normalise_many
from callqa.scoring.scorecard import RoleChoice, Window


class TextTurn(NamedTuple):
    """A turn of the text (not `callqa.domain.records.Turn`, which is voice activity). A NamedTuple:
    a call has dozens, and a frozen dataclass is several times slower to create."""

    number: int
    """Position among all turns of the call."""
    role: Role
    role_index: int
    """Position among this role's turns (0: the role's first turn)."""
    utterances: tuple[int, ...]
    """Indices into `transcript.utterances`."""


@dataclass(frozen=True)
class CallView:
    transcript: Transcript
    language: str
    texts: tuple[str, ...]
    """Normalised text of each utterance ('' for one with no words)."""
    turns: tuple[TextTurn, ...]
    turn_of: tuple[int, ...]
    """Turn index of each utterance; -1 for one with no words."""
    role_turns: dict[Role, tuple[TextTurn, ...]]
    origin: float
    """Start of the first utterance with words: seconds windows count from here."""
    finish: float
    """End of the last utterance with words: `last_seconds` windows count back from here."""
    _searched: dict[tuple[Window | None, RoleChoice], list[int]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def utterance(self, index: int) -> Utterance:
        return self.transcript.utterances[index]

    def has_role(self, role: RoleChoice) -> bool:
        return role == "any" or _ROLES[role] in self.role_turns

    def in_window(
        self,
        turn: TextTurn,
        utterances: tuple[int, ...],
        window: Window | None,
        role: RoleChoice,
    ) -> bool:
        """Whether `utterances` (of `turn`) are searched by a criterion of `role` in `window`.

        Seconds windows judge utterances: inside `first_seconds` when the first one *starts*
        before `origin + first_seconds` (starting exactly at the edge is outside); inside
        `last_seconds` when the last one *ends* after `finish - last_seconds`. Turn windows
        count the role's turns (all turns for role `any`)."""
        if role != "any" and turn.role != _ROLES[role]:
            return False
        if window is None:
            return True
        position, count = (
            (turn.number, len(self.turns))
            if role == "any"
            else (turn.role_index, len(self.role_turns[turn.role]))
        )
        if position < window.exclude_first_turns:
            return False
        if window.first_seconds is not None:
            return self.utterance(utterances[0]).start < self.origin + window.first_seconds
        if window.last_seconds is not None:
            return self.utterance(utterances[-1]).end > self.finish - window.last_seconds
        if window.first_turns is not None:
            return position < window.first_turns
        if window.last_turns is not None:
            return count - position <= window.last_turns
        return True

    def searched(self, window: Window | None, role: RoleChoice) -> list[int]:
        """The utterances a criterion of `role` searches within `window`, in call order (the
        same rules as `in_window`, by slicing the role's turns)."""
        found = self._searched.get((window, role))
        if found is not None:
            return found
        turns = self.turns if role == "any" else self.role_turns.get(_ROLES[role], ())
        if window is not None:
            low, high = window.exclude_first_turns, len(turns)
            if window.first_turns is not None:
                high = min(high, window.first_turns)
            if window.last_turns is not None:
                low = max(low, len(turns) - window.last_turns)
            turns = turns[low:high]
        found = [index for turn in turns for index in turn.utterances]
        if window is not None and window.first_seconds is not None:
            edge = self.origin + window.first_seconds
            found = [i for i in found if self.utterance(i).start < edge]
        elif window is not None and window.last_seconds is not None:
            edge = self.finish - window.last_seconds
            found = [i for i in found if self.utterance(i).end > edge]
        self._searched[(window, role)] = found
        return found


_ROLES = {"agent": Role.AGENT, "customer": Role.CUSTOMER}


def build_view(transcript: Transcript, language: str) -> CallView:
    """Normalise every utterance once and group them into turns."""
    utterances = transcript.utterances
    texts = normalise_many([u.text for u in utterances], language)
    spoken = [index for index, text in enumerate(texts) if text]
    turns: list[TextTurn] = []
    turn_of = [-1] * len(texts)
    role_turns: dict[Role, list[TextTurn]] = {}
    for role, group in groupby(spoken, key=lambda index: utterances[index].role):
        members = tuple(group)
        of_role = role_turns.setdefault(role, [])
        turn = TextTurn(len(turns), role, len(of_role), members)
        for index in members:
            turn_of[index] = turn.number
        turns.append(turn)
        of_role.append(turn)
    return CallView(
        transcript=transcript,
        language=language,
        texts=tuple(texts),
        turns=tuple(turns),
        turn_of=tuple(turn_of),
        role_turns={role: tuple(found) for role, found in role_turns.items()},
        origin=min((utterances[i].start for i in spoken), default=0.0),
        finish=max((utterances[i].end for i in spoken), default=0.0),
    )
