"""Records of the review layer: FCR outcomes, flags, review-queue items, suggestions.

Produced by the pure functions in `callqa.scoring.fcr`, `.flags` and `.review`, persisted by
`callqa.models`, shown by the CLI and API (shapes documented in docs/review-format.md).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from callqa.domain.records import FrozenRecord


class FcrStatus(StrEnum):
    RESOLVED = "resolved"
    """No new contact from the customer within the repeat window."""
    REPEAT = "repeat"
    """The customer called again within the window: not resolved at first contact."""
    CONTINUATION = "continuation"
    """A call within the transfer gap of the previous one: the same contact continued."""
    PENDING = "pending"
    """Its repeat window reaches past the end of the data: not known yet."""
    UNKNOWN = "unknown"
    """No customer id: repeats cannot be seen."""


class FcrOutcome(FrozenRecord):
    call_id: str
    status: FcrStatus
    callback_call_id: str | None = None
    """The next contact that made this call a repeat (or that continued it)."""
    hours_to_callback: float | None = None


class Flag(FrozenRecord):
    """An agent singled out (or explicitly not) for targeted review, with its numbers."""

    agent_id: str
    kind: Literal["fcr", "criterion"]
    criterion_id: str | None = None
    status: Literal["flagged", "insufficient_evidence", "not_flagged", "process_issue"]
    period_start: date
    period_end: date
    calls: int = Field(ge=0)
    """Calls that count: FCR-known calls, or calls where the criterion applied."""
    events: int = Field(ge=0)
    """Repeats caused (fcr), or failures of the criterion (criterion)."""
    expected: float = Field(ge=0)
    """Events expected from the centre's rates for this agent's own mix of call types."""
    ratio: float | None
    """events / expected."""
    p_value: float | None
    q_value: float | None
    """p-value after Benjamini-Hochberg correction over all agents tested together."""
    reasons: tuple[str, ...]


class ReviewItem(FrozenRecord):
    call_id: str
    agent_id: str
    priority: float
    """Higher first. Control items carry the priority they would have had."""
    reasons: tuple[str, ...]
    control: bool = False
    """A random control call, kept so that measurement stays unbiased."""
    kind: Literal["fcr_repeat", "criterion", "control"]
    created_at: datetime | None = None


class Suggestion(FrozenRecord):
    """A call a team leader should listen to, and why."""

    call_id: str
    agent_id: str
    purpose: Literal["coach", "praise"]
    criteria: tuple[str, ...]
    """The failed criteria it shows (coach), or empty (praise)."""
    score: float | None
    reasons: tuple[str, ...]


class ProcessIssue(FrozenRecord):
    """A criterion missed by most agents of a team or call type: fix the process (script,
    tooling, policy), don't charge each agent."""

    criterion_id: str
    scope: Literal["team", "call_type"]
    scope_id: str
    agents: int
    """Agents in the scope with enough applicable calls to judge."""
    agents_failing: int
    """Of those, agents whose fail rate is at least the process threshold."""
    fail_rate: float
    """The scope's overall fail rate for the criterion."""
    reasons: tuple[str, ...]


class ReportRow(FrozenRecord):
    """One agent, team or the whole centre over a period, with its distance to the centre."""

    scope: Literal["agent", "team", "center"]
    id: str
    team_id: str | None = None
    calls: int
    avg_handle_time: float | None
    avg_score: float | None
    compliance_score: float | None
    fcr_rate: float | None
    """Resolved at first contact over calls with a known outcome (resolved + repeat)."""
    vs_center: dict[str, float | None]
    """This row minus the centre, per measure (positive: above the centre's average)."""
