"""One judge per criterion kind; `judge` applies the criterion's applicability first."""

from __future__ import annotations

from typing import assert_never

from callqa.scoring.criteria.common import CallContext, Verdict, not_applicable, untimed_window
from callqa.scoring.criteria.empathy import judge_empathy
from callqa.scoring.criteria.metric import judge_metric
from callqa.scoring.criteria.names import judge_agent_introduction, judge_greeting_by_name
from callqa.scoring.criteria.phrase import judge_phrase
from callqa.scoring.criteria.resolution import judge_resolution
from callqa.scoring.scorecard import (
    AgentIntroductionCriterion,
    Criterion,
    EmpathyCriterion,
    GreetingByNameCriterion,
    MetricCriterion,
    PhraseCriterion,
    ResolutionCriterion,
    RoleChoice,
)


def judge(criterion: Criterion, context: CallContext) -> Verdict:
    if (excluded := not_applicable(context, criterion.when)) is not None:
        return excluded
    if not isinstance(criterion, MetricCriterion | EmpathyCriterion | ResolutionCriterion) and (
            unlocated := untimed_window(context, criterion.window, _role_of(criterion))
    ) is not None:
        return unlocated
    if isinstance(criterion, PhraseCriterion):
        return judge_phrase(criterion, context)
    if isinstance(criterion, GreetingByNameCriterion):
        return judge_greeting_by_name(criterion, context)
    if isinstance(criterion, AgentIntroductionCriterion):
        return judge_agent_introduction(criterion, context)
    if isinstance(criterion, EmpathyCriterion):
        return judge_empathy(criterion, context)
    if isinstance(criterion, ResolutionCriterion):
        return judge_resolution(criterion, context)
    if isinstance(criterion, MetricCriterion):
        return judge_metric(criterion, context)
    assert_never(criterion)


def _role_of(criterion: PhraseCriterion | GreetingByNameCriterion | AgentIntroductionCriterion
             ) -> RoleChoice:
    return criterion.role if isinstance(criterion, PhraseCriterion) else "agent"


__all__ = ["CallContext", "Verdict", "judge"]
