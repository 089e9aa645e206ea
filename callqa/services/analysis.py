"""Period analysis: FCR over a period's calls, agent flags, process issues and the review
queue (stored for the review tools), and the read-only views built on the same frames:
suggested calls for team leaders and the per-agent and per-team report."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain.queries import Scope
from callqa.domain.review import (
    Flag,
    ProcessIssue,
    ReportRow,
    ReviewItem,
    ReviewPlan,
    Suggestion,
)
from callqa.models import store
from callqa.models.scope import visible_agent_ids, visible_team_ids
from callqa.scoring.fcr import compute_fcr
from callqa.scoring.flags import criterion_flags, fcr_assessment
from callqa.scoring.review import report as build_report
from callqa.scoring.review import review_plan
from callqa.scoring.review import suggestions as suggest


@dataclass
class Analysis:
    period: tuple[date, date]
    calls: int
    fcr_counts: dict[str, int]
    flags: list[Flag]
    process_issues: list[ProcessIssue]
    queue_size: int
    plan: ReviewPlan | None = None
    """How the review budget was spent and what it is expected to find (None: no calls)."""


def analyse_period(
    sessions: sessionmaker[Session], settings: Settings, start: date | None = None,
    end: date | None = None,
) -> Analysis:
    """FCR, flags, process issues and the review queue for calls started in [start, end]."""
    begin, finish = _bounds(start, end)
    with sessions() as session:
        calls = store.calls_frame(session, begin, finish)
        criteria = store.criterion_frame(session, begin, finish)
        # Issue 14: criteria whose automatic verdicts reviewers do not trust stop driving
        # flags and the queue until agreement recovers (services.agreement).
        from callqa.services.agreement import untrusted_criteria

        criteria = criteria[~criteria["criterion_id"].isin(
            untrusted_criteria(sessions, settings))]
        if calls.empty:
            period = (start or date.today(), end or date.today())
            return Analysis(period, 0, {}, [], [], 0)
        period = (start or calls["started_at"].min().date(),
                  end or calls["started_at"].max().date())
        fcr = compute_fcr(calls, settings.fcr, as_of=finish)
        store.save_fcr_frame(session, fcr)
        calls = calls.assign(fcr_status=fcr["fcr_status"].to_numpy(),
                             callback_call_id=fcr["callback_call_id"].to_numpy())
        flags, fcr_issues = fcr_assessment(calls, period, settings.flags)
        weak, issues = criterion_flags(criteria, period, settings.flags)
        store.save_flags(session, [*flags, *weak], period)
        plan = review_plan(calls, criteria, [*flags, *weak], settings.review)
        store.save_review_items(session, plan.items, period)
        store.save_review_plan(session, plan, period)
        session.commit()
    counts = {str(k): int(v) for k, v in fcr["fcr_status"].value_counts().items()}
    return Analysis(period, len(calls), counts, [*flags, *weak], [*fcr_issues, *issues],
                    len(plan.items), plan)


def _bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    return (datetime.combine(start, time.min, UTC) if start else None,
            datetime.combine(end, time.max, UTC) if end else None)


def period_frames(sessions: sessionmaker[Session], settings: Settings,
                  start: date | None = None, end: date | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The period's calls (with their FCR status) and their criterion results.

    A call's FCR status is the one the last analysis stored (`callqa flags` sees the calls
    after the period, which settle whether its calls were repeated); calls it has not seen
    get one computed from the period's own calls."""
    begin, finish = _bounds(start, end)
    with sessions() as session:
        calls = store.calls_frame(session, begin, finish)
        criteria = store.criterion_frame(session)
        stored = store.fcr_frame(session, begin, finish)
    computed = compute_fcr(calls, settings.fcr)["fcr_status"].to_numpy()
    known = calls["call_id"].map(dict(zip(stored["call_id"], stored["fcr_status"],
                                          strict=True)))
    calls = calls.assign(fcr_status=known.where(known.notna(), computed))
    return calls, criteria[criteria["call_id"].isin(calls["call_id"])]


def queued_reviews(sessions: sessionmaker[Session], limit: int,
                   agent_id: str | None = None) -> list[ReviewItem]:
    """The stored review queue (from the last analysis), best first."""
    with sessions() as session:
        return store.review_queue(session, limit=limit, agent_id=agent_id)


def last_review_plan(sessions: sessionmaker[Session]) -> ReviewPlan | None:
    """How the last analysis spent the review budget (without its items)."""
    with sessions() as session:
        return store.latest_review_plan(session)


def suggested_calls(sessions: sessionmaker[Session], settings: Settings,
                    agent_id: str | None = None, team_id: str | None = None,
                    start: date | None = None, end: date | None = None) -> list[Suggestion]:
    """Calls a team leader should listen to, for one agent, a team's agents or everyone."""
    calls, criteria = period_frames(sessions, settings, start, end)
    agents: Sequence[str]
    if agent_id is not None:
        agents = [agent_id]
    elif team_id is not None:
        agents = sorted(calls.loc[calls["team_id"] == team_id, "agent_id"].dropna().unique())
    else:
        agents = sorted(calls["agent_id"].dropna().unique())
    review = settings.review
    return [s for agent in agents
            for s in suggest(calls, criteria, agent, review.suggestions_per_agent,
                             exemplary_min_score=review.exemplary_min_score)]


def period_report(sessions: sessionmaker[Session], settings: Settings,
                  start: date | None = None, end: date | None = None) -> list[ReportRow]:
    """Per agent and team: calls, handle time, score, compliance, FCR, against the centre."""
    calls, _ = period_frames(sessions, settings, start, end)
    return build_report(calls)


def agent_names(sessions: sessionmaker[Session], agent_ids: Collection[str] | None = None
                ) -> dict[str, str]:
    """agent_id -> name, for showing people rather than ids (of `agent_ids` only: a page)."""
    with sessions() as session:
        return store.agent_names(session, agent_ids)


def visible_agents(sessions: sessionmaker[Session], scope: Scope) -> set[str] | None:
    """The agents whose flags, queue and suggestions `scope` may see (None: everyone)."""
    with sessions() as session:
        return visible_agent_ids(session, scope)


def visible_teams(sessions: sessionmaker[Session], scope: Scope) -> list[str]:
    """The teams `scope` may see (every stored team for qa and admin)."""
    with sessions() as session:
        return visible_team_ids(session, scope)


def stored_flags(sessions: sessionmaker[Session], scope: Scope) -> list[Flag]:
    """The flags of the latest analysed period, of the agents in scope."""
    agents = visible_agents(sessions, scope)
    with sessions() as session:
        flags = store.load_flags(session)
    if flags:
        latest = max((f.period_start, f.period_end) for f in flags)
        flags = [f for f in flags if (f.period_start, f.period_end) == latest]
    return [f for f in flags if agents is None or f.agent_id in agents]


def queue_in_scope(sessions: sessionmaker[Session], scope: Scope, limit: int,
                   offset: int = 0) -> list[ReviewItem]:
    """The stored review queue, best first, limited to the calls of agents in scope."""
    agents = visible_agents(sessions, scope)
    with sessions() as session:
        return store.review_queue(session, limit=limit, agents=agents, offset=offset)


def suggestions_in_scope(sessions: sessionmaker[Session], settings: Settings, scope: Scope,
                         start: date | None = None, end: date | None = None
                         ) -> list[Suggestion]:
    """Suggested calls for every agent in scope (a team leader: their teams' agents)."""
    agents = visible_agents(sessions, scope)
    picks = suggested_calls(sessions, settings, start=start, end=end)
    return [s for s in picks if agents is None or s.agent_id in agents]


def report_in_scope(sessions: sessionmaker[Session], settings: Settings, scope: Scope,
                    start: date | None = None, end: date | None = None) -> list[ReportRow]:
    """The report's centre row, and the team and agent rows in scope."""
    rows = period_report(sessions, settings, start, end)
    if scope.everything:
        return rows
    agents = visible_agents(sessions, scope) or set()
    return [r for r in rows if r.scope == "center"
            or (r.scope == "team" and r.id in scope.team_ids)
            or (r.scope == "agent" and r.id in agents)]
