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


FlagStatus = Literal["flagged", "watch", "insufficient_evidence", "normal", "process_issue",
                     "not_flagged"]
"""`flagged`: probability worse than peers at least `flags.flag_probability`; `watch`: at least
`flags.watch_probability` (real evidence, not conclusive); `insufficient_evidence`: too few
calls to tell (see `calls_to_settle`); `normal`; `process_issue`: the excess belongs to the
team's or call type's process, not to the agent. `not_flagged` is only read back from flags
stored before these statuses existed."""


class Flag(FrozenRecord):
    """An agent's graded evidence on one measure (FCR, or one criterion), with its numbers."""

    agent_id: str
    kind: Literal["fcr", "criterion"]
    criterion_id: str | None = None
    status: FlagStatus
    period_start: date
    period_end: date
    calls: int = Field(ge=0)
    """Calls that count: FCR-known calls, or calls where the criterion applied."""
    events: int = Field(ge=0)
    """Repeats caused (fcr), or failures of the criterion (criterion)."""
    expected: float = Field(ge=0)
    """Events expected from the centre's per-call-type rates for this agent's own mix of call
    types (leave-one-out; for an agent of a team with a process issue, times the rest of the
    team's excess)."""
    ratio: float | None
    """events / expected."""
    p_value: float | None
    """One-sided exact p-value of 'no worse than peers' (for reference: the status does not
    depend on it)."""
    q_value: float | None
    """p-value after Benjamini-Hochberg correction over all agents tested together (for
    reference)."""
    reasons: tuple[str, ...]
    estimate: float | None = None
    """The agent's rate against peers on the same call types (1.0: like peers), shrunk toward
    the centre as much as their volume warrants (empirical Bayes)."""
    interval_low: float | None = None
    interval_high: float | None = None
    """The `flags.interval` (default 90 %) credible interval of `estimate`."""
    prob_worse: float | None = None
    """Probability that the agent's rate is above peers' (estimate > 1)."""
    calls_to_settle: int | None = None
    """insufficient_evidence / watch: about how many more calls would settle it."""


class ReviewItem(FrozenRecord):
    call_id: str
    agent_id: str
    priority: float
    """Higher first: 2 + expected_yield for a flagged or watched agent's callback call, 1 +
    the agent's probability of being worse on the criterion for a criterion failure, 0 for a
    random control call (listed after every targeted call, never ranked among them)."""
    reasons: tuple[str, ...]
    control: bool = False
    """A random control call, kept so that measurement stays unbiased."""
    kind: Literal["fcr_repeat", "criterion", "control"]
    created_at: datetime | None = None
    expected_yield: float | None = None
    """Probability that this call's repeat was caused by the agent's handling, from the
    agent's evidence and the call's own signals (0 for a call the customer did not call
    back about)."""


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
    """A criterion missed by most agents of a team or call type, or a team whose customers
    call back more across its agents: fix the process (script, tooling, policy), don't
    charge each agent."""

    criterion_id: str | None
    """None for an FCR process issue (kind `fcr`)."""
    scope: Literal["team", "call_type"]
    scope_id: str
    agents: int
    """Agents in the scope with enough applicable calls to judge."""
    agents_failing: int
    """Of those, agents whose fail rate is at least the process threshold (criterion), or
    whose repeats are above peers' (fcr)."""
    fail_rate: float
    """The scope's overall fail rate for the criterion (criterion), or its repeats over the
    repeats expected from the centre's per-call-type rates (fcr)."""
    reasons: tuple[str, ...]
    kind: Literal["fcr", "criterion"] = "criterion"
    prob_worse: float | None = None
    """fcr: probability that the team stays above peers without its most suspect agents."""


class ReviewPlan(FrozenRecord):
    """The review queue and how sure the selection is: the budget, and the agent-caused repeats
    it is expected to find against the same number of random calls and against five random
    calls per agent."""

    items: tuple[ReviewItem, ...]
    budget: int
    """Reviews in one cycle (`review.queue_size`, or `review.reviews_per_agent` x agents)."""
    targeted: int
    controls: int
    unused: int
    """Budget left when there are fewer targeted calls worth a review than budget."""
    expected_found: float
    """Expected agent-caused repeats among the targeted calls (sum of expected_yield)."""
    expected_random: float
    """...among as many calls drawn at random from the period's calls."""
    expected_per_agent: float
    """...among as many calls spread as 'N random calls per agent'."""
    targeted_share: float | None
    """expected_found / targeted: the expected share of targeted calls that find one."""
    random_share: float | None
    """The same share for a random call of the period."""
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
