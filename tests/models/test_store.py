"""The store API on both servers: scores, FCR, flags, the review queue, frames, statuses."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from callqa.domain.errors import StoreError
from callqa.domain.review import FcrOutcome, FcrStatus, Flag, ReviewItem, ReviewPlan
from callqa.models import store
from callqa.models.base import Base
from callqa.models.result_tables import CriterionRow, FcrRow, FlagRow, ReviewItemRow, ScoreRow
from callqa.models.store_review import queue_select
from callqa.models.tables import Agent, Call, Customer, TranscriptRow
from callqa.scoring import choose_scorecard, score_call
from tests.factories import billing_call, metadata, sha

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def add_calls(sessions: sessionmaker[Session], n: int, **fields: object) -> list[str]:
    ids = [f"call-{i:03d}" for i in range(n)]
    with sessions.begin() as session:
        for i, call_id in enumerate(ids):
            store.upsert_call(
                session, metadata(call_id, agent_id=f"a{i % 3}", customer_id=f"c{i % 4}",
                                  started_at=T0 + timedelta(hours=i), **fields),
                content_sha256=sha(i + 1), recording_uri=f"file:///calls/{call_id}.wav")
    return ids


def test_upsert_call_is_idempotent_and_links_people(sessions: sessionmaker[Session]) -> None:
    meta = metadata("c-1", customer_name="رضا محمدی")
    with sessions.begin() as session:
        call, created = store.upsert_call(session, meta, content_sha256=sha(1),
                                          recording_uri="file:///c-1.wav")
        assert created and call.id is not None
    with sessions.begin() as session:
        again, created = store.upsert_call(session, metadata("c-1", agent_id="zz"),
                                           content_sha256=sha(1), recording_uri="file:///x")
        assert not created and again.call_id == "c-1"
        assert (count(session, Call), count(session, Agent), count(session, Customer)) == (1, 1, 1)
        assert session.scalar(select(Customer.name)) == "رضا محمدی"
        assert again.started_at is not None and again.started_at == meta.started_at
        assert again.started_at.tzinfo is not None


def test_save_score_twice_keeps_one_set_of_rows(sessions: sessionmaker[Session]) -> None:
    add_calls(sessions, 1)
    billing = score_call(billing_call("call-000"), choose_scorecard("billing"))
    sales = score_call(billing_call("call-000"), choose_scorecard("sales"))
    assert billing.scorecard.id != sales.scorecard.id
    with sessions.begin() as session:
        call = store.get_call(session, "call-000")
        assert call is not None
        store.save_score(session, call, billing)
        store.save_score(session, call, billing)
    with sessions.begin() as session:
        call = store.get_call(session, "call-000")
        assert call is not None
        assert count(session, ScoreRow) == 1
        assert count(session, CriterionRow) == len(billing.criteria)
        assert store.load_score(session, call) == billing.model_copy(update={"call_id": "call-000"})
        # Another scorecard adds its own rows and becomes the call's current score.
        store.save_score(session, call, sales)
        store.save_score(session, call, sales)
    with sessions() as session:
        assert count(session, ScoreRow) == 2
        assert count(session, CriterionRow) == len(billing.criteria) + len(sales.criteria)
        frame = store.calls_frame(session)
        assert frame.loc[0, "score"] == pytest.approx(sales.score)
        criteria = store.criterion_frame(session)
        assert list(criteria["criterion_id"]) == [c.id for c in sales.criteria]
        assert set(criteria["outcome"]) <= {"pass", "fail", "na"}


def test_save_fcr_replaces_previous_outcomes(sessions: sessionmaker[Session]) -> None:
    ids = add_calls(sessions, 4)
    first = [FcrOutcome(call_id=ids[0], status=FcrStatus.REPEAT, callback_call_id=ids[3],
                        hours_to_callback=3.0),
             *(FcrOutcome(call_id=i, status=FcrStatus.RESOLVED) for i in ids[1:])]
    with sessions.begin() as session:
        assert store.save_fcr(session, first) == 4
    frame = pd.DataFrame({"call_id": ids[:2], "fcr_status": ["resolved", "continuation"],
                          "callback_call_id": [None, ids[2]], "hours_to_callback": [None, 0.1]})
    with sessions.begin() as session:
        store.save_fcr_frame(session, frame)
    with sessions() as session:
        assert count(session, FcrRow) == 4
        stored = store.fcr_frame(session).set_index("call_id")
        assert list(stored["fcr_status"]) == ["resolved", "continuation", "resolved", "resolved"]
        assert pd.isna(stored.loc[ids[0], "callback_call_id"])
        assert stored.loc[ids[1], "callback_call_id"] == ids[2]
        assert stored.loc[ids[1], "hours_to_callback"] == pytest.approx(0.1)
    with sessions.begin() as session, pytest.raises(StoreError, match=r"unknown call ids.*nope"):
        store.save_fcr(session, [FcrOutcome(call_id="nope", status=FcrStatus.RESOLVED)])
    with sessions.begin() as session, pytest.raises(StoreError, match="two FCR outcomes"):
        store.save_fcr(session, [FcrOutcome(call_id=ids[0], status=FcrStatus.RESOLVED)] * 2)


def item(call_id: str, agent_id: str, priority: float, control: bool = False) -> ReviewItem:
    return ReviewItem(call_id=call_id, agent_id=agent_id, priority=priority,
                      reasons=(f"why {call_id}",), control=control,
                      kind="control" if control else "fcr_repeat")


def test_review_queue_order_filters_and_replacement(
    sessions: sessionmaker[Session], engine: Engine,
) -> None:
    ids = add_calls(sessions, 6)  # agents a0, a1, a2, a0, a1, a2
    items = [item(ids[0], "a0", 12.5), item(ids[1], "a1", 11.0), item(ids[2], "a2", 12.5),
             item(ids[3], "a0", 3.0, control=True), item(ids[4], "a1", 14.0)]
    with sessions.begin() as session:
        store.save_review_items(session, items)
    with sessions() as session:
        queue = store.review_queue(session)
        # Highest priority first; equal priorities keep the order they were saved in.
        assert [i.call_id for i in queue] == [ids[4], ids[0], ids[2], ids[1], ids[3]]
        assert queue[-1].control and queue[-1].kind == "control"
        assert queue[0].reasons == (f"why {ids[4]}",) and queue[0].created_at is not None
        assert [i.call_id for i in store.review_queue(session, include_control=False)] == [
            ids[4], ids[0], ids[2], ids[1]]
        assert [i.call_id for i in store.review_queue(session, agent_id="a0")] == [ids[0], ids[3]]
        assert store.review_queue(session, agent_id="nobody") == []
        assert len(store.review_queue(session, limit=2)) == 2
    period = (date(2026, 11, 1), date(2026, 11, 30))
    with sessions.begin() as session:
        store.save_review_items(session, [item(ids[5], "a2", 1.0)], period)
        store.save_review_items(session, [item(ids[5], "a2", 2.0)], period)  # a re-run
        assert count(session, ReviewItemRow) == 6
        store.save_review_items(session, [])  # no period: the whole queue is replaced
        assert count(session, ReviewItemRow) == 0
    if engine.dialect.name == "sqlite":
        # The top of the queue is read from a priority index, not by sorting every row.
        for args, index in (((50,), "ix_review_items_priority"),
                            ((50, None, False), "ix_review_items_control_priority"),
                            ((50, 1), "ix_review_items_agent_priority")):
            sql = queue_select(*args).compile(
                engine, compile_kwargs={"literal_binds": True})
            with engine.connect() as connection:
                plan = " | ".join(str(row[-1]) for row in connection.execute(
                    text(f"EXPLAIN QUERY PLAN {sql}")))
            # Walked in index order and stopped at the limit (a sort of every row would show
            # as a plain 'SCAN review_items' followed by 'USE TEMP B-TREE FOR ORDER BY').
            assert re.search(rf"(SCAN|SEARCH) review_items USING (COVERING )?INDEX {index}\b",
                             plan), plan


def test_calls_frame_types_and_period(sessions: sessionmaker[Session]) -> None:
    ids = add_calls(sessions, 5)
    with sessions.begin() as session:
        call = store.get_call(session, ids[1])
        assert call is not None
        metrics = billing_call(ids[1]).metrics
        assert metrics is not None
        store.save_metrics(session, call, metrics)
        store.save_outside_cause(session, call, "an outage")
        store.save_score(session, call, score_call(billing_call(ids[1]),
                                                   choose_scorecard("billing")))
    with sessions() as session:
        frame = store.calls_frame(session)
        window = store.calls_frame(session, T0 + timedelta(hours=1), T0 + timedelta(hours=3))
    assert tuple(frame.columns) == store.CALLS_COLUMNS
    assert list(frame["call_id"]) == ids
    assert isinstance(frame["started_at"].dtype, pd.DatetimeTZDtype)
    assert str(frame["started_at"].dt.tz) == "UTC"
    assert frame.loc[0, "started_at"] == pd.Timestamp(T0)
    assert frame["handle_time"].dtype == "float64" and frame["score"].dtype == "float64"
    assert str(frame["critical_failed"].dtype) == "boolean"
    assert frame.loc[1, "handle_time"] == 20.0 and not pd.isna(frame.loc[1, "score"])
    assert pd.isna(frame.loc[0, "score"]) and pd.isna(frame.loc[0, "passed"])
    assert list(frame["status"].unique()) == ["pending"]
    assert frame.loc[1, "outside_cause"] == "an outage" and pd.isna(frame.loc[0, "outside_cause"])
    assert list(window["call_id"]) == ids[1:3]  # [start, end)


def test_a_failed_call_keeps_its_reason_and_does_not_block_others(
    sessions: sessionmaker[Session],
) -> None:
    ids = add_calls(sessions, 3)
    with sessions.begin() as session:
        first = store.pending_calls(session, limit=1)[0]
        assert first.call_id == ids[0]
        store.mark_processing(session, first)
    with sessions.begin() as session:
        call = store.get_call(session, ids[0])
        assert call is not None
        store.mark_failed(session, call, "cannot decode call-000.wav: not a WAV file")
    with sessions() as session:
        assert [c.call_id for c in store.pending_calls(session)] == ids[1:]
        failed = store.get_call(session, ids[0])
        assert failed is not None and failed.status == "failed" and failed.attempts == 1
        assert failed.failure_reason == "cannot decode call-000.wav: not a WAV file"
        assert failed.updated_at >= failed.created_at
    with sessions.begin() as session:
        for call in store.pending_calls(session):
            store.mark_processing(session, call)
            store.mark_processed(session, call)
    with sessions() as session:
        assert store.pending_calls(session) == []
        statuses = store.calls_frame(session).set_index("call_id")["status"].to_dict()
        assert statuses == {ids[0]: "failed", ids[1]: "processed", ids[2]: "processed"}


def test_transcript_is_replaced_and_read_back(sessions: sessionmaker[Session]) -> None:
    ids = add_calls(sessions, 1)
    first = billing_call(ids[0])
    second = first.model_copy(update={"language": "fa"})
    with sessions.begin() as session:
        call = store.get_call(session, ids[0])
        assert call is not None
        with pytest.raises(StoreError, match=r"no stored transcript.*Fix: process"):
            store.load_transcript(session, call)
        store.save_transcript(session, call, first)
        store.save_transcript(session, call, second)
    with sessions() as session:
        call = store.get_call(session, ids[0])
        assert call is not None
        assert count(session, TranscriptRow) == 1
        assert store.load_transcript(session, call) == second


def test_stage_runs_mark_finished_work(sessions: sessionmaker[Session]) -> None:
    key = (sha(7), "transcribe", "1", "abc")
    with sessions.begin() as session:
        assert not store.stage_done(session, *key)
        store.record_stage(session, *key, "running")
        store.record_stage(session, *key, "failed", error="CUDA out of memory")
        assert not store.stage_done(session, *key)
        store.record_stage(session, *key, "running")
        store.record_stage(session, *key, "done")
        assert store.stage_done(session, *key)
        assert not store.stage_done(session, sha(7), "transcribe", "2", "abc")
        with pytest.raises(StoreError, match="not one of"):
            store.record_stage(session, *key, "finished")


def test_save_flags_replaces_the_period(sessions: sessionmaker[Session]) -> None:
    add_calls(sessions, 3)
    period = (date(2026, 11, 1), date(2026, 11, 30))

    def flag(agent: str, kind: str, status: str, criterion: str | None = None) -> Flag:
        return Flag.model_validate({
            "agent_id": agent, "kind": kind, "criterion_id": criterion, "status": status,
            "period_start": period[0], "period_end": period[1], "calls": 40, "events": 12,
            "expected": 5.5, "ratio": 2.18, "p_value": 0.001, "q_value": 0.004,
            "reasons": ("12 repeats caused",), "estimate": 1.9, "interval_low": 1.2,
            "interval_high": 2.7, "prob_worse": 0.993,
            "calls_to_settle": 25 if status == "watch" else None})

    flags = [flag("a0", "fcr", "flagged"), flag("a0", "criterion", "watch", "empathy"),
             flag("a1", "fcr", "insufficient_evidence"), flag("a2", "fcr", "normal")]
    with sessions.begin() as session:
        store.save_flags(session, flags, period)
        store.save_flags(session, flags, period)
        assert count(session, FlagRow) == 4
        assert store.load_flags(session, period) == sorted(
            flags, key=lambda f: (f.agent_id, f.kind, f.criterion_id or ""))
        store.save_flags(session, flags[:1], period)
        assert store.load_flags(session, status="flagged") == flags[:1]
        with pytest.raises(StoreError, match="unknown agent ids: zz"):
            store.save_flags(session, [flag("zz", "fcr", "flagged")], period)


def test_review_items_keep_their_yield_and_the_plan_its_numbers(
        sessions: sessionmaker[Session]) -> None:
    ids = add_calls(sessions, 2)
    period = (date(2026, 11, 1), date(2026, 11, 30))
    items = (item(ids[0], "a0", 2.6).model_copy(update={"expected_yield": 0.6}),
             item(ids[1], "a1", 0.0, control=True))
    plan = ReviewPlan(items=items, budget=10, targeted=1, controls=1, unused=8,
                      expected_found=0.6, expected_random=0.08, expected_per_agent=0.07,
                      targeted_share=0.6, random_share=0.08, reasons=("budget 10 reviews",))
    with sessions.begin() as session:
        assert store.latest_review_plan(session) is None
        store.save_review_items(session, plan.items, period)
        store.save_review_plan(session, plan, period)
    with sessions() as session:
        assert [i.expected_yield for i in store.review_queue(session)] == [0.6, None]
        assert store.latest_review_plan(session) == plan.model_copy(update={"items": ()})


def test_naive_datetimes_are_refused(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session, pytest.raises(Exception, match="naive datetime"):
        store.calls_frame(session, start=datetime(2026, 11, 2))
