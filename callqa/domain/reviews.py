"""Records of the human review loop: reviews and the verdicts they give, the audit trail,
acknowledgements and disputes, calibration sessions, the automatic scorer's agreement with
reviewers, and the exemplary-call library.

The automatic verdict of a criterion is never edited: a call shows it beside the human one
(the latest review's, or a dispute's resolution) and the effective one (human where given).
Shapes: docs/review-format.md ("The human review loop")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from callqa.domain.records import FrozenRecord
from callqa.domain.scores import Evidence, Outcome

ReviewKind = Literal["review", "self", "calibration"]
"""`review`: a qa user's or team leader's review (it sets the human verdict). `self`: the
agent's self-assessment of a call they submitted for feedback. `calibration`: a verdict
given blind in a calibration session (never counts toward the agent's scores)."""
DisputeStatus = Literal["open", "accepted", "partial", "rejected"]
Decision = Literal["accepted", "partial", "rejected"]

CRITERION_ID_LENGTH = 100
COMMENT_LENGTH = 5000
MAX_ID = 2**31 - 1
"""The largest id the store's INTEGER keys hold (PostgreSQL's `integer`)."""


def _no_nul(value: str) -> str:
    if "\x00" in value:  # PostgreSQL text cannot hold it: refuse it here, not with a 500
        raise ValueError("text may not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


# --- what people send -----------------------------------------------------------------------

class CriterionVerdict(FrozenRecord):
    """One criterion of a review: the reviewer's outcome, a comment, and (required when it
    differs from the automatic verdict) the reason for overriding it."""

    id: Text = Field(min_length=1, max_length=CRITERION_ID_LENGTH)
    outcome: Outcome
    comment: Text | None = Field(None, max_length=COMMENT_LENGTH)
    reason: Text | None = Field(None, max_length=COMMENT_LENGTH)


class ReviewInput(FrozenRecord):
    """A review (or self-assessment, or calibration verdicts) of one call."""

    criteria: tuple[CriterionVerdict, ...] = ()
    comment: Text | None = Field(None, max_length=COMMENT_LENGTH)
    calibration_id: int | None = Field(None, ge=1, le=MAX_ID)
    """Verdicts given in this calibration session (blind; they set no human verdict)."""
    time_spent_seconds: float | None = Field(None, ge=0, le=24 * 3600)

    @model_validator(mode="after")
    def _each_criterion_once(self) -> ReviewInput:
        ids = [c.id for c in self.criteria]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"criteria given more than once: {', '.join(twice)}")
        return self


class DisputeInput(FrozenRecord):
    criterion_id: Text = Field(min_length=1, max_length=CRITERION_ID_LENGTH)
    reason: Text = Field(min_length=1, max_length=COMMENT_LENGTH)


class ResolutionInput(FrozenRecord):
    """How qa settles a dispute. `outcome`: the verdict it leaves (accepted: defaults to the
    opposite of a disputed pass or fail; partial: optional; rejected: none)."""

    decision: Decision
    comment: Text | None = Field(None, max_length=COMMENT_LENGTH)
    outcome: Outcome | None = None

    @model_validator(mode="after")
    def _rejected_changes_nothing(self) -> ResolutionInput:
        if self.decision == "rejected" and self.outcome is not None:
            raise ValueError("a rejected dispute leaves the verdict as it is: drop `outcome`")
        return self


class AcknowledgementInput(FrozenRecord):
    comment: Text | None = Field(None, max_length=COMMENT_LENGTH)


class CalibrationInput(FrozenRecord):
    call_ids: tuple[Text, ...] = Field(min_length=1, max_length=50)
    reviewers: tuple[Text, ...] = Field(min_length=1, max_length=50)
    """Usernames of the reviewers; the lead (who opens the session) scores too."""
    note: Text | None = Field(None, max_length=COMMENT_LENGTH)


class LibraryInput(FrozenRecord):
    """Mark a call as exemplary for a criterion or a call type (or both)."""

    call_id: Text = Field(min_length=1, max_length=200)
    criterion_id: Text | None = Field(None, min_length=1, max_length=CRITERION_ID_LENGTH)
    call_type: Text | None = Field(None, min_length=1, max_length=64)
    note: Text = Field(min_length=1, max_length=COMMENT_LENGTH)

    @model_validator(mode="after")
    def _says_what_for(self) -> LibraryInput:
        if self.criterion_id is None and self.call_type is None:
            raise ValueError("say what the call is exemplary for: `criterion_id` or "
                             "`call_type`")
        return self


# --- what is stored and shown -----------------------------------------------------------------

class ReviewedCriterion(FrozenRecord):
    id: str
    outcome: Outcome
    comment: str | None = None
    reason: str | None = None
    automatic: Outcome | None = None
    """The automatic verdict when the review was given."""
    overrides: bool = False
    """The reviewer's outcome differs from the automatic one."""


class Review(FrozenRecord):
    id: int
    call_id: str
    reviewer: str
    kind: ReviewKind
    calibration_id: int | None = None
    criteria: tuple[ReviewedCriterion, ...]
    comment: str | None = None
    time_spent_seconds: float | None = None
    created_at: datetime
    updated_at: datetime


class CriterionVerdicts(FrozenRecord):
    """A criterion of one call: the machine's verdict and the humans' kept apart."""

    criterion_id: str
    automatic: Outcome | None
    human: Outcome | None
    effective: Outcome | None
    """`human` where given, else `automatic`."""
    source: str | None = None
    """Where the human verdict comes from: `review <id>` or `dispute <id>`."""
    reviewer: str | None = None
    comment: str | None = None
    reason: str | None = None
    """Why the automatic verdict was overridden."""
    automatic_reason: str | None = None
    evidence: tuple[Evidence, ...] = ()
    self_assessed: Outcome | None = None
    """The agent's own verdict, when they assessed the call themselves."""


class AuditEvent(FrozenRecord):
    """One change, appended and never rewritten: who, when, what, before and after."""

    id: int
    at: datetime
    actor: str
    action: str
    """`review.created`, `review.updated`, `verdict.changed`, `acknowledgement.created`,
    `dispute.opened`, `dispute.resolved`, `calibration.opened`, `calibration.closed`,
    `library.marked`, `user.added`, `user.disabled`, `scorecard.added`, `scorecard.changed`."""
    entity: str
    entity_id: str
    call_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class Acknowledgement(FrozenRecord):
    call_id: str
    by: str
    comment: str | None = None
    at: datetime


class Dispute(FrozenRecord):
    id: int
    call_id: str
    criterion_id: str
    agent: str
    """The username of the agent who disputes."""
    reason: str
    status: DisputeStatus
    disputed_outcome: Outcome | None = None
    """The effective verdict when the dispute was opened."""
    outcome: Outcome | None = None
    """The verdict the resolution left (None: unchanged)."""
    comment: str | None = None
    """The resolution's comment."""
    resolved_by: str | None = None
    created_at: datetime
    resolved_at: datetime | None = None


class FeedbackItem(FrozenRecord):
    """A reviewed call as its agent (and their team leader) sees it."""

    call_id: str
    agent_id: str | None
    call_type: str | None
    started_at: datetime | None
    score: float | None
    reviews: tuple[Review, ...]
    verdicts: tuple[CriterionVerdicts, ...]
    acknowledgement: Acknowledgement | None
    disputes: tuple[Dispute, ...]
    news: tuple[str, ...]
    """What changed since the agent last acknowledged the call (disputes resolved, reviews
    changed): the agent is told here."""
    dispute_until: datetime | None
    """The end of the dispute window."""


class SelfComparison(FrozenRecord):
    criterion_id: str
    self_assessed: Outcome | None
    reviewer: Outcome | None
    automatic: Outcome | None
    agree: bool | None
    """The agent's verdict equals the reviewer's (None: one of them is missing)."""


class CallReviews(FrozenRecord):
    """GET calls/{id}/reviews: the reviews, the agent's self-assessment beside them."""

    call_id: str
    blind: bool = False
    """The person scores this call in an open calibration: verdicts are hidden until it
    closes."""
    reviews: tuple[Review, ...]
    self_assessment: Review | None
    comparison: tuple[SelfComparison, ...]


class CriterionAgreement(FrozenRecord):
    """How a calibration session's reviewers agreed on one criterion."""

    criterion_id: str
    calls: int
    """Calls with verdicts from at least two participants."""
    ratings: int
    percent_agreement: float | None
    """Share of agreeing pairs of verdicts on the same call, over all such pairs."""
    kappa: float | None
    kappa_method: Literal["cohen", "fleiss"] | None
    """Cohen's kappa for two participants, Fleiss' for more (statsmodels); None when
    undefined (every verdict the same, or too few calls scored by all)."""
    reviewer_deviation: dict[str, float | None]
    """Per reviewer: share of calls whose verdict differs from the lead's."""
    automatic_agreement: float | None
    """Share of the human verdicts equal to the automatic one on the same calls."""
    automatic_vs_lead: float | None
    note: str | None = None


class CalibrationHead(FrozenRecord):
    """What every view of a calibration session shows: who leads it, on which calls, with
    whom, and when."""

    id: int
    lead: str
    status: Literal["open", "closed"]
    note: str | None = None
    call_ids: tuple[str, ...]
    reviewers: tuple[str, ...]
    """Every participant, the lead first."""
    created_at: datetime
    closed_at: datetime | None = None


class CalibrationSummary(CalibrationHead):
    """A session as a list shows it: how far along, no verdicts."""

    scored: dict[str, int]
    """Per participant, how many of the calls they have scored (never their verdicts)."""


class Calibration(CalibrationHead):
    submitted: dict[str, tuple[str, ...]]
    """Per participant, the calls they have scored (progress; never their verdicts)."""
    reviews: tuple[Review, ...]
    """Open: only the asking person's own verdicts. Closed: everyone's."""
    automatic: dict[str, dict[str, Outcome]] | None
    """call_id -> criterion -> automatic verdict, once closed."""
    agreement: tuple[CriterionAgreement, ...] | None
    """Once closed."""


class CriterionTrust(FrozenRecord):
    """The automatic scorer's agreement with reviewers on one criterion, and whether its
    automatic failures may drive flags."""

    criterion_id: str
    scorecards: tuple[str, ...]
    """`<scorecard id> <version>` of the verdicts compared (each scorecard's current one)."""
    n: int
    """Human verdicts compared (reviews, not calibration or self-assessment)."""
    agreed: int
    agreement: float | None
    ci_low: float | None
    ci_high: float | None
    status: Literal["trusted", "not_trusted", "too_few_reviews"]
    reason: str


class AgreementReport(FrozenRecord):
    period_start: date
    period_end: date
    """Days (UTC) of the reviews' last change, both included."""
    threshold: float
    min_reviews: int
    confidence: float
    criteria: tuple[CriterionTrust, ...]


class SelfAgreement(FrozenRecord):
    """How often an agent's self-assessment matches the reviewer, per criterion."""

    agent_id: str
    criterion_id: str
    calls: int
    agreed: int
    agreement: float | None


class LibraryEntry(FrozenRecord):
    id: int
    call_id: str
    agent_id: str | None
    agent_name: str | None
    call_type: str | None
    criterion_id: str | None
    """What the call is exemplary for (with `for_call_type`)."""
    for_call_type: str | None
    note: str
    marked_by: str
    created_at: datetime
    score: float | None
    evidence: tuple[Evidence, ...] = ()
    """The automatic verdict's evidence for the criterion."""
