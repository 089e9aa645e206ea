"""Synthetic call archives with planted truths, for tests, benchmarks and demos.

Seeded and vectorised (a million calls in seconds). Two regimes.

`generate_archive` (the bundled regime, 60 agents, strong effects). Planted agent kinds:
- `typical`: repeats at the centre's per-call-type rates;
- `weak`: causes extra repeats (their calls fail resolution more often, no outside cause);
- `hard_mix`: typical skill, but takes mostly high-repeat call types (technical support,
  complaints): must NOT be flagged;
- `part_timer`: a week of calls and an unlucky one (repeats well above the rate): too few
  calls to judge, never flagged;
- `empathy_weak`: misses empathy when the customer gives an occasion.
One team (`t-process`) misses `recording_disclosure` on most calls: a process issue.

`generate_centre` (a centre of realistic size, `CentreRegime`: 40 agents in 8 teams, about
6,000 calls over two months, five call types with very different repeat rates). Every call
that the customer had to call back about carries its planted cause (`repeat_cause`): the
agent's handling, the customer, an outside cause (outage, courier) or the team's process.
Planted: weak agents (1.5-1.8 times the odds of a repeat, the extra repeats caused by their
handling), specialists who take only the two hardest call types, part-timers with about 60
calls, typical agents with a small natural spread, one team whose process causes extra
repeats (and misses `recording_disclosure`), and agents weak on empathy. Each seed draws its
own rates, cause shares and signal strengths inside the regime's ranges, so that a method
tuned on many seeds is not tuned to one archive.
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
    compliance_score, critical_failed, outside_cause (the cause the call names, or None);
    the planted truth: caused_repeat (the customer had to call back about this contact),
    repeat_cause (agent, customer, outside, process, or None), agent_caused (the repeat was
    caused by the agent's handling)."""
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
    agent_caused = (calls["caused_repeat"] & calls["outside_cause"].isna()).to_numpy(bool)
    cause = np.full(len(calls), None, dtype=object)
    cause[calls["caused_repeat"].to_numpy(bool)] = "outside"
    cause[agent_caused] = "agent"
    calls = calls.assign(repeat_cause=cause, agent_caused=agent_caused)
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


# --- a centre of realistic size ---------------------------------------------------------------

CENTRE_TYPES = ("sales", "billing", "orders", "technical_support", "complaints")
CENTRE_REPEAT_RATE = (0.05, 0.11, 0.18, 0.29, 0.40)
"""Repeat probability of a typical agent's call, per call type (jittered per seed)."""
CENTRE_MIX = (0.24, 0.30, 0.18, 0.17, 0.11)
SPECIALIST_MIX = (0.0, 0.0, 0.0, 0.55, 0.45)
"""Specialists take only the two hardest call types."""
HABIT_SPREAD = 0.25
"""Standard deviation of an agent's own log odds of failing each criterion (habits)."""
REPEAT_CAUSES = ("agent", "customer", "outside", "process")
EMPATHY_OCCASION = (0.2, 0.3, 0.35, 0.5, 0.85)
EMPATHY_FAIL = (0.10, 0.14, 0.16, 0.22, 0.32)
"""Empathy is needed, and missed, more often on the hard call types: criterion flags must
compare an agent with peers on the same call types too."""
CENTRE_FAIL_RATE = {"greeting": 0.05, "greeting_by_name": 0.25, "agent_introduction": 0.1,
                    "recording_disclosure": 0.06, "anything_else": 0.2, "closing": 0.08}


@dataclass(frozen=True)
class CentreRegime:
    """The knobs of `generate_centre`. Ranges are drawn per seed (uniformly)."""

    n_agents: int = 40
    n_teams: int = 8
    days: int = 61
    calls: int = 6000
    """About this many calls in all (first contacts, callbacks and transfers)."""
    n_weak: int = 5
    weak_odds: tuple[float, float] = (1.5, 1.8)
    """Weak agents: odds of a repeat times this, on the same call types; the extra repeats
    are caused by their handling."""
    n_specialists: int = 4
    n_part_timers: int = 4
    part_timer_calls: int = 60
    part_timer_odds: tuple[float, float] = (1.0, 1.4)
    """New part-timers may be a little worse, but 60 calls cannot show it."""
    typical_spread: float = 0.08
    """Standard deviation of the log odds ratio of everyone who is not weak."""
    process_team: bool = True
    process_odds: tuple[float, float] = (1.5, 1.9)
    """The process team's extra repeats (caused by the process, not by its agents)."""
    n_empathy_weak: int = 2
    agent_share: tuple[float, float] = (0.25, 0.4)
    """Share of a typical agent's repeats that their handling caused."""
    outside_share: tuple[float, float] = (0.15, 0.3)
    """Share of a typical agent's repeats with an outside cause (outage, courier)."""
    outside_named: tuple[float, float] = (0.55, 0.8)
    """Probability that a call whose repeat had an outside cause names it."""
    resolution_fail_agent: tuple[float, float] = (0.55, 0.8)
    """Probability that a call whose repeat the agent caused fails `resolution_confirmed`
    (no confirmation, a deferral, the customer says it still does not work)."""
    rate_jitter: float = 0.2
    """Each call type's repeat rate is multiplied by a draw in [1 - jitter, 1 + jitter]."""


def generate_centre(
    seed: int = 0,
    regime: CentreRegime | None = None,
    start: datetime = datetime(2026, 9, 1, tzinfo=UTC),
    with_criteria: bool = True,
) -> Archive:
    """A centre of realistic size with the planted truths of `CentreRegime`.

    `agents`: agent_id, team_id, kind (weak, typical, specialist, part_timer), process_team,
    empathy_weak, odds_ratio (the planted skill effect), calls_per_day. `calls` as in
    `generate_archive`, every call started within `regime.days` of `start` (a callback that
    would fall later is not in the archive: its first call is then `pending`)."""
    regime = regime or CentreRegime()
    rng = np.random.default_rng(seed)
    draw = {name: float(rng.uniform(*getattr(regime, name))) for name in (
        "agent_share", "outside_share", "outside_named", "resolution_fail_agent")}
    jitter = rng.uniform(1 - regime.rate_jitter, 1 + regime.rate_jitter, len(CENTRE_TYPES))
    rates = np.clip(np.asarray(CENTRE_REPEAT_RATE) * jitter, 0.01, 0.6)
    agents = _centre_agents(regime, rng)
    mixes = _centre_mixes(agents, rng)
    mean_rate = float((mixes * rates).sum(axis=1).mean())
    per_primary = 1.0 / (1.0 - mean_rate) + 0.02  # callbacks (chains) and transfers
    part = (agents["kind"] == "part_timer").to_numpy()
    volume = np.where(part, regime.part_timer_calls / per_primary, 0.0)
    full = rng.uniform(0.75, 1.25, len(agents)) * ~part
    volume += full / full.sum() * max(regime.calls / per_primary - volume.sum(), 0.0)
    counts = rng.poisson(volume)
    agent_index = np.repeat(np.arange(len(agents)), counts)
    n = int(agent_index.size)
    cumulative = np.cumsum(mixes, axis=1)[agent_index]
    type_index = np.minimum((rng.random(n)[:, None] > cumulative).sum(axis=1),
                            len(CENTRE_TYPES) - 1)
    seconds = rng.random(n) * regime.days * 86400.0
    order = np.argsort(seconds)
    agent_index, type_index = agent_index[order], type_index[order]
    primary = pd.DataFrame({
        "call_id": [f"c{i:07d}" for i in range(n)],
        "agent_index": agent_index,
        "customer_id": [f"u{i:07d}" for i in range(n)],
        "type_index": type_index,
        "started_at": pd.Timestamp(start) + pd.to_timedelta(seconds[order], unit="s"),
    })
    by_type = np.bincount(agent_index * len(CENTRE_TYPES) + type_index,
                          minlength=len(agents) * len(CENTRE_TYPES)).reshape(len(agents), -1)
    model = _CauseModel(agents, rates, draw)
    levels = [model.outcomes(primary, rng)]
    for level in range(1, 6):  # callbacks can cause callbacks
        previous = levels[-1]
        source = previous[previous["caused_repeat"].to_numpy()]
        if source.empty:
            break
        callbacks = _centre_followups(source, by_type, rng, f"r{level}-",
                                      (1.0, 7 * 24.0 - 0.5), "h")
        levels.append(model.outcomes(callbacks, rng))
    # Transfers: the contact continues minutes later with another agent, who now carries
    # the contact's outcome (FCR charges a repeat to the contact's last call).
    moved = levels[0].sample(frac=0.02, random_state=int(rng.integers(1 << 31)))
    transfers = _centre_followups(moved, by_type, rng, "x", (1.0, 10.0), "min")
    truth = ["caused_repeat", "repeat_cause", "agent_caused"]
    transfers = model.outcomes(transfers, rng).drop(columns=truth)
    transfers[truth] = moved[truth].to_numpy()
    first = levels[0]
    is_moved = first["call_id"].isin(moved["call_id"]).to_numpy()
    first.loc[is_moved, "caused_repeat"] = False
    first.loc[is_moved, "agent_caused"] = False
    first.loc[is_moved, "repeat_cause"] = None
    first.loc[is_moved, "resolution_failed"] = True  # "let me transfer you"
    calls = pd.concat([*levels, transfers], ignore_index=True)
    end = pd.Timestamp(start) + pd.Timedelta(days=regime.days)
    calls = calls[calls["started_at"] < end].reset_index(drop=True)
    calls = calls.astype({"caused_repeat": bool, "agent_caused": bool})
    calls["handle_time"] = rng.gamma(4.0, 75.0, len(calls)).round(1)
    calls["agent_id"] = agents["agent_id"].to_numpy()[calls["agent_index"].to_numpy()]
    calls["team_id"] = agents["team_id"].to_numpy()[calls["agent_index"].to_numpy()]
    calls["call_type"] = np.asarray(CENTRE_TYPES, dtype=object)[calls["type_index"].to_numpy()]
    criteria = (_centre_criteria(calls, agents, rng) if with_criteria else pd.DataFrame(
        columns=["call_id", "agent_id", "team_id", "call_type", "criterion_id", "outcome"]))
    calls = _scores(calls, criteria)
    columns = ["call_id", "agent_id", "team_id", "customer_id", "call_type", "started_at",
               "handle_time", "score", "compliance_score", "critical_failed", "outside_cause",
               "caused_repeat", "repeat_cause", "agent_caused"]
    return Archive(agents=agents.assign(calls_per_day=counts * per_primary / regime.days),
                   calls=calls[columns], criteria=criteria)


def _centre_agents(regime: CentreRegime, rng: np.random.Generator) -> pd.DataFrame:
    n = regime.n_agents
    kinds = (["weak"] * regime.n_weak + ["specialist"] * regime.n_specialists
             + ["part_timer"] * regime.n_part_timers)
    kinds = (kinds + ["typical"] * max(0, n - len(kinds)))[:n]
    rng.shuffle(kinds)
    kind = np.asarray(kinds, dtype=object)
    teams = np.asarray([f"t{1 + i % regime.n_teams}" for i in range(n)], dtype=object)
    process_team = (teams == f"t{1 + int(rng.integers(regime.n_teams))}") & regime.process_team
    log_odds = rng.normal(0.0, regime.typical_spread, n)
    weak = kind == "weak"
    log_odds[weak] = np.log(rng.uniform(*regime.weak_odds, int(weak.sum())))
    part = kind == "part_timer"
    log_odds[part] += np.log(rng.uniform(*regime.part_timer_odds, int(part.sum())))
    empathy_weak = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(kind == "typical")
    empathy_weak[rng.choice(candidates, size=min(regime.n_empathy_weak, candidates.size),
                            replace=False)] = True
    process_log_odds = np.where(process_team, np.log(rng.uniform(*regime.process_odds)), 0.0)
    return pd.DataFrame({
        "agent_id": [f"a{i:03d}" for i in range(n)], "team_id": teams, "kind": kind,
        "process_team": process_team, "empathy_weak": empathy_weak,
        "odds_ratio": np.exp(log_odds).round(3), "log_odds": log_odds,
        "process_log_odds": process_log_odds,
    })


def _centre_mixes(agents: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Call-type mix per agent: the centre's mix varied by team and agent; specialists take
    only the hardest call types."""
    teams = sorted(agents["team_id"].unique())
    team_mix = {t: rng.dirichlet(np.asarray(CENTRE_MIX) * 40) for t in teams}
    mixes = np.stack([rng.dirichlet(team_mix[t] * 60 + 1e-3) for t in agents["team_id"]])
    special = (agents["kind"] == "specialist").to_numpy()
    for row in np.flatnonzero(special):
        mixes[row] = rng.dirichlet(np.asarray(SPECIALIST_MIX) * 40 + 1e-9)
    return np.asarray(mixes / mixes.sum(axis=1, keepdims=True))


def _centre_followups(source: pd.DataFrame, by_type: np.ndarray, rng: np.random.Generator,
                      prefix: str, delay: tuple[float, float], unit: str) -> pd.DataFrame:
    """The same customer again about the same call type, answered by an agent who takes that
    call type, picked by volume."""
    types = source["type_index"].to_numpy()
    picked = np.empty(len(source), dtype=np.int64)
    for t in np.unique(types):
        rows = np.flatnonzero(types == t)
        weights = by_type[:, t] / max(by_type[:, t].sum(), 1)
        picked[rows] = rng.choice(len(weights), size=rows.size, p=weights)
    lag = pd.to_timedelta(rng.uniform(*delay, len(source)), unit=unit)
    return pd.DataFrame({
        "call_id": [f"{prefix}{i:07d}" for i in range(len(source))],
        "agent_index": picked,
        "customer_id": source["customer_id"].to_numpy(),
        "type_index": types,
        "started_at": (source["started_at"] + lag).to_numpy(),
    })


class _CauseModel:
    """Repeat probability on the logit scale: call type + agent skill + team process. The
    repeat's cause: a typical agent's repeats split into agent / customer / outside shares;
    a weak agent's extra repeats are the agent's, the process team's extra ones the
    process's."""

    def __init__(self, agents: pd.DataFrame, rates: np.ndarray, draw: dict[str, float]):
        self.log_odds = agents["log_odds"].to_numpy()
        self.process = agents["process_log_odds"].to_numpy()
        self.rates = rates
        self.draw = draw
        self.style = np.zeros(len(agents))

    def outcomes(self, calls: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
        if not self.style.any():
            self.style = rng.normal(0.0, 0.4, self.style.size)  # resolution phrasing habits
        agent, kind = calls["agent_index"].to_numpy(), calls["type_index"].to_numpy()
        base = self.rates[kind]
        logit = np.log(base / (1 - base))
        skilled = _expit(logit + self.log_odds[agent])
        total = _expit(logit + self.log_odds[agent] + self.process[agent])
        share_agent, share_out = self.draw["agent_share"], self.draw["outside_share"]
        p_agent = np.maximum(share_agent * base + skilled - base, 0.0)
        p_customer = (1 - share_agent - share_out) * base
        p_outside = share_out * base
        p_process = total - skilled
        bounds = np.cumsum(np.stack([p_agent, p_customer, p_outside, p_process]), axis=0)
        u = rng.random(len(calls))
        which = (u[None, :] >= bounds).sum(axis=0)  # 4: no repeat
        caused = which < 4
        cause = np.asarray([*REPEAT_CAUSES, None], dtype=object)[which]
        named_p = np.select([which == 2, which == 3], [self.draw["outside_named"], 0.15], 0.03)
        named = rng.random(len(calls)) < named_p
        outside = rng.choice(OUTSIDE_CAUSES, size=len(calls)).astype(object)
        outside[~named] = None
        fail_p = np.select([which == 0, which == 1, which == 2, which == 3],
                           [self.draw["resolution_fail_agent"], 0.22, 0.3, 0.3], 0.1)
        fail_logit = np.log(fail_p / (1 - fail_p)) + self.style[agent]
        failed = rng.random(len(calls)) < _expit(fail_logit)
        return calls.assign(caused_repeat=caused, repeat_cause=cause,
                            agent_caused=which == 0, outside_cause=outside,
                            resolution_failed=failed)


def _expit(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _centre_criteria(calls: pd.DataFrame, agents: pd.DataFrame,
                     rng: np.random.Generator) -> pd.DataFrame:
    n = len(calls)
    agent, kind = calls["agent_index"].to_numpy(), calls["type_index"].to_numpy()
    process = agents["process_team"].to_numpy()[agent]
    empathy_weak = agents["empathy_weak"].to_numpy()[agent]
    frames = []
    names = [*CENTRE_FAIL_RATE, "empathy", "resolution_confirmed"]
    habits = rng.normal(0.0, HABIT_SPREAD, (len(names), len(agents)))
    for row, criterion in enumerate(names):
        outcome = np.full(n, "pass", dtype=object)
        if criterion == "resolution_confirmed":
            failed = calls["resolution_failed"].to_numpy()
        else:
            if criterion == "empathy":
                rate = np.where(empathy_weak, 0.65, np.asarray(EMPATHY_FAIL)[kind])
            else:
                rate = np.full(n, CENTRE_FAIL_RATE[criterion])
            if criterion == "recording_disclosure":
                rate = np.where(process, 0.85, rate)
            logit = np.log(rate / (1 - rate)) + habits[row][agent]
            failed = rng.random(n) < _expit(logit)
        outcome[failed] = "fail"
        if criterion == "empathy":
            outcome[rng.random(n) >= np.asarray(EMPATHY_OCCASION)[kind]] = "na"
        frames.append(pd.DataFrame({
            "call_id": calls["call_id"].to_numpy(), "agent_id": calls["agent_id"].to_numpy(),
            "team_id": calls["team_id"].to_numpy(), "call_type": calls["call_type"].to_numpy(),
            "criterion_id": criterion, "outcome": outcome,
        }))
    return pd.concat(frames, ignore_index=True)
