"""FCR flags before graded targeting (issue 11), verbatim: an exact Poisson-binomial test per
agent against the centre's per-call-type rates, corrected with Benjamini-Hochberg. Kept for
`bench_targeting`'s comparison only (the package's `callqa.scoring.flags` replaced it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.stats import binom, false_discovery_control

from callqa.configs.settings import FlagSettings
from callqa.domain.review import Flag

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
