"""What QA analysts and team leaders should listen to: pure functions over a period's calls.

- `review_plan` / `review_queue`: how QA's review budget (`review.queue_size` calls a cycle,
  by default five per agent) is spent. Where the expected number of repeats caused by the
  agent's handling is highest: the callback calls (the first contact the customer had to
  call back about) of agents flagged or watched for FCR, ranked by the chance that the repeat
  was the agent's doing: the agent's own excess (the larger it is, the larger the share of
  their repeats that are theirs) times the call's own signals (no resolution confirmation or
  a deferral, or a confirmed resolution; an outside cause named). Then calls failing a
  criterion the agent is flagged or watched on. Poor calls (below `review.low_score`, or a
  critical failure) keep `review.poor_share` of the targeted places whoever took them, so
  that a centre with many repeats still hears its worst calls. A fixed share of the budget
  (`review.control_share`) is a random control sample, listed after every targeted call,
  never ranked among them, so that review results stay an unbiased measure and the
  targeting can be checked. The plan says how sure it is: the agent-caused repeats the
  selection is expected to find against as many random calls and against five random calls
  per agent.
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
from callqa.domain.review import Flag, ReportRow, ReviewItem, ReviewPlan, Suggestion

RESOLUTION = "resolution_confirmed"
EMPATHY = "empathy"
TARGETED = ("flagged", "watch")
"""Agent statuses whose calls the budget targets."""
CONTROL_REASON = ("random control sample: drawn at random from the period's calls so that "
                  "review results stay an unbiased measure and the targeting can be checked "
                  "against them")


def failed_criteria(criteria: pd.DataFrame) -> pd.Series:
    """call_id -> sorted tuple of the criteria it failed."""
    fails = criteria[criteria["outcome"] == "fail"]
    return fails.groupby("call_id")["criterion_id"].agg(lambda ids: tuple(sorted(ids)))


# --- the review queue (issue 11) ---------------------------------------------------------------


def review_queue(
    calls: pd.DataFrame, criteria: pd.DataFrame, flags: Sequence[Flag],
    settings: ReviewSettings | None = None,
) -> list[ReviewItem]:
    """The items of `review_plan`: targeted calls first (highest priority first), then the
    random controls."""
    return list(review_plan(calls, criteria, flags, settings).items)


def review_plan(
    calls: pd.DataFrame, criteria: pd.DataFrame, flags: Sequence[Flag],
    settings: ReviewSettings | None = None,
) -> ReviewPlan:
    """`calls`: call_id, agent_id, fcr_status, callback_call_id; optional outside_cause.
    `criteria`: call_id, criterion_id, outcome. `flags`: fcr and criterion flags of the
    period (statuses flagged / watch are targeted)."""
    settings = settings or ReviewSettings()
    calls = calls[calls["agent_id"].notna()]
    agents = calls["agent_id"].astype(str).unique()
    budget = settings.queue_size or settings.reviews_per_agent * len(agents)
    controls = round(budget * settings.control_share)
    room = budget - controls
    yields, share, code = _yields(calls, criteria, flags, settings)
    fcr = {f.agent_id: f for f in flags if f.kind == "fcr"}
    items = _fcr_items(calls, yields, share, code, fcr, room)
    taken = {i.call_id for i in items}
    items += _criterion_items(calls, criteria, flags, yields, taken, room - len(items))
    # Poor calls keep a fixed share of the targeted places (`poor_share`), so that a centre
    # with many repeats still hears its worst calls; places they leave go to the others.
    failed = failed_criteria(criteria)
    poor = _poor_calls(calls[~calls["call_id"].isin({i.call_id for i in items})], failed,
                       settings.low_score)
    worst = sorted(poor, key=lambda i: (-i.priority, i.call_id))[
        : round(room * settings.poor_share)]
    items = [*items[: room - len(worst)], *worst]
    taken = {i.call_id for i in items}
    control_items = _control_sample(calls, yields, taken, controls, settings.seed)
    return _plan(items, control_items, budget, calls, yields, settings)


def _yields(calls: pd.DataFrame, criteria: pd.DataFrame, flags: Sequence[Flag],
            settings: ReviewSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per call: the probability that it caused a repeat through the agent's handling (0
    unless the customer called back), the agent's share before the call's signals, and the
    signals seen (bit 1: resolution failed, 2: confirmed, 4: outside cause named).

    The agent's share: of a typical agent's repeats `typical_agent_share` are theirs; an
    agent at `estimate` times peers' rate adds estimate - 1 of their own, so
    (share + estimate - 1) / estimate of their repeats are theirs. Each signal multiplies
    the odds by its likelihood ratio (settings)."""
    estimate = {f.agent_id: f.estimate if f.estimate is not None else (f.ratio or 1.0)
                for f in flags if f.kind == "fcr"}
    theta = calls["agent_id"].astype(str).map(estimate).fillna(1.0).to_numpy(float)
    theta = np.maximum(theta, 1e-3)
    base = settings.typical_agent_share
    share = np.clip((base + theta - 1.0) / theta, 0.02, 0.98)
    code = np.zeros(len(calls), dtype=np.int64)
    verdict = criteria.loc[criteria["criterion_id"] == RESOLUTION].drop_duplicates(
        "call_id").set_index("call_id")["outcome"]
    outcome = calls["call_id"].map(verdict)
    code[(outcome == "fail").to_numpy()] |= 1
    code[(outcome == "pass").to_numpy()] |= 2
    if "outside_cause" in calls:
        cause = calls["outside_cause"]
        code[(cause.notna() & (cause.astype(str) != "")).to_numpy()] |= 4
    lr = np.ones(len(calls))
    lr = np.where(code & 1, lr * settings.resolution_failed_weight, lr)
    lr = np.where(code & 2, lr * settings.resolution_confirmed_weight, lr)
    lr = np.where(code & 4, lr * settings.outside_cause_weight, lr)
    odds = share / (1 - share) * lr
    repeat = (calls["fcr_status"] == "repeat").to_numpy()
    return np.where(repeat, odds / (1 + odds), 0.0), share, code


def _fcr_items(calls: pd.DataFrame, yields: np.ndarray, share: np.ndarray, code: np.ndarray,
               fcr: dict[str, Flag], room: int) -> list[ReviewItem]:
    """Callback calls of agents flagged or watched for FCR, the likeliest agent-caused first."""
    targeted = {a for a, f in fcr.items() if f.status in TARGETED}
    agent = calls["agent_id"].astype(str).to_numpy()
    pick = ((calls["fcr_status"] == "repeat")
            & calls["agent_id"].astype(str).isin(targeted)).to_numpy()
    if room <= 0 or not pick.any():
        return []
    index = np.flatnonzero(pick)
    strength = np.asarray([fcr[a].prob_worse or 0.0 for a in agent[index]])
    ids = calls["call_id"].astype(str).to_numpy()
    order = np.lexsort((ids[index], -strength, -yields[index]))[:room]
    callbacks = calls["callback_call_id"].to_numpy() if "callback_call_id" in calls else None
    causes = calls["outside_cause"].to_numpy() if "outside_cause" in calls else None
    items = []
    for i in index[order]:
        flag = fcr[agent[i]]
        callback = callbacks[i] if callbacks is not None else None
        then = f" ({callback})" if isinstance(callback, str) and callback else ""
        reasons = [
            f"the customer called back{then}: agent {flag.status} for FCR "
            f"(estimated {flag.estimate or 0:.2f}x peers, {flag.prob_worse or 0:.0%} "
            f"probability worse)",
            f"{yields[i]:.0%} chance the repeat was caused by the agent's handling "
            f"({share[i]:.0%} of this agent's repeats are expected to be theirs, before this "
            f"call's own signals)",
        ]
        if code[i] & 1:
            reasons.append("no resolution confirmation, or a deferral, in the call")
        if code[i] & 2:
            reasons.append("resolution confirmed in the call: ranked lower")
        if code[i] & 4:
            cause = causes[i] if causes is not None else ""
            reasons.append(f"the call names an outside cause ('{cause}'): ranked lower")
        items.append(ReviewItem(
            call_id=str(ids[i]), agent_id=str(agent[i]),
            priority=round(2.0 + float(yields[i]), 4), reasons=tuple(reasons),
            kind="fcr_repeat", expected_yield=round(float(yields[i]), 4)))
    return items


def _criterion_items(calls: pd.DataFrame, criteria: pd.DataFrame, flags: Sequence[Flag],
                     yields: np.ndarray, taken: set[str], room: int) -> list[ReviewItem]:
    """Calls failing a criterion the agent is flagged or watched on: flagged first, then the
    stronger evidence, then the calls showing more of those criteria."""
    weak = {(f.agent_id, f.criterion_id): f for f in flags
            if f.kind == "criterion" and f.status in TARGETED}
    if room <= 0 or not weak:
        return []
    fails = criteria.loc[criteria["outcome"] == "fail", ["call_id", "criterion_id"]]
    fails = fails[~fails["call_id"].isin(taken)].merge(
        calls[["call_id", "agent_id"]].assign(position=np.arange(len(calls))), on="call_id")
    keys = pd.MultiIndex.from_frame(fails[["agent_id", "criterion_id"]].astype(str))
    wanted = pd.MultiIndex.from_tuples(list(weak), names=["agent_id", "criterion_id"])
    fails = fails[keys.isin(wanted)]
    if fails.empty:
        return []
    strength = np.asarray([
        (2.0 if weak[(a, c)].status == "flagged" else 1.0) + (weak[(a, c)].prob_worse or 0.0)
        for a, c in zip(fails["agent_id"].astype(str), fails["criterion_id"].astype(str),
                        strict=True)])
    fails = fails.assign(strength=strength)
    per_call = fails.groupby("call_id", sort=False).agg(
        agent_id=("agent_id", "first"), position=("position", "first"),
        strength=("strength", "max"), shown=("criterion_id", "size"),
        criteria=("criterion_id", lambda c: tuple(sorted(map(str, c))))).reset_index()
    per_call = per_call.sort_values(["strength", "shown", "call_id"],
                                    ascending=[False, False, True]).head(room)
    items = []
    for row in per_call.itertuples(index=False):
        best = max((weak[(str(row.agent_id), c)] for c in row.criteria),
                   key=lambda f: (f.status == "flagged", f.prob_worse or 0.0))
        shown = ", ".join(f"'{c}'" for c in row.criteria)
        items.append(ReviewItem(
            call_id=str(row.call_id), agent_id=str(row.agent_id),
            priority=round(1.0 + min(float(best.prob_worse or 0.0), 0.999), 4),
            reasons=(f"fails {shown}: the agent is {best.status} on '{best.criterion_id}' "
                     f"({best.prob_worse or 0:.0%} probability worse than peers on the same "
                     f"call types)",),
            kind="criterion", expected_yield=round(float(yields[int(row.position)]), 4)))
    return items


def _poor_calls(calls: pd.DataFrame, failed: pd.Series, low_score: float
                ) -> list[ReviewItem]:
    """Calls that failed a critical criterion or scored below `low_score`, whoever took
    them: each deserves a human ear on its own. Listed after the targeted calls above
    (priority under 1), the worst first."""
    score = (pd.to_numeric(calls["score"], errors="coerce") if "score" in calls
             else pd.Series(float("nan"), index=calls.index))
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


def _control_sample(calls: pd.DataFrame, yields: np.ndarray, taken: set[str], count: int,
                    seed: int) -> list[ReviewItem]:
    ids = calls["call_id"].astype(str).to_numpy()
    pool = np.flatnonzero(~calls["call_id"].astype(str).isin(taken).to_numpy())
    if count <= 0 or pool.size == 0:
        return []
    picked = np.random.default_rng(seed).choice(pool, size=min(count, pool.size),
                                                replace=False)
    agents = calls["agent_id"].astype(str).to_numpy()
    return [ReviewItem(call_id=str(ids[i]), agent_id=str(agents[i]), priority=0.0,
                       reasons=(CONTROL_REASON,), control=True, kind="control",
                       expected_yield=round(float(yields[i]), 4)) for i in picked]


def _plan(items: list[ReviewItem], control_items: list[ReviewItem], budget: int,
          calls: pd.DataFrame, yields: np.ndarray, settings: ReviewSettings) -> ReviewPlan:
    """The queue and its expected yield against random monitoring."""
    known = calls["fcr_status"].isin(("repeat", "resolved")).to_numpy()
    targeted = len(items)
    found = float(sum(i.expected_yield or 0.0 for i in items))
    random_share = float(yields[known].mean()) if known.any() else None
    per_agent = pd.Series(yields[known]).groupby(
        calls["agent_id"].astype(str).to_numpy()[known]).mean()
    agent_share = float(per_agent.mean()) if len(per_agent) else None
    unused = budget - targeted - len(control_items)
    share = found / targeted if targeted else None
    reasons = [f"budget {budget} reviews: {targeted} targeted calls, {len(control_items)} "
               f"random controls ({settings.control_share:.0%} of the budget, listed after "
               f"the targeted calls)" + (f", {unused} left unused: no more calls worth "
                                        f"targeting" if unused > 0 else "")]
    if random_share is not None and targeted:
        reasons.append(
            f"the targeted calls are expected to find {found:.0f} repeats caused by the "
            f"agent's handling ({share:.0%} of the calls), against {targeted * random_share:.0f}"
            f" ({random_share:.0%}) for as many random calls and "
            f"{targeted * (agent_share or 0.0):.0f} ({agent_share or 0.0:.0%}) for the same "
            f"number spread as {settings.reviews_per_agent} random calls per agent")
    return ReviewPlan(
        items=(*items, *control_items), budget=budget, targeted=targeted,
        controls=len(control_items), unused=max(unused, 0), expected_found=round(found, 3),
        expected_random=round(targeted * (random_share or 0.0), 3),
        expected_per_agent=round(targeted * (agent_share or 0.0), 3),
        targeted_share=None if share is None else round(share, 4),
        random_share=None if random_share is None else round(random_share, 4),
        reasons=tuple(reasons))


# --- suggestions and reports (unchanged by issue 11) -------------------------------------------


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
