"""Flags, review queue, suggestions, process issues and reports on a generated archive with
planted truths (seeded): weak agents, agents who take the hard call types, part-timers with
an unlucky week, an empathy-weak agent, and a team that misses a compliance step."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pandas as pd
import pytest

from callqa.configs.settings import ReviewSettings
from callqa.scoring.fcr import compute_fcr
from callqa.scoring.flags import criterion_flags, fcr_flags, poisson_binomial_tail
from callqa.scoring.review import report, review_queue, suggestions
from callqa.scoring.simulate import Archive, generate_archive

PERIOD = (date(2026, 10, 1), date(2026, 10, 28))


def _with_fcr(archive: Archive) -> pd.DataFrame:
    fcr = compute_fcr(archive.calls)
    return archive.calls.assign(fcr_status=fcr["fcr_status"].to_numpy(),
                                callback_call_id=fcr["callback_call_id"].to_numpy())


@pytest.fixture(scope="module", params=[1, 2, 3], ids=lambda s: f"seed{s}")
def archive(request: pytest.FixtureRequest) -> Archive:
    return generate_archive(seed=request.param)


def _kinds(archive: Archive) -> dict[str, str]:
    return dict(zip(archive.agents["agent_id"], archive.agents["kind"], strict=True))


def test_fcr_flags_find_the_weak_agents_and_leave_the_others_alone(archive: Archive) -> None:
    kinds = _kinds(archive)
    flags = fcr_flags(_with_fcr(archive), PERIOD)
    by_kind = Counter((kinds[f.agent_id], f.status) for f in flags)
    assert by_kind[("weak", "flagged")] == 3
    flagged = {kinds[f.agent_id] for f in flags if f.status == "flagged"}
    assert flagged == {"weak"}, by_kind  # hard call types and bad luck are not flagged
    assert by_kind[("part_timer", "insufficient_evidence")] == 4
    for flag in flags:
        assert flag.reasons and flag.calls > 0 and flag.expected >= 0
        if flag.status == "flagged":
            assert flag.prob_worse is not None and flag.prob_worse >= 0.95
            assert flag.ratio is not None and flag.ratio >= 1.25
            assert "peers on the same call types would give" in flag.reasons[0]
            assert flag.interval_low is not None and flag.interval_high is not None
            assert flag.interval_low <= (flag.estimate or 0) <= flag.interval_high


def test_part_timers_look_bad_naively_but_are_not_flagged(archive: Archive) -> None:
    calls = _with_fcr(archive)
    known = calls[calls["fcr_status"].isin(("repeat", "resolved"))]
    naive = known.groupby("agent_id")["fcr_status"].apply(lambda s: (s == "repeat").mean())
    kinds = _kinds(archive)
    part_timers = [a for a, k in kinds.items() if k == "part_timer"]
    assert naive[part_timers].mean() > naive.mean()  # an unlucky week...
    flags = {f.agent_id: f for f in fcr_flags(calls, PERIOD)}
    assert all(flags[a].status == "insufficient_evidence" for a in part_timers)


def test_criterion_flags_and_process_issue(archive: Archive) -> None:
    kinds = _kinds(archive)
    flags, issues = criterion_flags(archive.criteria, PERIOD)
    flagged = {(kinds[f.agent_id], f.criterion_id) for f in flags if f.status == "flagged"}
    assert ("empathy_weak", "empathy") in flagged
    assert ("weak", "resolution_confirmed") in flagged
    assert [(i.scope, i.scope_id, i.criterion_id) for i in issues] == [
        ("team", "t-process", "recording_disclosure")]
    process_team = set(archive.agents.loc[archive.agents["team_id"] == "t-process", "agent_id"])
    for flag in flags:
        if flag.criterion_id == "recording_disclosure" and flag.agent_id in process_team:
            assert flag.status != "flagged"  # not charged to each agent
    assert any(f.status == "process_issue" for f in flags)


def test_queue_puts_the_repeats_the_agent_caused_first(archive: Archive) -> None:
    calls = _with_fcr(archive)
    flags = fcr_flags(calls, PERIOD) + criterion_flags(archive.criteria, PERIOD)[0]
    settings = ReviewSettings(queue_size=200, control_share=0.1, seed=7)
    queue = review_queue(calls, archive.criteria, flags, settings)
    targeted = [i for i in queue if not i.control]
    control = [i for i in queue if i.control]
    assert len(queue) == 200 and len(control) == 20
    assert all(i.kind == "control" and "random control" in i.reasons[0] for i in control)
    flagged = {f.agent_id for f in flags if f.kind == "fcr" and f.status == "flagged"}
    fcr_items = [i for i in targeted if i.kind == "fcr_repeat"]
    assert fcr_items and all(i.agent_id in flagged for i in fcr_items)
    truth = calls.set_index("call_id")
    status = truth.loc[[i.call_id for i in fcr_items], "fcr_status"]
    assert (status == "repeat").all()
    agent_caused = (truth["caused_repeat"] & truth["outside_cause"].isna())
    top = [i.call_id for i in fcr_items[:30]]
    assert agent_caused[top].all()  # the top of the queue: repeats the agent caused
    outside = [i for i in fcr_items if any("outside cause" in r for r in i.reasons)]
    if outside:
        assert min(fcr_items.index(i) for i in outside) > 30
    priorities = [i.priority for i in targeted]
    assert priorities == sorted(priorities, reverse=True)
    # Same seed, same control sample.
    again = review_queue(calls, archive.criteria, flags, settings)
    assert [i.call_id for i in again if i.control] == [i.call_id for i in control]


def test_suggestions_cover_distinct_failures_and_an_exemplary_call(archive: Archive) -> None:
    calls = _with_fcr(archive)
    agent = archive.agents["agent_id"].iloc[0]
    picks = suggestions(calls, archive.criteria, agent, count=4)
    assert 1 < len(picks) <= 4
    coach = [p for p in picks if p.purpose == "coach"]
    praise = [p for p in picks if p.purpose == "praise"]
    assert len(praise) == 1 and praise[0].score is not None and praise[0].score >= 90
    shown = [c for p in coach for c in p.criteria]
    assert len(shown) == len(set(shown))  # each criterion shown once
    assert all(p.agent_id == agent and p.reasons for p in picks)


def test_report_against_the_centre(archive: Archive) -> None:
    rows = report(_with_fcr(archive))
    center = rows[0]
    assert center.scope == "center" and center.calls == len(archive.calls)
    agents = [r for r in rows if r.scope == "agent"]
    assert len(agents) == len(archive.agents)
    teams = [r for r in rows if r.scope == "team"]
    assert sum(t.calls for t in teams) == center.calls
    for row in agents:
        assert row.fcr_rate is not None and center.fcr_rate is not None
        assert row.vs_center["fcr_rate"] == pytest.approx(row.fcr_rate - center.fcr_rate,
                                                          abs=1e-3)


def test_poisson_binomial_tail_matches_binomial() -> None:
    from scipy.stats import binom

    assert poisson_binomial_tail([20], [0.3], 9) == pytest.approx(binom.sf(8, 20, 0.3))
    # Two strata: against a brute-force sum.
    tail = poisson_binomial_tail([3, 2], [0.5, 0.1], 2)
    brute = sum(binom.pmf(a, 3, 0.5) * binom.pmf(b, 2, 0.1)
                for a in range(4) for b in range(3) if a + b >= 2)
    assert tail == pytest.approx(brute)
    assert poisson_binomial_tail([5], [0.2], 0) == 1.0


def test_a_flag_says_how_many_agents_would_look_this_bad_by_chance(archive: Archive) -> None:
    fcr = fcr_flags(_with_fcr(archive), PERIOD)
    criteria, _ = criterion_flags(archive.criteria, PERIOD)
    judged = archive.calls["agent_id"].nunique()
    for flag in [*fcr, *criteria]:
        if flag.status == "flagged":
            found = re.search(r"among the (\d+) agents judged about ([\d.]+) would look this "
                              r"bad by chance", flag.reasons[2])
            assert found is not None, flag.reasons
            assert int(found[1]) <= judged and float(found[2]) <= 2.0


def test_a_call_without_an_agent_never_enters_the_queue(archive: Archive) -> None:
    calls = _with_fcr(archive)
    calls.loc[calls.index[:50], "agent_id"] = None  # recordings ingested without metadata
    flags = fcr_flags(calls.dropna(subset=["agent_id"]), PERIOD)
    queue = review_queue(calls, archive.criteria, flags,
                         ReviewSettings(queue_size=200, control_share=0.5))
    assert queue and all(isinstance(item.agent_id, str) for item in queue)


def test_a_poor_call_is_queued_whoever_took_it(archive: Archive) -> None:
    calls = _with_fcr(archive)
    flags = fcr_flags(calls, PERIOD)
    flagged = {f.agent_id for f in flags if f.status == "flagged"}
    unflagged = calls[~calls["agent_id"].isin(flagged)].index[0]
    calls.loc[unflagged, "score"] = 3.0  # the worst call of the period
    poor = str(calls.loc[unflagged, "call_id"])
    queue = review_queue(calls, archive.criteria, flags)
    item = next(i for i in queue if i.call_id == poor and not i.control)
    assert item.kind == "criterion" and "scored 3, below 50" in item.reasons[-1]
    targeted = [i for i in queue if i.kind == "fcr_repeat"]
    assert all(t.priority > item.priority for t in targeted)  # after the targeted calls
