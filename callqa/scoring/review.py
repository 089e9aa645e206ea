"""What QA analysts and team leaders should listen to: pure functions over a period's calls.

- `review_queue`: the flagged agents' calls that caused repeats, ranked so that the repeats
  the agent caused come first (no resolution confirmation or a deferral, missed empathy, a
  critical fail, a low score), a repeat whose call names an outside cause (an outage, the
  back office, a courier) ranked lower; calls failing a flagged criterion after them; plus a
  random control sample, marked as such, so that measurement stays unbiased.
- `suggestions`: per agent, the most instructive failures (distinct criteria) and at least
  one exemplary call to praise or keep as a training example.
- `report`: per agent and team, calls, handle time, score, compliance, FCR, each against the
  centre's average.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from callqa.configs.settings import ReviewSettings
from callqa.domain.review import Flag, ReportRow, ReviewItem, Suggestion

RESOLUTION = "resolution_confirmed"
EMPATHY = "empathy"
OUTSIDE_CAUSE_WEIGHT = 0.3


def failed_criteria(criteria: pd.DataFrame) -> pd.Series:
    """call_id -> sorted tuple of the criteria it failed."""
    fails = criteria[criteria["outcome"] == "fail"]
    return fails.groupby("call_id")["criterion_id"].agg(lambda ids: tuple(sorted(ids)))


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


def _poor_calls(calls: pd.DataFrame, failed: pd.Series, low_score: float
                ) -> list[ReviewItem]:
    """Calls that failed a critical criterion or scored below `low_score`, whoever took
    them: each deserves a human ear on its own. Listed after the targeted calls above
    (priority under 1), the worst first."""
    score = pd.to_numeric(calls["score"], errors="coerce")
    critical = (calls["critical_failed"].fillna(False).astype(bool)
                if "critical_failed" in calls else pd.Series(False, index=calls.index))
    poor = calls[((score < low_score) | critical) & calls["agent_id"].notna()]
    items = []
    for row, value, is_critical in zip(poor.itertuples(index=False), score[poor.index],
                                       critical[poor.index], strict=True):
        missed = ", ".join(failed.get(row.call_id, ())) or "see the score"
        why = [f"failed a critical criterion ({missed})"] if is_critical else []
        if value == value and value < low_score:
            why.append(f"scored {value:.0f}, below {low_score:g}: a poor call whoever took it")
        items.append(ReviewItem(
            call_id=str(row.call_id), agent_id=str(row.agent_id),
            priority=round(0.5 + (100.0 - (value if value == value else 0.0)) / 400.0, 3),
            reasons=tuple(why), kind="criterion"))
    return items


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


def suggestions(
    calls: pd.DataFrame, criteria: pd.DataFrame, agent_id: str, count: int = 5,
    critical: Sequence[str] = (), exemplary_min_score: float = 85.0,
) -> list[Suggestion]:
    """Up to `count` calls of one agent: failures showing distinct criteria, then an
    exemplary call (scored at least `exemplary_min_score`, passed, resolved when known) when
    the agent has one."""
    mine = calls[calls["agent_id"] == agent_id]
    if mine.empty:
        return []
    failed = failed_criteria(criteria[criteria["call_id"].isin(mine["call_id"])])
    picks: list[Suggestion] = []
    covered: set[str] = set()
    candidates = {cid: set(failed.get(cid, ())) for cid in mine["call_id"]}
    scores = dict(zip(mine["call_id"], mine["score"], strict=True))
    while len(picks) < max(0, count - 1):
        def value(cid: str) -> tuple[float, float]:
            new = candidates[cid] - covered
            weight = sum(2.0 if c in critical else 1.0 for c in new)
            score = scores.get(cid)
            return weight, -(score if score == score and score is not None else 100.0)
        best = max(candidates, key=value, default=None)
        if best is None or not candidates[best] - covered:
            break
        missed = sorted(candidates.pop(best))
        new = [c for c in missed if c not in covered]
        covered.update(new)
        why = f"missed {_count(len(missed), 'criterion', 'criteria')}: {', '.join(missed)}"
        if len(new) < len(missed):
            why += f" (coach on {', '.join(new)}: the others show in earlier picks)"
        picks.append(Suggestion(
            call_id=best, agent_id=agent_id, purpose="coach", criteria=tuple(new),
            score=_num(scores.get(best)), reasons=(why,)))
    exemplary = _exemplary(mine, {p.call_id for p in picks}, exemplary_min_score)
    if exemplary is not None:
        picks.append(exemplary)
    return picks[:count] if exemplary is None or len(picks) <= count else [
        *picks[: count - 1], exemplary]


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _exemplary(mine: pd.DataFrame, taken: set[str], min_score: float) -> Suggestion | None:
    pool = mine[~mine["call_id"].isin(taken) & (mine["score"] >= min_score)]
    if "critical_failed" in pool:
        pool = pool[~pool["critical_failed"].astype(bool)]
    if "passed" in pool:
        pool = pool[pool["passed"].fillna(True).astype(bool)]
    if pool.empty:
        return None
    resolved = (pool["fcr_status"] == "resolved") if "fcr_status" in pool else False
    ranked = pool.assign(resolved=resolved).sort_values(
        ["score", "resolved", "call_id"], ascending=[False, False, True])
    best = ranked.iloc[0]
    why = [f"exemplary: score {float(best['score']):.0f}"]
    if bool(best["resolved"]):
        why.append("resolved at first contact")
    return Suggestion(call_id=str(best["call_id"]), agent_id=str(best["agent_id"]),
                      purpose="praise", criteria=(), score=_num(best["score"]),
                      reasons=(", ".join(why),))


def _num(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if number != number else round(number, 1)


def report(calls: pd.DataFrame) -> list[ReportRow]:
    """Per agent, per team and the centre: `calls` needs agent_id, team_id, handle_time,
    score, compliance_score, fcr_status."""
    if "status" in calls:  # a failed call has no score, handle time or FCR to report
        calls = calls[calls["status"] != "failed"]
    frame = calls.assign(
        known=calls["fcr_status"].isin(("resolved", "repeat")),
        resolved=calls["fcr_status"] == "resolved",
    )

    def summary(rows: pd.DataFrame) -> dict[str, float | None]:
        known = int(rows["known"].sum())
        return {
            "calls": float(len(rows)),
            "avg_handle_time": _mean(rows["handle_time"]),
            "avg_score": _mean(rows["score"]),
            "compliance_score": _mean(rows["compliance_score"]),
            "fcr_rate": round(float(rows["resolved"].sum()) / known, 4) if known else None,
        }

    center = summary(frame)
    measures = ("avg_handle_time", "avg_score", "compliance_score", "fcr_rate")

    def row(scope: str, ident: str, rows: pd.DataFrame, team: str | None) -> ReportRow:
        values = summary(rows)
        return ReportRow(
            scope=scope, id=ident, team_id=team, calls=int(values["calls"] or 0),
            avg_handle_time=values["avg_handle_time"], avg_score=values["avg_score"],
            compliance_score=values["compliance_score"], fcr_rate=values["fcr_rate"],
            vs_center={m: None if values[m] is None or center[m] is None
                       else round(float(values[m]) - float(center[m]), 4)  # type: ignore[arg-type]
                       for m in measures})

    rows = [row("center", "all", frame, None)]
    for team, team_rows in frame.groupby("team_id", sort=True, dropna=True):
        rows.append(row("team", str(team), team_rows, str(team)))
    # One row per agent, under the team most of their calls name (a call without a team id
    # does not make a second row); calls without an agent count for the centre only.
    for agent, agent_rows in frame.groupby("agent_id", sort=True, dropna=True):
        teams = agent_rows["team_id"].dropna()
        team = str(teams.mode().sort_values().iloc[0]) if not teams.empty else None
        rows.append(row("agent", str(agent), agent_rows, team))
    return rows


def _mean(values: pd.Series) -> float | None:
    number = float(np.nanmean(values.astype(float))) if values.notna().any() else None
    return None if number is None else round(number, 2)
