"""The `callqa.score/1` contract: one call judged against one scorecard (docs/score-format.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from callqa.domain.records import FrozenRecord, Role

SCORE_SCHEMA = "callqa.score/1"
Outcome = Literal["pass", "fail", "na"]


class Evidence(FrozenRecord):
    """Who said what, when: one utterance behind a verdict."""

    utterance: int = Field(ge=0)
    """Index into the transcript's `utterances`."""
    speaker: str
    role: Role
    start: float
    end: float
    text: str
    """The utterance as transcribed."""
    matched: tuple[str, ...] = ()
    """The words that matched, normalised (lower case, no punctuation); empty for an utterance
    shown as context (what was searched, or the turn that missed an occasion)."""


class CriterionResult(FrozenRecord):
    id: str
    section: str
    kind: str
    outcome: Outcome
    points: float
    """Points earned: `max_points` for a pass, 0 for a fail or na."""
    max_points: float
    critical: bool
    compliance: bool
    reason: str
    """What was found; for a fail, what was searched (phrases, role, window) and where."""
    evidence: tuple[Evidence, ...] = ()
    value: float | None = None
    """The measured value, for a `metric` criterion."""


class SectionResult(FrozenRecord):
    id: str
    weight: float
    points: float
    """Points earned by the section's applicable criteria."""
    max_points: float
    """Points available from its applicable criteria (0: nothing applied, not scored)."""
    score: float | None
    """0-100, or None when none of its criteria applied."""


class ScorecardRef(FrozenRecord):
    id: str
    version: str
    digest: str
    """16 hex digits over the scorecard's content: an edit without a version bump shows."""


class ScoreResult(FrozenRecord):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_id: Literal["callqa.score/1"] = Field(default="callqa.score/1", alias="schema")
    call_id: str | None
    scorecard: ScorecardRef
    call_type: str | None
    language: str
    criteria: tuple[CriterionResult, ...]
    sections: tuple[SectionResult, ...]
    score: float | None
    """0-100: section scores weighted by section weight, over sections with an applicable
    criterion. None when no criterion applied."""
    compliance_score: float | None
    """0-100 over the applicable compliance criteria alone (points earned / available), kept
    apart so that a compliance miss is not averaged away. None when none applied."""
    critical_failed: bool
    """A critical criterion failed: the call fails whatever its score."""
    passed: bool | None
    """No critical failure and `score` at least the scorecard's `pass_score`; None unscored."""
    summary: str

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(by_alias=True, indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> ScoreResult:
        return cls.model_validate_json(text)

    def criterion(self, criterion_id: str) -> CriterionResult:
        for result in self.criteria:
            if result.id == criterion_id:
                return result
        raise KeyError(f"no criterion {criterion_id!r} in scorecard {self.scorecard.id}")
