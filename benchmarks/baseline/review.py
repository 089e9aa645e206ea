"""The review queue before graded targeting (issue 11), verbatim: flagged agents' repeat calls
ranked by a fixed priority, calls failing a flagged criterion, poor calls, and a random
control sample. Kept for `bench_targeting`'s comparison only."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from benchmarks.baseline.settings import ReviewSettings
from callqa.domain.review import Flag, ReviewItem
from callqa.scoring.review import _poor_calls, failed_criteria  # unchanged since

RESOLUTION = "resolution_confirmed"
EMPATHY = "empathy"
OUTSIDE_CAUSE_WEIGHT = 0.3


def _priority(row: pd.Series, failed: tuple[str, ...]) -> tuple[float, list[str]]:
    priority, reasons = 1.0, []
    if RESOLUTION in failed:
        priority += 3.0
        reasons.append("no resolution confirmation (or a deferral) in the call")
    if EMPATHY in failed:
        priority += 1.5
        reasons.append("missed empathy when the customer gave an occasion")
    if bool(row.get("critical_failed", False)):
        priority += 2.0
        reasons.append("a critical criterion failed")
    score = row.get("score")
    if score is not None and score == score:
        priority += (100.0 - float(score)) / 50.0
        if score < 70:
            reasons.append(f"low score {float(score):.0f}")
    cause = row.get("outside_cause")
    if isinstance(cause, str) and cause:
        priority *= OUTSIDE_CAUSE_WEIGHT
        reasons.append(f"ranked lower: the call names an outside cause ('{cause}')")
    return round(priority, 3), reasons


def review_queue(
    calls: pd.DataFrame, criteria: pd.DataFrame, flags: Sequence[Flag],
    settings: ReviewSettings | None = None,
) -> list[ReviewItem]:
    """`calls`: call_id, agent_id, fcr_status, callback_call_id, score, critical_failed,
    outside_cause. `criteria`: call_id, criterion_id, outcome."""
    settings = settings or ReviewSettings()
    failed = failed_criteria(criteria)
    fcr_agents = {f.agent_id for f in flags if f.kind == "fcr" and f.status == "flagged"}
    weak_criteria = {(f.agent_id, f.criterion_id) for f in flags
                     if f.kind == "criterion" and f.status == "flagged"}
    items: dict[str, ReviewItem] = {}
    repeats = calls[calls["agent_id"].isin(fcr_agents) & (calls["fcr_status"] == "repeat")]
    for row in repeats.to_dict("records"):
        fails = failed.get(row["call_id"], ())
        priority, reasons = _priority(pd.Series(row), fails)
        callback = row.get("callback_call_id")
        items[row["call_id"]] = ReviewItem(
            call_id=row["call_id"], agent_id=row["agent_id"], priority=priority + 10.0,
            reasons=(f"the customer called back ({callback}): agent flagged for FCR", *reasons),
            kind="fcr_repeat")
    if weak_criteria:
        by_call = criteria.loc[criteria["outcome"] == "fail", ["call_id", "criterion_id"]].merge(
            calls[["call_id", "agent_id"]], on="call_id")
        for row in by_call.itertuples(index=False):
            key = (row.agent_id, row.criterion_id)
            if key in weak_criteria and row.call_id not in items:
                items[row.call_id] = ReviewItem(
                    call_id=row.call_id, agent_id=row.agent_id, priority=1.0,
                    reasons=(f"fails '{row.criterion_id}', a criterion the agent is flagged on",),
                    kind="criterion")
    poor = _poor_calls(calls[~calls["call_id"].isin(items)], failed, settings.low_score)
    cap = round(settings.queue_size * settings.control_share)
    budget = settings.queue_size - cap
    # Poor calls keep a fixed share of the targeted places (`poor_share`), so that a centre
    # with many repeats still hears its worst calls; places they leave go to the others.
    worst = sorted(poor, key=lambda i: (-i.priority, i.call_id))[
        : round(budget * settings.poor_share)]
    ranked = sorted(items.values(), key=lambda i: (-i.priority, i.call_id))
    targeted = sorted([*ranked[: budget - len(worst)], *worst],
                      key=lambda i: (-i.priority, i.call_id))
    # Controls make up `control_share` of the queue: a short queue gets few of them.
    control_count = min(cap, max(1, round(len(targeted) * settings.control_share
                                          / (1 - settings.control_share))))
    return targeted + _control_sample(calls, failed, {i.call_id for i in targeted},
                                      control_count, settings.seed)


def _control_sample(calls: pd.DataFrame, failed: pd.Series, taken: set[str], count: int,
                    seed: int) -> list[ReviewItem]:
    # A call without an agent (a recording ingested without metadata) has no one to review.
    pool = calls[~calls["call_id"].isin(taken) & calls["agent_id"].notna()]
    if count <= 0 or pool.empty:
        return []
    picked = pool.sample(n=min(count, len(pool)), random_state=seed)
    items = []
    for row in picked.to_dict("records"):
        priority, _ = _priority(pd.Series(row), failed.get(row["call_id"], ()))
        items.append(ReviewItem(
            call_id=row["call_id"], agent_id=row["agent_id"], priority=priority,
            reasons=("random control sample: drawn at random from the period's calls so that "
                     "review results stay an unbiased measure",), control=True, kind="control"))
    return items
