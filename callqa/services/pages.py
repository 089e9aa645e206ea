"""What the web pages need beside the JSON routes' services: the facts of a page of calls
(for the review queue and suggestions), and weekly trends of scores, FCR and criteria for
an agent or a team against the centre. Everything takes the person's scope."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Literal

import pandas as pd
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import ReviewLoopSettings, Settings
from callqa.domain.queries import Scope
from callqa.domain.reviews import Calibration, FeedbackItem
from callqa.models import store, store_pages
from callqa.services.analysis import period_frames
from callqa.services.loop import call_in_scope
from callqa.services.users import Person


class CallFacts(BaseModel):
    call_id: str
    agent_name: str | None
    call_type: str | None
    started_at: datetime | None
    status: str
    score: float | None
    reviewed: bool


def call_facts(sessions: sessionmaker[Session], scope: Scope, call_ids: Collection[str]
               ) -> dict[str, CallFacts]:
    """call_id -> facts, for the calls of `call_ids` that `scope` may see."""
    with sessions() as session:
        found = store_pages.call_facts(session, scope, call_ids)
    return {call_id: CallFacts.model_validate(row) for call_id, row in found.items()}


def call_feedback(sessions: sessionmaker[Session], settings: ReviewLoopSettings,
                  person: Person, call_id: str) -> FeedbackItem:
    """One call's feedback as the agent's list shows it (`services.reviews.feedback`):
    reviews, verdicts, acknowledgement, disputes and the dispute window (404 out of scope)."""
    from callqa.services.reviews import _feedback_item  # the feedback list's own record

    with sessions() as session:
        return _feedback_item(session, settings, call_in_scope(session, person, call_id))


class Series(BaseModel):
    name: str
    points: list[tuple[date, float | None]]


class Trend(BaseModel):
    """One measure per week (Monday first) for a subject and its reference."""

    measure: str
    label: str
    percent: bool
    subject: Series
    reference: Series


def weekly_trends(sessions: sessionmaker[Session], settings: Settings, *,
                  agent_id: str | None = None, team_id: str | None = None,
                  against: Literal["center", "team"] = "center",
                  criteria: bool = True) -> list[Trend]:
    """Per week: the average score, the FCR rate (resolved among settled calls) and, with
    `criteria`, each criterion's pass rate, of one agent (or one team) against the centre
    (or the agent's team)."""
    calls, verdicts = period_frames(sessions, settings)
    if calls.empty:
        return []
    calls = calls.assign(week=calls["started_at"].dt.tz_localize(None)
                         .dt.to_period("W-SUN").dt.start_time.dt.date)
    subject = (calls["agent_id"] == agent_id) if agent_id else (calls["team_id"] == team_id)
    if not subject.any():
        return []
    reference = calls["team_id"].isin(calls.loc[subject, "team_id"].dropna().unique()) \
        if against == "team" else pd.Series(True, index=calls.index)
    subject_name = agent_id or team_id or ""
    reference_name = "team" if against == "team" else "centre"
    weeks = sorted(calls.loc[subject | reference, "week"].dropna().unique())
    settled = calls["fcr_status"].isin(["resolved", "repeat"])
    calls = calls.assign(resolved=(calls["fcr_status"] == "resolved").where(settled)
                         .astype("float"))

    def series(mask: pd.Series, column: str, name: str, frame: pd.DataFrame = calls
               ) -> Series:
        means = frame.loc[mask].groupby("week")[column].mean()
        return Series(name=name, points=[(w, _value(means.get(w))) for w in weeks])

    trends = [Trend(measure=m, label=label, percent=percent,
                    subject=series(subject, m, subject_name),
                    reference=series(reference, m, reference_name))
              for m, label, percent in (("score", "Score", False),
                                        ("resolved", "First-contact resolution", True))]
    if criteria and not verdicts.empty:
        judged = verdicts[verdicts["outcome"].isin(["pass", "fail"])].merge(
            calls[["call_id", "week"]], on="call_id")
        judged = judged.assign(passed=(judged["outcome"] == "pass").astype("float"))
        mine = (judged["agent_id"] == agent_id) if agent_id else (judged["team_id"] == team_id)
        theirs = judged["call_id"].isin(calls.loc[reference, "call_id"])
        for criterion in sorted(judged.loc[mine, "criterion_id"].unique()):
            this = judged["criterion_id"] == criterion
            trends.append(Trend(measure=f"criterion:{criterion}",
                                label=criterion.replace("_", " ").capitalize(), percent=True,
                                subject=series(this & mine, "passed", subject_name, judged),
                                reference=series(this & theirs, "passed", reference_name,
                                                 judged)))
    return trends


def my_trends(sessions: sessionmaker[Session], settings: Settings, person: Person
              ) -> list[Trend]:
    """An agent's weekly trends against their team (the team's averages, never its calls)."""
    if person.agent_id is None:
        return []
    return weekly_trends(sessions, settings, agent_id=person.agent_id, against="team")


def _value(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), 4)  # type: ignore[arg-type]


def calibration_criteria(sessions: sessionmaker[Session], view: Calibration
                         ) -> dict[str, list[str]]:
    """call_id -> the criterion ids of its scorecard, for a session the person takes part
    in (`view` from `services.calibration.session_view`): the ids only, never the automatic
    verdicts, so the blind form can be drawn."""
    found: dict[str, list[str]] = {}
    with sessions() as session:
        for call_id in view.call_ids:
            call = store.get_call(session, call_id)
            score = store.load_score(session, call) if call is not None else None
            found[call_id] = [c.id for c in score.criteria] if score else []
    return found
