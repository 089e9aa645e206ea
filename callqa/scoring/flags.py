"""Which agents deserve targeted review: graded evidence against peers on the same work.

Call types differ a lot in how often customers call back (or a criterion fails), so an
agent's events are compared with what the centre's per-call-type rates predict for *that
agent's own mix* of calls; the centre's rates leave the agent out, so an agent does not dilute
the yardstick they are measured against. Criterion flags use the same yardstick as FCR flags.

The evidence is graded, not a yes/no gate. For every agent and measure:
- observed vs expected events for their call-type mix;
- an estimate of their rate against peers (1.0 = like peers) with an interval: empirical
  Bayes, Gamma-Poisson. Agents' true rate ratios are taken to spread around the centre as a
  Gamma(a, a) distribution whose spread is estimated from all the agents (by maximum marginal
  likelihood, kept between `min_prior_spread` and `max_prior_spread`); each agent's posterior
  is Gamma(a + observed, a + expected), so a small volume shrinks toward the centre and a
  large one speaks for itself. The counts are scaled by expected / variance so that the
  Poisson model carries the binomial's variance (repeats are yes/no per call);
- the probability that the agent is worse than peers (rate ratio above 1).
Status: `flagged` when that probability reaches `flag_probability` (strict: a flag sends
the agent to coaching), the raw excess reaches `min_ratio`, and few agents would look this bad
by chance (agents judged x exact one-sided p-value <= `max_chance_flags`: p <= 0.05 among 40
agents, p <= 0.0006 among 3,600); `watch` from `watch_probability` (and
`max_chance_watch`); `insufficient_evidence` while the agent's calls could not, on average,
take even a `settle_ratio` excess to the flag threshold (with the calls that would settle
it); else `normal`. Benjamini-Hochberg q-values are kept for reference only: at a centre's
size (40 agents, 150 calls each) the correction hid every weak agent.

FCR: a repeat whose call names an outside cause is not counted against the agent (nor in the
centre's rates). A team whose customers call back more than other teams' on the same call
types, across the team and even without its most suspect agent(s) (`process_probability`),
has an FCR *process issue*: the centre's yardstick leaves it out, its agents are compared with
the rest of their own team, and an excess the team shares is `process_issue`, not charged to
them. A
criterion failed by most agents of a team or call type is a criterion process issue, as
before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import gammaln
from scipy.stats import false_discovery_control, norm
from scipy.stats import gamma as gamma_dist

from callqa.configs.settings import FlagSettings
from callqa.domain.review import Flag, FlagStatus, ProcessIssue

KNOWN_FCR = ("repeat", "resolved")
TEAM_PRIOR_SPREAD = 0.5
"""Prior spread of a team's rate ratio when testing it for a process issue: wide, so that
the team's own (large) volume decides."""


def poisson_binomial_tail(counts: Sequence[int], rates: Sequence[float], observed: int) -> float:
    """P(X >= observed) where X is a sum of Binomial(counts[i], rates[i])."""
    if observed <= 0:
        return 1.0
    pmf = np.ones(1)
    for n, p in zip(counts, rates, strict=True):
        if n > 0:
            pmf = np.convolve(pmf, _binomial_pmf(int(n), min(max(float(p), 0.0), 1.0)))
    return float(min(1.0, max(0.0, pmf[observed:].sum())))


def _binomial_pmf(n: int, p: float) -> np.ndarray:
    """Binomial(n, p) probabilities of 0..n (numpy; scipy's pmf costs more per call than
    the convolution itself)."""
    k = np.arange(n + 1)
    if p <= 0.0 or p >= 1.0:
        return np.asarray((k == (0 if p <= 0.0 else n)).astype(float))
    log = (gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + k * math.log(p)
           + (n - k) * math.log1p(-p))
    return np.asarray(np.exp(log))


# --- FCR ---------------------------------------------------------------------------------------


def fcr_flags(
    calls: pd.DataFrame, period: tuple[date, date], settings: FlagSettings | None = None
) -> list[Flag]:
    """`calls`: agent_id, call_type, fcr_status (one row per call of the period); optional
    team_id (FCR process issues) and outside_cause (repeats it names are not counted)."""
    return fcr_assessment(calls, period, settings)[0]


def fcr_assessment(
    calls: pd.DataFrame, period: tuple[date, date], settings: FlagSettings | None = None
) -> tuple[list[Flag], list[ProcessIssue]]:
    """`fcr_flags` and the teams with an FCR process issue."""
    settings = settings or FlagSettings()
    known = calls[calls["fcr_status"].isin(KNOWN_FCR) & calls["agent_id"].notna()]
    repeat = (known["fcr_status"] == "repeat").to_numpy()
    excused = np.zeros(len(known), dtype=bool)
    if settings.outside_cause_excuses and "outside_cause" in known:
        cause = known["outside_cause"]
        excused = repeat & (cause.notna() & (cause.astype(str) != "")).to_numpy()
    rows = pd.DataFrame({
        "agent_id": known["agent_id"].astype(str).to_numpy(),
        "call_type": known["call_type"].astype(str).to_numpy(),
        "event": repeat & ~excused, "excused": excused,
    })
    table = _strata(rows, ["agent_id"], extra=("excused",))
    table = _with_expected(table, [], np.ones(len(table), dtype=bool))
    agents = _per_unit(table, ["agent_id"], extra=("excused",))
    teams = _teams(known, agents["agent_id"])
    issues: list[ProcessIssue] = []
    centre_prob = None
    in_issue: dict[str, bool] = {}
    if teams is not None:
        agents["team_id"] = teams.to_numpy()
        issues, in_issue = _fcr_process_teams(
            _versus_other_teams(table, dict(zip(agents["agent_id"], agents["team_id"],
                                                strict=True))), settings)
        if issues:
            # The yardstick leaves the process teams out; their agents are measured against
            # the rest of their own team.
            outside = ~table["agent_id"].map(in_issue).fillna(False).astype(bool).to_numpy()
            table = _with_expected(table.drop(columns=["rate", "expected", "variance"]), [],
                                   outside)
            agents = _per_unit(table, ["agent_id"], extra=("excused",))
            agents["team_id"] = teams.to_numpy()
            centre_prob = _grade(agents, [], settings)["prob_worse"].to_numpy()
            agents = _team_relative(agents, in_issue)
    graded = _grade(agents, [], settings)
    flags = []
    for row in graded.to_dict("records"):
        words = _Words(
            numbers=(f"customers called back {_times(row['events'])} on "
                     f"{_calls(row['calls'])} ({row['mix']}) where peers on the same call "
                     f"types would give {row['expected']:.1f}"),
            excused=int(row["excused"]))
        team_note = None
        if bool(in_issue.get(row["agent_id"], False)):
            team_note = _team_note(row, issues)
        flags.append(_flag(row, "fcr", None, period, settings, words, team_note))
    if centre_prob is not None:
        flags = [_as_process_issue(f, p, settings) for f, p in zip(flags, centre_prob,
                                                                   strict=True)]
    return flags, issues


def _teams(known: pd.DataFrame, agent_ids: pd.Series) -> pd.Series | None:
    """Each agent's team (the one most of their calls carry), or None without teams."""
    if "team_id" not in known or known["team_id"].isna().all():
        return None
    pairs = known[["agent_id", "team_id"]].dropna().astype(str)
    mode = pairs.groupby(["agent_id", "team_id"]).size().reset_index(name="n").sort_values(
        ["agent_id", "n"], ascending=[True, False]).drop_duplicates("agent_id")
    return agent_ids.map(mode.set_index("agent_id")["team_id"]).reset_index(drop=True)


def _versus_other_teams(table: pd.DataFrame, team_of: dict[str, object]) -> pd.DataFrame:
    """Per agent: calls, events, expected and variance from the rates of the *other teams*
    on the same call types (a team is tested against the rest of the centre, not against a
    yardstick its own agents inflate)."""
    rows = table[["agent_id", "call_type", "calls", "events"]].assign(
        team_id=table["agent_id"].map(team_of))
    stratum = rows.groupby("call_type")[["calls", "events"]].transform("sum")
    team = rows.groupby(["team_id", "call_type"], dropna=False)[["calls", "events"]].transform(
        "sum")
    own_calls = np.where(rows["team_id"].notna(), team["calls"], rows["calls"])
    own_events = np.where(rows["team_id"].notna(), team["events"], rows["events"])
    others_calls = stratum["calls"].to_numpy() - own_calls
    others_events = stratum["events"].to_numpy() - own_events
    overall = float(rows["events"].sum()) / max(float(rows["calls"].sum()), 1.0)
    rate = np.clip(np.where(others_calls > 0, others_events / np.maximum(others_calls, 1),
                            overall), 0.0, 1.0)
    calls = rows["calls"].to_numpy()
    rows = rows.assign(expected=calls * rate, variance=calls * rate * (1 - rate))
    out = rows.groupby("agent_id", sort=True)[["calls", "events", "expected",
                                               "variance"]].sum().reset_index()
    return out.assign(team_id=out["agent_id"].map(team_of))


def _fcr_process_teams(agents: pd.DataFrame, settings: FlagSettings
                       ) -> tuple[list[ProcessIssue], dict[str, bool]]:
    """Teams whose customers call back more than peers' across the team: still above peers
    (at `process_probability`) without their `process_leave_out` most suspect agents, and
    with at least `process_agent_share` of their agents above peers."""
    able = agents[(agents["calls"] >= settings.min_calls) & agents["team_id"].notna()]
    issues, members = [], {}
    alpha = 1.0 / TEAM_PRIOR_SPREAD**2
    for team_id, team in able.groupby("team_id", sort=True):
        if len(team) < settings.process_min_agents:
            continue
        ratio = team["events"] / team["expected"].where(team["expected"] > 0)
        above = int((ratio > 1).sum())
        if above / len(team) < settings.process_agent_share:
            continue
        leave_out = math.floor(settings.process_leave_out * len(team))
        rest = team.assign(ratio=ratio).sort_values("ratio", ascending=False).iloc[leave_out:]
        shape, rate = _posterior(float(rest["events"].sum()), float(rest["expected"].sum()),
                                 float(rest["variance"].sum()), alpha)
        prob = float(gamma_dist.sf(1.0, shape, scale=1.0 / rate))
        if prob < settings.process_probability:
            continue
        overall = float(team["events"].sum() / max(float(team["expected"].sum()), 1e-9))
        rest_ratio = float(rest["events"].sum() / max(float(rest["expected"].sum()), 1e-9))
        issues.append(ProcessIssue(
            criterion_id=None, kind="fcr", scope="team", scope_id=str(team_id),
            agents=len(team), agents_failing=above, fail_rate=round(overall, 4),
            prob_worse=round(prob, 4),
            reasons=(f"customers of team {team_id} call back {overall:.2f} times as often as "
                     f"other teams' on the same call types; {above} of its {len(team)} agents are "
                     f"above peers, and without its {_most_suspect(leave_out)} the rest still "
                     f"call back {rest_ratio:.2f} times as often ({prob:.1%} probability): a "
                     f"process to fix, not agents to charge",),
        ))
        members.update({str(a): True for a in agents.loc[agents["team_id"] == team_id,
                                                         "agent_id"]})
    return issues, members


def _most_suspect(count: int) -> str:
    return ("most suspect agent" if count == 1 else f"{count} most suspect agents") if count \
        else "any agent left out"


def _team_relative(agents: pd.DataFrame, in_issue: dict[str, bool]) -> pd.DataFrame:
    """Expected events of a process team's agent times the rest of their team's excess
    (lightly shrunk), so that the agent is compared with their own team."""
    member = agents["agent_id"].map(in_issue).fillna(False).astype(bool)
    cols = ["events", "expected", "variance"]
    team = agents[member].groupby("team_id")[cols].transform("sum")
    others = team - agents.loc[member, cols]
    shape, rate = _posterior(others["events"].to_numpy(float), others["expected"].to_numpy(float),
                             others["variance"].to_numpy(float), 1.0 / TEAM_PRIOR_SPREAD**2)
    agents = agents.copy()
    agents["team_factor"] = 1.0
    agents.loc[member, "team_factor"] = shape / rate
    agents["expected"] = agents["expected"] * agents["team_factor"]
    agents["variance"] = agents["variance"] * agents["team_factor"]
    agents["strata_rates"] = [[min(r * f, 1.0) for r in rates] for rates, f in zip(
        agents["strata_rates"], agents["team_factor"], strict=True)]
    return agents


def _team_note(row: dict[str, object], issues: Sequence[ProcessIssue]) -> str:
    issue = next((i for i in issues if i.scope_id == row.get("team_id")), None)
    factor = float(row.get("team_factor", 1.0))  # type: ignore[arg-type]
    team = issue.scope_id if issue else "?"
    return (f"team {team} has an FCR process issue, so this agent is compared with the rest "
            f"of their team (whose customers call back {factor:.2f} times as often as the "
            f"centre's on the same call types)")


def _as_process_issue(flag: Flag, centre_prob: float, settings: FlagSettings) -> Flag:
    """A process team's agent who would be flagged or watched against the centre but not
    against their own team: `process_issue`, not charged to them."""
    if (flag.status == "normal" and flag.expected > 0
            and centre_prob >= settings.watch_probability
            and any("process issue" in r for r in flag.reasons)):
        verdict = (f"process issue, not charged to the agent: against the centre they would "
                   f"have {centre_prob:.0%} probability worse than peers, against the rest of "
                   f"their own team {flag.prob_worse or 0:.0%}")
        return flag.model_copy(update={
            "status": "process_issue",
            "reasons": (*flag.reasons[:2], verdict, *flag.reasons[3:]),
        })
    return flag


# --- criteria ------------------------------------------------------------------------------


def criterion_flags(
    outcomes: pd.DataFrame, period: tuple[date, date], settings: FlagSettings | None = None
) -> tuple[list[Flag], list[ProcessIssue]]:
    """`outcomes`: agent_id, team_id, call_type, criterion_id, outcome (pass|fail|na)."""
    settings = settings or FlagSettings()
    applicable = outcomes[outcomes["outcome"].isin(("pass", "fail"))
                          & outcomes["agent_id"].notna()]
    applicable = applicable.assign(event=applicable["outcome"] == "fail")
    rows = pd.DataFrame({
        "criterion_id": applicable["criterion_id"].astype(str).to_numpy(),
        "agent_id": applicable["agent_id"].astype(str).to_numpy(),
        "call_type": applicable["call_type"].astype(str).to_numpy(),
        "event": applicable["event"].to_numpy(dtype=bool),
    })
    table = _strata(rows, ["criterion_id", "agent_id"])
    table = _with_expected(table, ["criterion_id"], np.ones(len(table), dtype=bool))
    units = _per_unit(table, ["criterion_id", "agent_id"])
    graded = _grade(units, ["criterion_id"], settings, settle=settings.criterion_settle_ratio)
    flags = []
    for row in graded.to_dict("records"):
        criterion = row["criterion_id"]
        words = _Words(numbers=(f"'{criterion}' failed {_times(row['events'])} on "
                                f"{_calls(row['calls'])} where it applied ({row['mix']}); peers "
                                f"on the same call types would give {row['expected']:.1f}"))
        flags.append(_flag(row, "criterion", str(criterion), period, settings, words, None))
    issues = process_issues(applicable, settings)
    by_agent_scope = _issue_index(applicable, issues)
    relabelled = []
    for flag in flags:
        issue = by_agent_scope.get((flag.agent_id, flag.criterion_id or ""))
        if flag.status in ("flagged", "watch") and issue is not None:
            verdict = (f"process issue, not charged to the agent: in {issue.scope} "
                       f"{issue.scope_id} {issue.reasons[0]} (on its own the evidence would "
                       f"make it {flag.status})")
            flag = flag.model_copy(update={
                "status": "process_issue",
                "reasons": (*flag.reasons[:2], verdict, *flag.reasons[2:]),
            })
        relabelled.append(flag)
    return relabelled, issues


def process_issues(applicable: pd.DataFrame, settings: FlagSettings) -> list[ProcessIssue]:
    """Criteria that most agents of a team or call type fail."""
    issues = []
    for scope, column in (("team", "team_id"), ("call_type", "call_type")):
        rows = applicable[applicable[column].notna()]
        per_agent = rows.groupby([column, "criterion_id", "agent_id"])["event"].agg(
            ["sum", "count"])
        per_agent = per_agent[per_agent["count"] >= settings.min_calls]
        for (scope_id, criterion_id), agents in per_agent.groupby(level=[0, 1]):
            if len(agents) < settings.process_min_agents:
                continue
            failing = int((agents["sum"] / agents["count"] >= settings.process_fail_rate).sum())
            share = failing / len(agents)
            if share >= settings.process_agent_share:
                rate = float(agents["sum"].sum() / agents["count"].sum())
                issues.append(ProcessIssue(
                    criterion_id=str(criterion_id), scope=scope, scope_id=str(scope_id),
                    agents=len(agents), agents_failing=failing, fail_rate=round(rate, 4),
                    reasons=(f"{failing} of {len(agents)} agents fail '{criterion_id}' on at "
                             f"least {settings.process_fail_rate:.0%} of calls; overall "
                             f"{rate:.0%}",),
                ))
    return issues


def _issue_index(
    applicable: pd.DataFrame, issues: Sequence[ProcessIssue]
) -> dict[tuple[str, str], ProcessIssue]:
    index: dict[tuple[str, str], ProcessIssue] = {}
    for issue in issues:
        column = "team_id" if issue.scope == "team" else "call_type"
        rows = applicable[(applicable[column] == issue.scope_id)
                          & (applicable["criterion_id"] == issue.criterion_id)]
        for agent_id in rows["agent_id"].unique():
            index.setdefault((str(agent_id), issue.criterion_id or ""), issue)
    return index


# --- the evidence ------------------------------------------------------------------------------


def _strata(rows: pd.DataFrame, units: list[str], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per unit and call type: calls and events (and the sums of `extra` flags)."""
    aggregations = {"calls": ("event", "size"), "events": ("event", "sum"),
                    **{name: (name, "sum") for name in extra}}
    table = rows.groupby([*units, "call_type"], sort=True).agg(**aggregations).reset_index()
    return table.astype({"calls": np.int64, "events": np.int64})


def _with_expected(table: pd.DataFrame, by: list[str], reference: np.ndarray) -> pd.DataFrame:
    """Leave-one-out rate of each row's call type (within `by`), from the `reference` rows
    only; with no other calls of that type, the overall rate. Adds rate, expected, variance
    (the binomial variance of the events under the rate)."""
    ref_calls = np.where(reference, table["calls"], 0)
    ref_events = np.where(reference, table["events"], 0)
    frame = table.assign(_n=ref_calls, _y=ref_events)
    stratum = frame.groupby([*by, "call_type"], sort=False)[["_n", "_y"]].transform("sum")
    if by:
        overall = frame.groupby(by, sort=False)[["_n", "_y"]].transform("sum")
    else:
        overall = pd.DataFrame({"_n": [ref_calls.sum()] * len(frame),
                                "_y": [ref_events.sum()] * len(frame)}, index=frame.index)
    others_n = stratum["_n"].to_numpy() - ref_calls
    others_y = stratum["_y"].to_numpy() - ref_events
    fallback = (overall["_y"].to_numpy() - ref_events) / np.maximum(
        overall["_n"].to_numpy() - ref_calls, 1)
    rate = np.where(others_n > 0, others_y / np.maximum(others_n, 1), fallback)
    rate = np.clip(rate, 0.0, 1.0)
    calls = table["calls"].to_numpy()
    return table.assign(rate=rate, expected=calls * rate, variance=calls * rate * (1 - rate))


def _per_unit(table: pd.DataFrame, units: list[str], extra: tuple[str, ...] = ()
              ) -> pd.DataFrame:
    """Sum the strata per unit; keep the call-type mix (for the reasons) and the strata (for
    the exact p-value)."""
    ordered = table.sort_values([*units, "calls", "call_type"],
                                ascending=[True] * len(units) + [False, True])
    sums = ordered.groupby(units, sort=True)[
        ["calls", "events", "expected", "variance", *extra]].sum()
    label = ordered["calls"].astype(str) + " " + ordered["call_type"].astype(str)
    mix = label.groupby([ordered[u] for u in units], sort=True).agg(", ".join)
    counts = ordered.groupby(units, sort=True)["calls"].agg(list)
    rates = ordered.groupby(units, sort=True)["rate"].agg(list)
    return sums.assign(mix=mix, strata_calls=counts, strata_rates=rates).reset_index()


def _posterior(events: float | np.ndarray, expected: float | np.ndarray,
               variance: float | np.ndarray, alpha: float | np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Gamma posterior (shape, rate) of the rate ratio: Gamma(alpha, alpha) prior, Poisson
    likelihood with the counts scaled by expected / variance (the binomial's variance)."""
    e = np.asarray(expected, dtype=float)
    phi = np.clip(np.asarray(variance, dtype=float) / np.where(e > 0, e, 1.0), 0.05, 1.0)
    return (np.asarray(alpha + np.asarray(events, dtype=float) / phi),
            np.asarray(alpha + e / phi))


def _prior_alpha(events: np.ndarray, expected: np.ndarray, variance: np.ndarray,
                 settings: FlagSettings) -> float:
    """Maximum marginal-likelihood (negative binomial) Gamma(a, a) prior over the units,
    with the spread 1 / sqrt(a) kept within the settings' bounds."""
    low, high = 1.0 / settings.max_prior_spread**2, 1.0 / settings.min_prior_spread**2
    use = expected >= max(settings.min_expected_events, 1e-9)
    if use.sum() < 3:
        return high
    phi = np.clip(variance[use] / expected[use], 0.05, 1.0)
    y, e = events[use] / phi, expected[use] / phi

    def minus_loglik(log_alpha: float) -> float:
        a = math.exp(log_alpha)
        return -float(np.sum(gammaln(a + y) - gammaln(a) + a * np.log(a / (a + e))
                             + y * np.log(e / (a + e))))

    best = minimize_scalar(minus_loglik, bounds=(math.log(low), math.log(high)),
                           method="bounded", options={"xatol": 1e-3})
    return float(math.exp(best.x))


def _grade(units: pd.DataFrame, by: list[str], settings: FlagSettings,
           settle: float | None = None) -> pd.DataFrame:
    """Estimate, interval, probability worse, status inputs and the exact p-value per unit
    (the prior estimated within each group of `by`)."""
    units = units.reset_index(drop=True)
    alpha = np.empty(len(units))
    groups = units.groupby(by, sort=False).indices if by else {None: np.arange(len(units))}
    for index in groups.values():
        alpha[index] = _prior_alpha(units["events"].to_numpy(float)[index],
                                    units["expected"].to_numpy(float)[index],
                                    units["variance"].to_numpy(float)[index], settings)
    shape, rate = _posterior(units["events"].to_numpy(float), units["expected"].to_numpy(float),
                             units["variance"].to_numpy(float), alpha)
    tail = (1 - settings.interval) / 2
    prob = gamma_dist.sf(1.0, shape, scale=1.0 / rate)
    z_flag = float(norm.ppf(settings.flag_probability))
    needed_information = (z_flag / math.log(settle or settings.settle_ratio)) ** 2
    calls = units["calls"].to_numpy(float)
    expected = units["expected"].to_numpy(float)
    information = units["variance"].to_numpy(float)
    enough = ((calls >= settings.min_calls) & (expected >= settings.min_expected_events)
              & (information >= needed_information))
    per_call = np.where(calls > 0, information / np.maximum(calls, 1), 0.0)
    expected_per_call = np.where(calls > 0, expected / np.maximum(calls, 1), 0.0)
    short = np.maximum.reduce([
        settings.min_calls - calls,
        np.where(per_call > 0, needed_information / np.where(per_call > 0, per_call, 1.0)
                 - calls, np.inf),
        np.where(expected_per_call > 0, settings.min_expected_events
                 / np.where(expected_per_call > 0, expected_per_call, 1.0) - calls, np.inf),
    ])
    z_now = norm.ppf(np.clip(prob, 1e-12, 1 - 1e-12))
    more = np.where(z_now > 0, calls * (z_flag / np.where(z_now > 0, z_now, 1.0)) ** 2 - calls,
                    np.inf)
    p_values = _exact_p_values(units, enough)
    q_values = np.full(len(units), np.nan)
    judged = np.zeros(len(units), dtype=np.int64)
    for index in groups.values():
        tested = index[enough[index]]
        judged[index] = tested.size
        if tested.size:
            q_values[tested] = false_discovery_control(p_values[tested], method="bh")
    return units.assign(
        alpha=alpha, settle=settle or settings.settle_ratio, estimate=shape / rate,
        low=gamma_dist.ppf(tail, shape, scale=1.0 / rate),
        high=gamma_dist.ppf(1 - tail, shape, scale=1.0 / rate),
        prob_worse=prob, enough=enough, short=short, more=more,
        p_value=p_values, q_value=q_values, judged=judged, chance=judged * p_values,
    )


def _exact_p_values(units: pd.DataFrame, tested: np.ndarray) -> np.ndarray:
    out = np.full(len(units), np.nan)
    for i in np.flatnonzero(tested):
        out[i] = poisson_binomial_tail(units.at[i, "strata_calls"], units.at[i, "strata_rates"],
                                       int(units.at[i, "events"]))
    return out


class _Words:
    """The first reason of a flag: its numbers in words."""

    def __init__(self, numbers: str, excused: int = 0):
        self.numbers = numbers
        self.excused = excused


def _flag(row: dict[str, object], kind: str, criterion_id: str | None,
          period: tuple[date, date], settings: FlagSettings, words: _Words,
          team_note: str | None) -> Flag:
    calls, events = int(row["calls"]), int(row["events"])  # type: ignore[call-overload]
    expected = float(row["expected"])  # type: ignore[arg-type]
    estimate, low, high = (float(row[k]) for k in ("estimate", "low", "high"))  # type: ignore[arg-type]
    prob = float(row["prob_worse"])  # type: ignore[arg-type]
    ratio = events / expected if expected > 0 else None
    enough = bool(row["enough"])
    numbers = words.numbers
    if words.excused:
        numbers += (f"; {words.excused} more repeat{'s' if words.excused > 1 else ''} whose "
                    f"call names an outside cause {'are' if words.excused > 1 else 'is'} not "
                    f"counted")
    evidence = (f"estimated {estimate:.2f}x peers ({settings.interval:.0%} interval "
                f"{low:.2f}-{high:.2f}); {prob:.0%} probability worse than peers")
    settle: int | None = None
    status: FlagStatus
    if not enough:
        status = "insufficient_evidence"
        settle = _count(row["short"])
        verdict = (f"insufficient evidence: {calls} calls cannot tell even a "
                   f"{float(row['settle']):g}x excess from chance"  # type: ignore[arg-type]
                   + (f"; with about {settle} more calls it can be judged" if settle else ""))
    else:
        status, verdict, settle = _verdict(row, prob, ratio, settings)
    reasons = (numbers, evidence, verdict, *((team_note,) if team_note else ()))
    p_value, q_value = row["p_value"], row["q_value"]
    return Flag(
        agent_id=str(row["agent_id"]), kind="fcr" if kind == "fcr" else "criterion",
        criterion_id=criterion_id, status=status, period_start=period[0],
        period_end=period[1], calls=calls, events=events, expected=round(expected, 3),
        ratio=None if ratio is None else round(ratio, 3),
        p_value=None if p_value != p_value else float(p_value),  # type: ignore[arg-type]
        q_value=None if q_value != q_value else float(q_value),  # type: ignore[arg-type]
        reasons=reasons, estimate=round(estimate, 3), interval_low=round(low, 3),
        interval_high=round(high, 3), prob_worse=round(prob, 4), calls_to_settle=settle,
    )


def _verdict(row: dict[str, object], prob: float, ratio: float | None,
             settings: FlagSettings) -> tuple[FlagStatus, str, int | None]:
    """Status and its reason for an agent with enough evidence."""
    chance = float(row["chance"])  # type: ignore[arg-type]
    judged = int(row["judged"])  # type: ignore[call-overload]
    by_chance = (f"among the {judged} agents judged about {chance:.1f} would look this bad by "
                 f"chance (a flag allows {settings.max_chance_flags:g})")
    material = ratio is not None and ratio >= settings.min_ratio
    if prob >= settings.flag_probability and material and chance <= settings.max_chance_flags:
        return "flagged", (f"flagged: {prob:.0%} reaches the flag threshold of "
                           f"{settings.flag_probability:.0%}; {by_chance}"), None
    if prob >= settings.watch_probability and chance <= settings.max_chance_watch:
        if prob >= settings.flag_probability and not material:
            return "watch", (f"watch: {prob:.0%} probability, but the excess "
                             f"({ratio or 0:.2f}x) is below the {settings.min_ratio:g}x a flag "
                             f"needs"), None
        if prob >= settings.flag_probability:
            return "watch", f"watch: {prob:.0%} probability, but {by_chance}", None
        settle = _count(row["more"])
        return "watch", (f"watch: real but not conclusive evidence ({prob:.0%}; a flag needs "
                         f"{settings.flag_probability:.0%})"
                         + (f"; about {settle} more calls at this rate would settle it"
                            if settle else "")), settle
    if prob >= settings.watch_probability:
        return "normal", (f"normal: {prob:.0%} probability worse than peers, but among the "
                          f"{judged} agents judged about {chance:.0f} would look this bad by "
                          f"chance (watch allows {settings.max_chance_watch:g})"), None
    return "normal", (f"normal: {prob:.0%} probability worse than peers, below the watch "
                      f"threshold of {settings.watch_probability:.0%}"), None


def _times(count: object) -> str:
    return "once" if count == 1 else f"{count} times"


def _calls(count: object) -> str:
    return "1 call" if count == 1 else f"{count} calls"


def _count(value: object) -> int | None:
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or number <= 0:
        return None
    return math.ceil(number)
