"""Agreement statistics: percent agreement, kappas checked against independent
computations, Wilson intervals, trust decisions and self-assessment agreement."""

from __future__ import annotations

import pytest
from sklearn.metrics import cohen_kappa_score

from callqa.scoring.agreement import (
    calibration_agreement,
    cohen_kappa,
    criterion_trust,
    fleiss_kappa,
    percent_agreement,
    self_agreement,
    wilson_interval,
)


def test_percent_agreement_counts_pairs() -> None:
    assert percent_agreement([["pass", "pass"], ["pass", "fail"]]) == 0.5
    # Three raters: pairs (a,b) (a,c) (b,c); one of three agrees.
    assert percent_agreement([["pass", "pass", "fail"]]) == pytest.approx(1 / 3)
    assert percent_agreement([["pass"]]) is None


def test_cohen_kappa_matches_scikit_learn() -> None:
    first = ["pass", "pass", "fail", "fail", "na", "pass", "fail", "pass"]
    second = ["pass", "fail", "fail", "fail", "na", "pass", "pass", "pass"]
    assert cohen_kappa(first, second) == pytest.approx(cohen_kappa_score(first, second))
    assert cohen_kappa(["pass"] * 4, ["pass"] * 4) is None  # undefined, not 1 or NaN
    assert cohen_kappa([], []) is None


def test_fleiss_kappa_by_hand() -> None:
    # Four items, three raters. P_i: 1, 1/3, 1, 1/3 -> P = 2/3; p_pass = p_fail = 6/12
    # -> Pe = 1/2; kappa = (P - Pe) / (1 - Pe) = 1/3.
    items = [["pass"] * 3, ["pass", "pass", "fail"], ["fail"] * 3, ["fail", "fail", "pass"]]
    assert fleiss_kappa(items) == pytest.approx(1 / 3)
    # Unequal shares: p_pass = 7/12 -> Pe = (49 + 25) / 144.
    items[3] = ["pass", "pass", "fail"]
    expected_pe = (49 + 25) / 144
    assert fleiss_kappa(items) == pytest.approx((2 / 3 - expected_pe) / (1 - expected_pe))
    assert fleiss_kappa([["na"] * 3] * 2) is None


def test_calibration_agreement_per_criterion() -> None:
    ratings = [
        ("c1", "greeting", "lead", "pass"), ("c1", "greeting", "r1", "pass"),
        ("c1", "greeting", "r2", "fail"),
        ("c2", "greeting", "lead", "fail"), ("c2", "greeting", "r1", "fail"),
        ("c2", "greeting", "r2", "fail"),
        ("c1", "empathy", "lead", "na"), ("c1", "empathy", "r1", "na"),
    ]
    automatic = {("c1", "greeting"): "pass", ("c2", "greeting"): "pass",
                 ("c1", "empathy"): "fail"}
    rows = {r.criterion_id: r for r in calibration_agreement(ratings, "lead", automatic)}
    greeting = rows["greeting"]
    assert greeting.calls == 2 and greeting.ratings == 6
    assert greeting.percent_agreement == pytest.approx(round(4 / 6, 4))
    assert greeting.kappa_method == "fleiss" and greeting.kappa is not None
    assert greeting.reviewer_deviation == {"r1": 0.0, "r2": 0.5}
    assert greeting.automatic_agreement == pytest.approx(round(2 / 6, 4))
    assert greeting.automatic_vs_lead == 0.5
    empathy = rows["empathy"]
    assert empathy.kappa_method == "cohen" and empathy.kappa is None and empathy.note
    assert empathy.percent_agreement == 1.0 and empathy.automatic_agreement == 0.0
    assert empathy.reviewer_deviation == {"r1": 0.0}


def test_wilson_interval_is_the_textbook_one() -> None:
    low, high = wilson_interval(17, 20)
    assert low == pytest.approx(0.6396, abs=1e-4) and high == pytest.approx(0.9476, abs=1e-4)
    assert wilson_interval(0, 0) == (None, None)


def test_trust_needs_enough_reviews_and_the_threshold() -> None:
    counts = {"greeting": (40, 38), "empathy": (30, 18), "closing": (19, 0)}
    rows = {r.criterion_id: r for r in criterion_trust(
        counts, {"empathy": ["billing", "default"]}, threshold=0.8, min_reviews=20)}
    assert rows["greeting"].status == "trusted"
    assert rows["empathy"].status == "not_trusted" and rows["empathy"].agreement == 0.6
    assert rows["empathy"].scorecards == ("billing", "default")
    assert "80%" in rows["empathy"].reason and "18 of 30" in rows["empathy"].reason
    assert rows["closing"].status == "too_few_reviews"  # 0 % but only 19 reviews
    assert rows["empathy"].ci_low is not None and rows["empathy"].ci_low < 0.6


def test_self_agreement_per_agent_and_criterion() -> None:
    rows = self_agreement([("a1", "greeting", "pass", "pass"), ("a1", "greeting", "pass", "fail"),
                           ("a2", "empathy", "na", "na")])
    assert [(r.agent_id, r.criterion_id, r.calls, r.agreed, r.agreement) for r in rows] == [
        ("a1", "greeting", 2, 1, 0.5), ("a2", "empathy", 1, 1, 1.0)]
