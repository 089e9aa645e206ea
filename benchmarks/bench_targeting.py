"""Does the targeting find the weak agents and the repeats they caused? Many seeds of a
centre of realistic size, and the analysis time at 1.4 million calls.

Usage: .venv/bin/python -m benchmarks.bench_targeting [--seeds 40] [--first-seed 5000]
       [--regime issue|process|weaker|all] [--large-agents 3600] [--skip-large] [--json PATH]

Data: `callqa.scoring.simulate.generate_centre` (40 agents in 8 teams, about 6,000 calls
over two months, five call types, five weak agents at 1.5-1.8 times the odds of a repeat,
four specialists on the two hardest call types, four part-timers with about 60 calls, one
process team, two agents weak on empathy), with the planted truth per call (was the repeat
caused by the agent's handling?). Regimes: `issue` (the issue's centre: the process team
misses a compliance step), `process` (its process also causes extra repeats, 1.5-1.9 times
the odds), `weaker` (weak agents at 1.3-1.8 times the odds).

Per seed, each compared on the same archive:
- the product's FCR flags (status `flagged` only): precision and recall on the weak agents,
  specialists / part-timers / non-weak process-team agents flagged, and whether the issue's
  bar holds (precision >= 0.75, recall >= 0.6, no specialist or part-timer flagged);
- the plain call-type-adjusted exact test at p < 0.05 per agent (leave-one-out rates), and
  the previous product (exact test + Benjamini-Hochberg);
- the review queue at the default budget (5 reviews per agent, 10 % random controls): share
  of its top 100 calls whose repeat the agent's handling caused; the product's own expected
  share; five random calls per agent (exact expectation); the previous product's top 100; a
  simple queue of the most suspect agents' callback calls (lowest plain p first);
- criterion flags: agents weak on empathy flagged, the process team's compliance miss found.
Then: the analysis (compute_fcr, fcr_flags, review_queue build) on a `generate_archive` of
about 1.4 million calls, timed against the previous implementation in the same process,
with the peak memory each allocates (tracemalloc, in a second run).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from callqa.configs.settings import FlagSettings, ReviewSettings
from callqa.scoring.fcr import compute_fcr
from callqa.scoring.flags import criterion_flags, fcr_assessment, poisson_binomial_tail
from callqa.scoring.review import review_plan, review_queue
from callqa.scoring.simulate import CentreRegime, generate_archive, generate_centre

REGIMES = {
    "issue": CentreRegime(process_odds=(1.0, 1.0)),
    "process": CentreRegime(),
    "weaker": CentreRegime(weak_odds=(1.3, 1.8), process_odds=(1.0, 1.0)),
}
PERIOD = (date(2026, 9, 1), date(2026, 10, 31))


@dataclass(frozen=True)
class Baseline:
    """The previous implementation (`benchmarks/baseline/`)."""

    fcr_flags: Callable[..., Any]
    review_queue: Callable[..., Any]
    review_settings: Callable[..., Any]


def _baseline() -> Baseline:
    from benchmarks.baseline.flags import fcr_flags as old_flags
    from benchmarks.baseline.review import review_queue as old_queue
    from benchmarks.baseline.settings import ReviewSettings as OldReviewSettings

    return Baseline(old_flags, old_queue, OldReviewSettings)


def with_fcr(calls: pd.DataFrame, days: int) -> pd.DataFrame:
    end = pd.Timestamp(calls["started_at"].min()).normalize() + pd.Timedelta(days=days)
    fcr = compute_fcr(calls, as_of=end.to_pydatetime())
    return calls.assign(fcr_status=fcr["fcr_status"].to_numpy(),
                        callback_call_id=fcr["callback_call_id"].to_numpy())


def plain_test(calls: pd.DataFrame) -> pd.Series:
    """agent -> one-sided exact p of 'no worse than peers' (leave-one-out call-type rates)."""
    known = calls[calls["fcr_status"].isin(("repeat", "resolved"))]
    table = known.assign(event=known["fcr_status"] == "repeat").groupby(
        ["agent_id", "call_type"])["event"].agg(n="size", y="sum").reset_index()
    totals = table.groupby("call_type")[["n", "y"]].transform("sum")
    others = (totals["n"] - table["n"]).clip(lower=1)
    table["rate"] = (totals["y"] - table["y"]) / others
    return pd.Series({agent: poisson_binomial_tail(rows["n"].tolist(), rows["rate"].tolist(),
                                                   int(rows["y"].sum()))
                      for agent, rows in table.groupby("agent_id")})


def _scores(flagged: set[str], agents: pd.DataFrame) -> dict[str, float]:
    weak = set(agents.index[agents["kind"] == "weak"])
    kind = agents["kind"]
    true = len(flagged & weak)
    precision = true / len(flagged) if flagged else float("nan")
    recall = true / len(weak) if weak else float("nan")
    special = sum(kind[a] == "specialist" for a in flagged)
    part = sum(kind[a] == "part_timer" for a in flagged)
    bar = (len(flagged) > 0 and precision >= 0.75 and recall >= 0.6 and special == 0
           and part == 0)
    return {"precision": precision, "recall": recall, "flagged": float(len(flagged)),
            "true": float(true), "weak": float(len(weak)),
            "specialists": float(special), "part_timers": float(part),
            "process_team": float(sum(bool(agents.at[a, "process_team"])
                                      and kind[a] != "weak" for a in flagged)),
            "bar": float(bar)}


def one_seed(seed: int, regime: CentreRegime, old: Baseline | None) -> dict[str, float]:
    archive = generate_centre(seed, regime)
    agents = archive.agents.set_index("agent_id")
    calls = with_fcr(archive.calls, regime.days)
    truth = calls.set_index("call_id")["agent_caused"]
    out: dict[str, float] = {}
    flags, issues = fcr_assessment(calls, PERIOD)
    statuses = pd.Series({f.agent_id: f.status for f in flags})
    flagged = set(statuses.index[statuses == "flagged"])
    out.update({f"new_{k}": v for k, v in _scores(flagged, agents).items()})
    out["new_watch"] = float((statuses == "watch").sum())
    out["new_watch_weak"] = float(((statuses == "watch")
                                   & (agents["kind"].reindex(statuses.index) == "weak")).sum())
    out["process_team_found"] = float(any(
        bool(agents.loc[agents["team_id"] == i.scope_id, "process_team"].any())
        for i in issues))
    p_values = plain_test(calls)
    out.update({f"plain_{k}": v for k, v in _scores(set(p_values.index[p_values < 0.05]),
                                                    agents).items()})
    weak_criteria, criterion_issues = criterion_flags(archive.criteria, PERIOD)
    plan = review_plan(calls, archive.criteria, [*flags, *weak_criteria])
    top = [i.call_id for i in plan.items[:100]]
    out["queue_top100"] = float(truth[top].mean())
    out["queue_top100_expected"] = float(np.mean([i.expected_yield or 0.0
                                                  for i in plan.items[:100]]))
    targeted = [i.call_id for i in plan.items if not i.control]
    out["queue_targeted"] = float(truth[targeted].mean()) if targeted else float("nan")
    out["queue_targeted_expected"] = plan.targeted_share or float("nan")
    controls = [i.call_id for i in plan.items if i.control]
    out["queue_controls"] = float(truth[controls].mean()) if controls else float("nan")
    out["random5_per_agent"] = float(calls.groupby("agent_id")["agent_caused"].mean().mean())
    out["random_expected"] = plan.random_share or float("nan")
    order = p_values.sort_values(kind="stable").index
    suspects = calls[calls["fcr_status"] == "repeat"].assign(
        rank=lambda f: f["agent_id"].map({a: r for r, a in enumerate(order)})).sort_values(
        ["rank", "call_id"])
    out["simple_suspect_top100"] = float(truth[suspects["call_id"].head(100)].mean())
    kinds = agents["kind"]
    empathy_weak = set(agents.index[agents["empathy_weak"]])
    empathy = {f.agent_id for f in weak_criteria
               if f.criterion_id == "empathy" and f.status == "flagged"}
    out["empathy_recall"] = len(empathy & empathy_weak) / max(len(empathy_weak), 1)
    out["empathy_specialists"] = float(sum(kinds[a] == "specialist" for a in empathy))
    out["compliance_process_issue"] = float(any(
        i.criterion_id == "recording_disclosure" and i.scope == "team"
        and bool(agents.loc[agents["team_id"] == i.scope_id, "process_team"].any())
        for i in criterion_issues))
    if old is not None:
        old_flags = old.fcr_flags(calls, PERIOD)
        old_flagged = {f.agent_id for f in old_flags if f.status == "flagged"}
        out.update({f"old_{k}": v for k, v in _scores(old_flagged, agents).items()})
        old_queue = old.review_queue(calls, archive.criteria, old_flags,
                                     old.review_settings())
        ranked = sorted(old_queue, key=lambda i: (-i.priority, i.call_id))
        out["old_queue_top100"] = float(truth[[i.call_id for i in ranked[:100]]].mean())
    return out


def summarise(rows: list[dict[str, float]]) -> pd.DataFrame:
    """Mean and spread over seeds (precision: over seeds with a flag), plus the pooled
    precision and recall (all seeds' flags together)."""
    frame = pd.DataFrame(rows)
    for prefix in ("new", "plain", "old"):
        if f"{prefix}_true" in frame:
            frame[f"{prefix}_pooled_precision"] = (frame[f"{prefix}_true"].sum()
                                                   / max(frame[f"{prefix}_flagged"].sum(), 1))
            frame[f"{prefix}_pooled_recall"] = (frame[f"{prefix}_true"].sum()
                                                / max(frame[f"{prefix}_weak"].sum(), 1))
    frame = frame.drop(columns=[c for c in frame if c.endswith(("_true", "_weak"))
                                and not c.endswith("watch_weak")])
    return pd.DataFrame({"mean": frame.mean(), "sd": frame.std(), "p10": frame.quantile(0.1),
                         "min": frame.min(), "max": frame.max()}).round(3)


def large(agents: int, old: Baseline | None) -> dict[str, float]:
    """Analysis time at about 1.4 million calls, new vs previous, same process."""
    t = time.perf_counter()
    archive = generate_archive(days=28, n_agents=agents, seed=1, with_criteria=False,
                               planted={"weak": 30, "hard_mix": 60, "part_timer": 40})
    generated = time.perf_counter() - t
    calls = archive.calls.drop(columns=["caused_repeat", "repeat_cause", "agent_caused"])
    empty = calls.iloc[:0][["call_id"]].assign(criterion_id="", outcome="")
    result: dict[str, float] = {"calls": float(len(calls)), "generate_s": generated}
    t = time.perf_counter()
    fcr = compute_fcr(calls)
    result["compute_fcr_s"] = time.perf_counter() - t
    calls = calls.assign(fcr_status=fcr["fcr_status"].to_numpy(),
                         callback_call_id=fcr["callback_call_id"].to_numpy())
    period = (calls["started_at"].min().date(), calls["started_at"].max().date())

    def new() -> None:
        flags = fcr_assessment(calls, period, FlagSettings())[0]
        review_queue(calls, empty, flags, ReviewSettings())

    def new_200() -> None:
        flags = fcr_assessment(calls, period, FlagSettings())[0]
        review_queue(calls, empty, flags, ReviewSettings(queue_size=200))

    runs: dict[str, Callable[[], None]] = {"new": new, "new_queue200": new_200}
    if old is not None:
        def previous() -> None:
            flags = old.fcr_flags(calls, period)
            old.review_queue(calls, empty, flags, old.review_settings())
        runs["old"] = previous
    for name, run in runs.items():
        times = []
        for _ in range(2):
            t = time.perf_counter()
            run()
            times.append(time.perf_counter() - t)
        result[f"{name}_s"] = min(times)
    for name, run in runs.items():
        tracemalloc.start()
        run()
        result[f"{name}_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    if old is not None:
        result["ratio_new_to_old"] = result["new_s"] / result["old_s"]
    flags = fcr_assessment(calls, period)[0]
    kinds = archive.agents.set_index("agent_id")["kind"]
    flagged = [f.agent_id for f in flags if f.status == "flagged"]
    result["flagged"] = float(len(flagged))
    result["flagged_weak"] = float(sum(kinds[a] == "weak" for a in flagged))
    result["watch"] = float(sum(f.status == "watch" for f in flags))
    result["process_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--first-seed", type=int, default=5000)
    parser.add_argument("--regime", default="all", choices=[*REGIMES, "all"])
    parser.add_argument("--large-agents", type=int, default=3600)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--json", default=None, help="Also write the results here.")
    args = parser.parse_args()
    old = _baseline()
    report: dict[str, Any] = {}
    for name in (list(REGIMES) if args.regime == "all" else [args.regime]):
        started = time.perf_counter()
        rows = [one_seed(args.first_seed + i, REGIMES[name], old) for i in range(args.seeds)]
        table = summarise(rows)
        report[name] = table.to_dict(orient="index")
        print(f"\n== regime {name}: {args.seeds} seeds "
              f"({time.perf_counter() - started:.0f} s) ==")
        print(table.to_string())
    if not args.skip_large:
        result = large(args.large_agents, old)
        report["large"] = result
        print("\n== 1.4M calls: analysis (compute_fcr + fcr_flags + review_queue build) ==")
        for key, value in result.items():
            print(f"  {key:<22} {value:10.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=1, default=float)


if __name__ == "__main__":
    main()
