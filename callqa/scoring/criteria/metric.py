"""`metric`: a threshold on the conversation metrics (`transcript.metrics`), `na` without them
or when the measure is unknown (an import without times that did not give it)."""

from __future__ import annotations

from callqa.domain.records import Role
from callqa.scoring.criteria.common import UNTIMED, CallContext, Verdict
from callqa.scoring.scorecard import MetricCriterion


def judge_metric(criterion: MetricCriterion, context: CallContext) -> Verdict:
    metrics = context.transcript.metrics
    if metrics is None:
        return Verdict(
            "na",
            "the transcript has no conversation metrics (measured after diarization):"
            f" {criterion.metric} not judged",
        )
    name = criterion.metric if criterion.role is None else f"{criterion.role} {criterion.metric}"
    if criterion.role is None:
        value = getattr(metrics, criterion.metric)
    else:
        role_metrics = metrics.by_role.get(Role(criterion.role))
        if role_metrics is None:
            return Verdict("na", f"no metrics for the {criterion.role}: {name} not judged")
        value = getattr(role_metrics, criterion.metric)
    if value is None and not context.transcript.timed:
        given = (criterion.metric if criterion.role is None
                 else f"by_role.{criterion.role}.{criterion.metric}")
        return Verdict("na", f"{name} is unknown: {UNTIMED}, and the source gave no"
                       f" metrics.{given}; not judged")
    if value is None:
        return Verdict("na", f"{name} is not defined for this call (nothing said)")
    measured = float(value)
    bounds = _bounds(criterion)
    if criterion.min is not None and measured < criterion.min:
        return Verdict("fail", f"{name} {measured:g} is below the minimum {criterion.min:g}"
                       f" ({bounds})", value=measured)
    if criterion.max is not None and measured > criterion.max:
        return Verdict("fail", f"{name} {measured:g} is above the maximum {criterion.max:g}"
                       f" ({bounds})", value=measured)
    return Verdict("pass", f"{name} {measured:g} is within {bounds}", value=measured)


def _bounds(criterion: MetricCriterion) -> str:
    if criterion.min is not None and criterion.max is not None:
        return f"{criterion.min:g} to {criterion.max:g}"
    if criterion.min is not None:
        return f"at least {criterion.min:g}"
    return f"at most {criterion.max:g}"
