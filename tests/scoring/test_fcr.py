"""FCR edges: the window, the transfer gap, call types, pending at the end of the data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from callqa.configs.settings import FcrSettings
from callqa.domain.review import FcrStatus
from callqa.scoring.fcr import compute_fcr, fcr_outcomes

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _calls(*rows: tuple[str, str | None, str, timedelta]) -> pd.DataFrame:
    return pd.DataFrame(
        [(cid, cust, ctype, T0 + offset) for cid, cust, ctype, offset in rows],
        columns=["call_id", "customer_id", "call_type", "started_at"],
    )


def _status(result: pd.DataFrame) -> dict[str, str]:
    return dict(zip(result["call_id"], result["fcr_status"], strict=True))


def test_exactly_at_the_window_is_a_repeat_one_second_later_is_not() -> None:
    calls = _calls(
        ("a1", "alice", "billing", timedelta(0)),
        ("a2", "alice", "billing", timedelta(days=7)),
        ("b1", "bob", "billing", timedelta(0)),
        ("b2", "bob", "billing", timedelta(days=7, seconds=1)),
        ("end", "zed", "billing", timedelta(days=30)),
    )
    status = _status(compute_fcr(calls))
    assert status["a1"] == "repeat" and status["b1"] == "resolved"


def test_transfer_gap_continues_the_contact() -> None:
    calls = _calls(
        ("c1", "carol", "billing", timedelta(0)),
        ("c2", "carol", "billing", timedelta(minutes=15)),   # exactly at the gap
        ("c3", "carol", "billing", timedelta(minutes=15, seconds=1) + timedelta(minutes=15)),
        ("end", "zed", "billing", timedelta(days=30)),
    )
    result = compute_fcr(calls)
    status = _status(result)
    assert status["c1"] == "continuation"
    # c2 -> c3 is 15 min 1 s: past the transfer gap, within the window: a repeat.
    assert status["c2"] == "repeat"
    assert status["c3"] == "resolved"
    row = result.set_index("call_id").loc["c1"]
    assert row["callback_call_id"] == "c2" and abs(row["hours_to_callback"] - 0.25) < 1e-9


def test_same_call_type_only() -> None:
    calls = _calls(
        ("d1", "dan", "billing", timedelta(0)),
        ("d2", "dan", "sales", timedelta(days=2)),
        ("end", "zed", "billing", timedelta(days=30)),
    )
    assert _status(compute_fcr(calls))["d1"] == "repeat"
    only_same = compute_fcr(calls, FcrSettings(same_call_type_only=True))
    assert _status(only_same)["d1"] == "resolved"


def test_last_window_of_the_data_is_pending() -> None:
    calls = _calls(
        ("e1", "erin", "billing", timedelta(0)),
        ("f0", "flo", "billing", timedelta(days=3)),  # its window ends exactly at day 10
        ("f1", "fay", "billing", timedelta(days=3, seconds=1)),
        ("g1", "gus", "billing", timedelta(days=10)),
    )
    status = _status(compute_fcr(calls))  # the data ends at day 10
    assert status == {"e1": "resolved", "f0": "resolved", "f1": "pending", "g1": "pending"}
    as_of = T0 + timedelta(days=17)
    assert set(_status(compute_fcr(calls, as_of=as_of)).values()) == {"resolved"}


def test_a_repeat_is_known_even_inside_the_last_window() -> None:
    calls = _calls(("h1", "hal", "billing", timedelta(0)), ("h2", "hal", "billing",
                                                            timedelta(days=1)))
    assert _status(compute_fcr(calls)) == {"h1": "repeat", "h2": "pending"}


def test_no_customer_is_unknown_and_order_is_kept() -> None:
    calls = _calls(
        ("z9", None, "billing", timedelta(days=1)),
        ("i1", "ida", "billing", timedelta(0)),
    )
    result = compute_fcr(calls)
    assert list(result["call_id"]) == ["z9", "i1"]
    assert _status(result)["z9"] == "unknown"
    outcomes = {o.call_id: o for o in fcr_outcomes(result)}
    assert outcomes["z9"].status == FcrStatus.UNKNOWN and outcomes["z9"].callback_call_id is None


def test_empty() -> None:
    assert compute_fcr(_calls()).empty
