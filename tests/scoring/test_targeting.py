"""Issue 11: graded evidence, the review budget and the realistic centre
(`generate_centre`: 40 agents, about 6,000 calls, weak agents at 1.5-1.8 times the odds of a
repeat, specialists, part-timers, a process team). The many-seed figures are in
benchmarks/bench_targeting.py; these tests pin the behaviour on a few seeds."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import pandas as pd
import pytest

from callqa.configs.settings import FlagSettings, ReviewSettings
from callqa.domain.review import Flag
from callqa.scoring.fcr import compute_fcr
from callqa.scoring.flags import criterion_flags, fcr_assessment, fcr_flags
from callqa.scoring.review import review_plan, review_queue
from callqa.scoring.simulate import Archive, CentreRegime, generate_centre

PERIOD = (date(2026, 9, 1), date(2026, 10, 31))


def _with_fcr(archive: Archive, days: int = 61) -> pd.DataFrame:
    end = archive.calls["started_at"].min().normalize() + pd.Timedelta(days=days)
    fcr = compute_fcr(archive.calls, as_of=end.to_pydatetime())
    return archive.calls.assign(fcr_status=fcr["fcr_status"].to_numpy(),
                                callback_call_id=fcr["callback_call_id"].to_numpy())


@pytest.fixture(scope="module", params=[11, 12], ids=lambda s: f"seed{s}")
def centre(request: pytest.FixtureRequest) -> Archive:
    return generate_centre(request.param, CentreRegime())


def test_the_centre_has_the_issue_shape(centre: Archive) -> None:
    calls, agents = centre.calls, centre.agents
    assert 5500 <= len(calls) <= 6800
    assert len(agents) == 40 and agents["team_id"].nunique() == 8
    assert Counter(agents["kind"]) == {"typical": 27, "weak": 5, "specialist": 4,
                                       "part_timer": 4}
    per_agent = calls.groupby("agent_id").size()
    part = agents.loc[agents["kind"] == "part_timer", "agent_id"]
    assert 35 <= per_agent[part].mean() <= 85
    special = agents.loc[agents["kind"] == "specialist", "agent_id"]
    assert set(calls.loc[calls["agent_id"].isin(special), "call_type"]) <= {
        "technical_support", "complaints"}
    assert calls["call_type"].nunique() == 5
    # The planted truth per call: agent-caused repeats are a minority of all calls.
    assert set(calls["repeat_cause"].dropna()) <= {"agent", "customer", "outside", "process"}
    assert 0.04 <= calls["agent_caused"].mean() <= 0.14
    assert (calls["agent_caused"] <= calls["caused_repeat"]).all()


def test_every_agent_gets_graded_evidence(centre: Archive) -> None:
    flags = fcr_flags(_with_fcr(centre), PERIOD)
    assert len(flags) == 40
    settings = FlagSettings()
    for flag in flags:
        assert flag.estimate is not None and flag.prob_worse is not None
        assert flag.interval_low is not None and flag.interval_high is not None
        assert flag.interval_low <= flag.estimate <= flag.interval_high
        assert len(flag.reasons) >= 3 and "probability worse than peers" in flag.reasons[1]
        if flag.status == "flagged":
            assert flag.prob_worse >= settings.flag_probability
        if flag.status == "watch":
            assert flag.prob_worse >= settings.watch_probability
        if flag.status == "insufficient_evidence":
            assert flag.calls_to_settle is not None and flag.calls_to_settle > 0
            assert "more calls it can be judged" in flag.reasons[2]


def test_part_timers_and_specialists_are_not_flagged(centre: Archive) -> None:
    kinds = dict(zip(centre.agents["agent_id"], centre.agents["kind"], strict=True))
    flags = fcr_flags(_with_fcr(centre), PERIOD)
    by_kind = Counter((kinds[f.agent_id], f.status) for f in flags)
    assert by_kind[("part_timer", "flagged")] == 0
    assert by_kind[("specialist", "flagged")] == 0
    assert by_kind[("weak", "flagged")] + by_kind[("weak", "watch")] >= 3


def test_a_process_team_is_a_process_issue_not_five_flags(centre: Archive) -> None:
    flags, issues = fcr_assessment(_with_fcr(centre), PERIOD)
    team = centre.agents.loc[centre.agents["process_team"], "team_id"].iloc[0]
    assert [(i.kind, i.scope, i.scope_id) for i in issues] == [("fcr", "team", team)]
    members = set(centre.agents.loc[centre.agents["team_id"] == team, "agent_id"])
    kinds = dict(zip(centre.agents["agent_id"], centre.agents["kind"], strict=True))
    for flag in flags:
        if flag.agent_id in members and kinds[flag.agent_id] != "weak":
            assert flag.status != "flagged"
            assert any("process issue" in r for r in flag.reasons)


def test_without_teams_or_outside_causes_it_still_works(centre: Archive) -> None:
    calls = _with_fcr(centre).drop(columns=["team_id", "outside_cause"])
    flags, issues = fcr_assessment(calls, PERIOD)
    assert len(flags) == 40 and issues == []


def test_a_tiny_excess_on_a_huge_volume_is_watch_not_flagged() -> None:
    rows = 20_000
    calls = pd.DataFrame({
        "agent_id": np.where(np.arange(rows) % 2 == 0, "big", "other"),
        "call_type": "billing",
        "fcr_status": np.where(np.arange(rows) % 20 < 2, "repeat", "resolved"),
    })
    # 'big' repeats 10% more often than 'other' on 10,000 calls each.
    extra = calls.index[(calls["agent_id"] == "big") & (calls["fcr_status"] == "resolved")][:55]
    calls.loc[extra, "fcr_status"] = "repeat"
    flags = {f.agent_id: f for f in fcr_flags(calls, PERIOD)}
    assert flags["big"].prob_worse is not None and flags["big"].prob_worse > 0.9
    assert flags["big"].status == "watch"


def test_the_budget_targets_callbacks_and_lists_controls_apart(centre: Archive) -> None:
    calls = _with_fcr(centre)
    flags = fcr_flags(calls, PERIOD) + criterion_flags(centre.criteria, PERIOD)[0]
    plan = review_plan(calls, centre.criteria, flags)
    assert plan.budget == 5 * 40 and plan.controls == 20
    assert len(plan.items) == plan.targeted + plan.controls + 0 * plan.unused
    targeted = [i for i in plan.items if not i.control]
    controls = [i for i in plan.items if i.control]
    assert plan.items[len(targeted):] == tuple(controls)  # listed after the targeted calls
    assert all(i.priority == 0.0 and i.kind == "control" for i in controls)
    assert min(i.priority for i in targeted) > 0.0
    priorities = [i.priority for i in targeted]
    assert priorities == sorted(priorities, reverse=True)
    watched = {f.agent_id for f in flags if f.kind == "fcr" and f.status in ("flagged", "watch")}
    fcr_items = [i for i in targeted if i.kind == "fcr_repeat"]
    assert fcr_items and all(i.agent_id in watched for i in fcr_items)
    status = calls.set_index("call_id")["fcr_status"]
    assert (status[[i.call_id for i in fcr_items]] == "repeat").all()
    truth = calls.set_index("call_id")["agent_caused"]
    assert truth[[i.call_id for i in plan.items[:100]]].mean() >= 0.5
    assert plan.targeted_share is not None and plan.random_share is not None
    assert plan.targeted_share > 4 * plan.random_share
    assert "random calls" in plan.reasons[1]
    # The same seed draws the same controls; review_queue is the plan's items.
    assert review_queue(calls, centre.criteria, flags) == list(plan.items)


def test_outside_cause_ranks_a_callback_lower() -> None:
    calls = pd.DataFrame({
        "call_id": ["c1", "c2", "c3"], "agent_id": "a1",
        "fcr_status": "repeat", "callback_call_id": ["r1", "r2", "r3"],
        "outside_cause": [None, "outage", None],
    })
    criteria = pd.DataFrame({"call_id": ["c1", "c2"], "criterion_id": "resolution_confirmed",
                             "outcome": ["fail", "fail"]})
    flag = Flag(agent_id="a1", kind="fcr", status="flagged", period_start=PERIOD[0],
                period_end=PERIOD[1], calls=100, events=40, expected=20.0, ratio=2.0,
                p_value=None, q_value=None, reasons=("x",), estimate=1.8, prob_worse=0.99)
    queue = review_queue(calls, criteria, [flag], ReviewSettings(queue_size=3,
                                                                 control_share=0.0))
    assert [i.call_id for i in queue] == ["c1", "c3", "c2"]
    assert queue[0].expected_yield is not None and queue[0].expected_yield > 0.7
    assert any("outside cause ('outage')" in r for r in queue[2].reasons)
