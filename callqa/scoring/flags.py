"""Which agents deserve targeted review: evidence against peers on the same work.

Call types differ a lot in how often customers call back, so an agent's events (repeats
caused, or failures of a criterion) are compared with what the centre's per-call-type rates
predict for *that agent's own mix* of calls. The centre's rates leave the agent out, so an
agent does not dilute the yardstick they are measured against. Under "no worse than peers"
the event count is Poisson-binomial; the one-sided p-value P(X >= observed) is exact (the
per-type binomials convolved), and p-values are corrected with Benjamini-Hochberg over every
agent tested together, so a centre with many agents does not flag the merely unlucky.

An agent with too few calls (or too few expected events) is `insufficient_evidence`, never
flagged. A criterion failed by most agents of a team or call type is a `ProcessIssue`, and
those agents' flags on it are marked `process_issue` instead of charged to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.stats import binom, false_discovery_control

from callqa.configs.settings import FlagSettings
from callqa.domain.review import Flag, ProcessIssue

KNOWN_FCR = ("repeat", "resolved")


@dataclass(frozen=True)
class _Test:
    agent_id: str
    criterion_id: str | None
    calls: int
    events: int
    expected: float
    p_value: float | None
    mix: str


def poisson_binomial_tail(counts: Sequence[int], rates: Sequence[float], observed: int) -> float:
    """P(X >= observed) where X is a sum of Binomial(counts[i], rates[i])."""
    pmf = np.ones(1)
    for n, p in zip(counts, rates, strict=True):
        if n > 0:
            pmf = np.convolve(pmf, binom.pmf(np.arange(n + 1), n, min(max(p, 0.0), 1.0)))
    return float(min(1.0, max(0.0, pmf[observed:].sum()))) if observed > 0 else 1.0


def fcr_flags(
    calls: pd.DataFrame, period: tuple[date, date], settings: FlagSettings | None = None
) -> list[Flag]:
    """`calls`: agent_id, call_type, fcr_status (one row per call of the period)."""
    settings = settings or FlagSettings()
    known = calls[calls["fcr_status"].isin(KNOWN_FCR) & calls["agent_id"].notna()]
    table = _counts(known.assign(event=known["fcr_status"] == "repeat"), ["call_type"])
    tests = _tests(table, None, settings)
    return _flags(tests, "fcr", period, settings, noun="repeat", verb="caused")


def criterion_flags(
    outcomes: pd.DataFrame, period: tuple[date, date], settings: FlagSettings | None = None
) -> tuple[list[Flag], list[ProcessIssue]]:
    """`outcomes`: agent_id, team_id, call_type, criterion_id, outcome (pass|fail|na)."""
    settings = settings or FlagSettings()
    applicable = outcomes[outcomes["outcome"].isin(("pass", "fail"))
                          & outcomes["agent_id"].notna()]
    applicable = applicable.assign(event=applicable["outcome"] == "fail")
    tests: list[_Test] = []
    for criterion_id, rows in applicable.groupby("criterion_id", sort=True):
        tests.extend(_tests(_counts(rows, ["call_type"]), str(criterion_id), settings))
    issues = process_issues(applicable, settings)
    flags = _flags(tests, "criterion", period, settings, noun="fail", verb="had")
    by_agent_scope = _issue_index(applicable, issues)
    relabelled = []
    for flag in flags:
        issue = by_agent_scope.get((flag.agent_id, flag.criterion_id or ""))
        if flag.status == "flagged" and issue is not None:
            flag = flag.model_copy(update={
                "status": "process_issue",
                "reasons": (*flag.reasons, f"not charged to the agent: process issue in "
                            f"{issue.scope} {issue.scope_id} ({issue.reasons[0]})"),
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
            index.setdefault((str(agent_id), issue.criterion_id), issue)
    return index


def _counts(rows: pd.DataFrame, strata: list[str]) -> pd.DataFrame:
    """Per agent and stratum: calls and events; plus the stratum's totals."""
    per_agent = rows.groupby(["agent_id", *strata], dropna=False)["event"].agg(
        calls="count", events="sum").reset_index()
    totals = per_agent.groupby(strata, dropna=False)[["calls", "events"]].sum().rename(
        columns={"calls": "all_calls", "events": "all_events"}).reset_index()
    return per_agent.merge(totals, on=strata, how="left")


def _tests(table: pd.DataFrame, criterion_id: str | None, settings: FlagSettings) -> list[_Test]:
    # Leave-one-out centre rate per stratum; with no peers, the centre's overall rate.
    others_calls = table["all_calls"] - table["calls"]
    others_events = table["all_events"] - table["events"]
    overall = table["all_events"].sum() / max(table["all_calls"].sum(), 1)
    rate = np.where(others_calls > 0, others_events / others_calls.clip(lower=1), overall)
    table = table.assign(rate=rate, expected=table["calls"] * rate)
    tests = []
    for agent_id, rows in table.groupby("agent_id", sort=True):
        calls, events = int(rows["calls"].sum()), int(rows["events"].sum())
        expected = float(rows["expected"].sum())
        enough = calls >= settings.min_calls and expected >= settings.min_expected_events
        p_value = (poisson_binomial_tail(rows["calls"].tolist(), rows["rate"].tolist(), events)
                   if enough else None)
        mix = ", ".join(f"{int(c)} {t}" for t, c in zip(rows["call_type"], rows["calls"],
                                                        strict=True))
        tests.append(_Test(str(agent_id), criterion_id, calls, events, expected, p_value, mix))
    return tests


def _tested(tested: list[_Test]) -> str:
    """What the correction ran over: agents (FCR), or agent-criterion tests (criteria)."""
    agents = len({t.agent_id for t in tested})
    if len(tested) == agents:
        return f"{agents} agents"
    return f"{len(tested)} tests of {agents} agents"


def _flags(tests: list[_Test], kind: str, period: tuple[date, date], settings: FlagSettings,
           noun: str, verb: str) -> list[Flag]:
    tested = [t for t in tests if t.p_value is not None]
    q_values = (false_discovery_control([t.p_value for t in tested], method="bh")
                if tested else [])
    q_by_test = {id(t): float(q) for t, q in zip(tested, q_values, strict=True)}
    flags = []
    for test in tests:
        q = q_by_test.get(id(test))
        ratio = test.events / test.expected if test.expected > 0 else None
        what = f"'{test.criterion_id}' " if test.criterion_id else ""
        numbers = (f"{test.events} {what}{noun}s {verb} on {test.calls} calls ({test.mix}); "
                   f"{test.expected:.1f} expected from the centre's rates for this mix")
        if q is None:
            status = "insufficient_evidence"
            reasons = (numbers, f"too little evidence to judge: needs at least "
                       f"{settings.min_calls} calls and {settings.min_expected_events:g} "
                       f"expected {noun}s")
        elif q <= settings.false_discovery_rate and ratio is not None and (
                ratio >= settings.min_ratio):
            status = "flagged"
            reasons = (numbers, f"{ratio:.2f} times the expected rate; p = {test.p_value:.2g}, "
                       f"q = {q:.2g} (Benjamini-Hochberg over {_tested(tested)})")
        else:
            status = "not_flagged"
            reasons = (numbers, f"within what peers on the same work show (ratio "
                       f"{(ratio or 0):.2f}, q = {q:.2g})")
        flags.append(Flag(
            agent_id=test.agent_id, kind=kind, criterion_id=test.criterion_id,
            status=status,
            period_start=period[0], period_end=period[1], calls=test.calls, events=test.events,
            expected=round(test.expected, 3), ratio=None if ratio is None else round(ratio, 3),
            p_value=test.p_value, q_value=q, reasons=reasons,
        ))
    return flags
