"""Synthetic call archives with planted truths, for tests, benchmarks and demos.

Seeded and vectorised (a million calls in seconds). Planted agent kinds:
- `typical`: repeats at the centre's per-call-type rates;
- `weak`: causes extra repeats (their calls fail resolution more often, no outside cause);
- `hard_mix`: typical skill, but takes mostly high-repeat call types (technical support,
  complaints): must NOT be flagged;
- `part_timer`: a week of calls and an unlucky one (repeats well above the rate): too few
  calls to judge, never flagged;
- `empathy_weak`: misses empathy when the customer gives an occasion.
One team (`t-process`) misses `recording_disclosure` on most calls: a process issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

CALL_TYPES = ("sales", "billing", "technical_support", "complaints")
BASE_REPEAT_RATE = {"sales": 0.05, "billing": 0.14, "technical_support": 0.30,
                    "complaints": 0.38}
TYPICAL_MIX = (0.25, 0.35, 0.25, 0.15)
HARD_MIX = (0.02, 0.08, 0.50, 0.40)
CRITERIA = ("greeting", "greeting_by_name", "agent_introduction", "recording_disclosure",
            "empathy", "anything_else", "resolution_confirmed", "closing")
BASE_FAIL_RATE = {"greeting": 0.05, "greeting_by_name": 0.25, "agent_introduction": 0.1,
                  "recording_disclosure": 0.08, "empathy": 0.2, "anything_else": 0.2,
                  "resolution_confirmed": 0.15, "closing": 0.08}
EMPATHY_OCCASION_RATE = 0.4
OUTSIDE_CAUSE_SHARE = 0.35
OUTSIDE_CAUSES = ("outage", "courier", "back office")
"""Share of a typical agent's repeats whose call names an outside cause (outage, courier)."""


@dataclass(frozen=True)
class Archive:
    agents: pd.DataFrame
    """agent_id, team_id, kind, calls_per_day, repeat_multiplier."""
    calls: pd.DataFrame
    """call_id, agent_id, team_id, customer_id, call_type, started_at, handle_time, score,
    compliance_score, critical_failed, outside_cause (the cause the call names, or None),
    caused_repeat (the planted truth)."""
    criteria: pd.DataFrame
    """call_id, agent_id, team_id, call_type, criterion_id, outcome (pass|fail|na)."""


def _agents(n_agents: int, rng: np.random.Generator, planted: dict[str, int]) -> pd.DataFrame:
    kinds = [k for k, count in planted.items() for _ in range(count)]
    kinds += ["typical"] * max(0, n_agents - len(kinds))
    rng.shuffle(kinds)
    teams = [f"t{1 + i % max(1, n_agents // 12)}" for i in range(len(kinds))]
    teams[: max(4, len(kinds) // 20)] = ["t-process"] * max(4, len(kinds) // 20)
    return pd.DataFrame({
        "agent_id": [f"a{i:05d}" for i in range(len(kinds))],
        "team_id": teams,
        "kind": kinds,
        "calls_per_day": [1.5 if k == "part_timer" else float(rng.uniform(8, 14)) for k in kinds],
        "repeat_multiplier": [2.2 if k == "weak" else 1.8 if k == "part_timer" else 1.0
                              for k in kinds],
    })


def generate_archive(
    days: int = 28,
    n_agents: int = 60,
    seed: int = 0,
    planted: dict[str, int] | None = None,
    start: datetime = datetime(2026, 10, 1, tzinfo=UTC),
    with_criteria: bool = True,
) -> Archive:
    rng = np.random.default_rng(seed)
    planted = planted if planted is not None else {
        "weak": 3, "hard_mix": 4, "part_timer": 4, "empathy_weak": 2}
    agents = _agents(n_agents, rng, planted)
    active_days = np.where(agents["kind"] == "part_timer", 7, days)
    counts = rng.poisson(agents["calls_per_day"].to_numpy() * active_days)
    agent_index = np.repeat(np.arange(len(agents)), counts)
    n = int(agent_index.size)
    kind = agents["kind"].to_numpy()[agent_index]
    mix = np.where((kind == "hard_mix")[:, None], HARD_MIX, TYPICAL_MIX)
    type_index = (rng.random(n)[:, None] > np.cumsum(mix, axis=1)).sum(axis=1)
    call_type = np.asarray(CALL_TYPES)[type_index]
    span = np.where(kind == "part_timer", 7, days) * 86400.0
    seconds = rng.random(n) * span
    started = pd.Timestamp(start) + pd.to_timedelta(np.sort(seconds), unit="s")
    order = np.argsort(seconds)
    agent_index, call_type = agent_index[order], call_type[order]
    primary = pd.DataFrame({
        "call_id": [f"c{i:08d}" for i in range(n)],
        "agent_id": agents["agent_id"].to_numpy()[agent_index],
        "customer_id": [f"u{i:08d}" for i in range(n)],
        "call_type": call_type,
        "started_at": started,
    })
    weights = counts / max(counts.sum(), 1)
    levels = [_outcomes(primary, agents, rng)]
    for level in range(1, 4):  # callbacks can cause callbacks: rates stay consistent
        previous = levels[-1]
        callbacks = _callbacks(previous[previous["caused_repeat"]], agents, weights, rng, level)
        if callbacks.empty:
            break
        levels.append(_outcomes(callbacks, agents, rng))
    transfers = _transfers(primary, agents, weights, rng)
    calls = pd.concat([*levels, _outcomes(transfers, agents, rng, repeats=False)],
                      ignore_index=True)
    calls["handle_time"] = rng.gamma(4.0, 75.0, len(calls)).round(1)
    criteria = _criteria(calls, rng) if with_criteria else pd.DataFrame(
        columns=["call_id", "agent_id", "team_id", "call_type", "criterion_id", "outcome"])
    calls = _scores(calls, criteria)
    return Archive(agents=agents, calls=calls.drop(columns=["kind"]), criteria=criteria)


def _outcomes(calls: pd.DataFrame, agents: pd.DataFrame, rng: np.random.Generator,
              repeats: bool = True) -> pd.DataFrame:
    """Add team, kind and the planted truth: did this call cause a repeat, and does it name
    an outside cause (only at the typical share: a weak agent's extra repeats are theirs)."""
    profile = agents.set_index("agent_id").loc[calls["agent_id"]]
    multiplier = profile["repeat_multiplier"].to_numpy()
    base = calls["call_type"].map(BASE_REPEAT_RATE).to_numpy()
    caused = (rng.random(len(calls)) < np.minimum(base * multiplier, 0.95)) & repeats
    outside = caused & (rng.random(len(calls)) < OUTSIDE_CAUSE_SHARE / multiplier)
    cause = rng.choice(OUTSIDE_CAUSES, size=len(calls)).astype(object)
    cause[~outside] = None
    return calls.assign(team_id=profile["team_id"].to_numpy(), kind=profile["kind"].to_numpy(),
                        caused_repeat=caused, outside_cause=cause)


def _callbacks(source: pd.DataFrame, agents: pd.DataFrame, weights: np.ndarray,
               rng: np.random.Generator, level: int) -> pd.DataFrame:
    """The same customer calling back within 7 days, answered by an agent picked by volume."""
    delay = pd.to_timedelta(rng.uniform(1.0, 7 * 24.0 - 0.5, len(source)), unit="h")
    picked = rng.choice(len(agents), size=len(source), p=weights)
    return pd.DataFrame({
        "call_id": [f"r{level}-{i:08d}" for i in range(len(source))],
        "agent_id": agents["agent_id"].to_numpy()[picked],
        "customer_id": source["customer_id"].to_numpy(),
        "call_type": source["call_type"].to_numpy(),
        "started_at": (source["started_at"] + delay).to_numpy(),
    })


def _transfers(primary: pd.DataFrame, agents: pd.DataFrame, weights: np.ndarray,
               rng: np.random.Generator) -> pd.DataFrame:
    """A few calls continued minutes later by another agent: continuations, not repeats."""
    source = primary.sample(frac=0.02, random_state=int(rng.integers(1 << 31)))
    delay = pd.to_timedelta(rng.uniform(1.0, 10.0, len(source)), unit="min")
    picked = rng.choice(len(agents), size=len(source), p=weights)
    return pd.DataFrame({
        "call_id": [f"x{i:08d}" for i in range(len(source))],
        "agent_id": agents["agent_id"].to_numpy()[picked],
        "customer_id": source["customer_id"].to_numpy(),
        "call_type": source["call_type"].to_numpy(),
        "started_at": (source["started_at"] + delay).to_numpy(),
    })


def _criteria(calls: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(calls)
    frames = []
    agent_caused = (calls["caused_repeat"] & calls["outside_cause"].isna()).to_numpy()
    for criterion in CRITERIA:
        fail_rate = np.full(n, BASE_FAIL_RATE[criterion])
        if criterion == "resolution_confirmed":
            fail_rate = np.where(agent_caused, 0.75, fail_rate)
        if criterion == "empathy":
            fail_rate = np.where(calls["kind"].to_numpy() == "empathy_weak", 0.7, fail_rate)
        if criterion == "recording_disclosure":
            fail_rate = np.where(calls["team_id"].to_numpy() == "t-process", 0.85, fail_rate)
        outcome = np.where(rng.random(n) < fail_rate, "fail", "pass").astype(object)
        if criterion == "empathy":
            outcome[rng.random(n) >= EMPATHY_OCCASION_RATE] = "na"
        frames.append(pd.DataFrame({
            "call_id": calls["call_id"].to_numpy(), "agent_id": calls["agent_id"].to_numpy(),
            "team_id": calls["team_id"].to_numpy(), "call_type": calls["call_type"].to_numpy(),
            "criterion_id": criterion, "outcome": outcome,
        }))
    return pd.concat(frames, ignore_index=True)


def _scores(calls: pd.DataFrame, criteria: pd.DataFrame) -> pd.DataFrame:
    if criteria.empty:
        return calls.assign(score=np.nan, compliance_score=np.nan, critical_failed=False)
    applicable = criteria[criteria["outcome"] != "na"]
    passed = (applicable["outcome"] == "pass").groupby(applicable["call_id"]).mean() * 100
    disclosure = criteria[criteria["criterion_id"] == "recording_disclosure"].set_index(
        "call_id")["outcome"]
    return calls.assign(
        score=calls["call_id"].map(passed).round(1),
        compliance_score=calls["call_id"].map((disclosure == "pass") * 100.0),
        critical_failed=False,
    )
