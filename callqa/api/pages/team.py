"""`/team`: a team leader's page (qa and admin see every team, one at a time): the calls
suggested per agent (failures to coach on, a call to praise), the team report against the
centre with weekly plots, and whether each agent has acknowledged their reviewed calls."""

from __future__ import annotations

from collections import defaultdict

from fastapi import HTTPException, Request, status
from fastapi.responses import HTMLResponse

from callqa.api.deps import PageStaff, SessionsDep, SettingsDep
from callqa.api.pages.common import DateFilter, page_router, paged, render
from callqa.api.pages.plots import trend_plot
from callqa.services import analysis, library, pages, reviews

router = page_router()
FEEDBACK_LIMIT = 500  # reviewed calls read for the acknowledgement table


@router.get("/team", response_class=HTMLResponse)
def team_page(request: Request, person: PageStaff, sessions: SessionsDep,
              settings: SettingsDep, team: str = "", agent: str = "",
              start: DateFilter = None, end: DateFilter = None) -> HTMLResponse:
    """One team at a time: its agents' suggestions, report rows, weekly plots and
    acknowledgements. With several teams in scope and none chosen: the centre and one row
    per team, each a link to its page (a centre has hundreds of agents)."""
    teams = analysis.visible_teams(sessions, person.scope)
    if team and team not in teams:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such team")
    shown = [team] if team else teams if len(teams) == 1 else []
    report = analysis.report_in_scope(sessions, settings, person.scope, start, end)
    members = {r.id for r in report if r.scope == "agent" and r.team_id in shown}
    report = [r for r in report if r.scope == "center" or (r.scope == "team" and (
        not shown or r.id in shown)) or (r.scope == "agent" and r.id in members)]
    picks = [p for p in library.suggestions_with_examples(sessions, settings, person.scope,
                                                          start, end)
             if p.agent_id in members] if shown else []
    names = analysis.agent_names(sessions, {p.agent_id for p in picks} | members)
    agents = sorted({p.agent_id for p in picks})
    if agent:
        picks = [p for p in picks if p.agent_id == agent]
    by_agent: dict[str, list[library.ExampledSuggestion]] = defaultdict(list)
    for pick in picks:
        by_agent[pick.agent_id].append(pick)
    plots = {name: [trend_plot(t) for t in pages.weekly_trends(
        sessions, settings, team_id=name, criteria=False)] for name in shown}
    acknowledged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    feedback = reviews.feedback(sessions, settings.review_loop, person,
                                FEEDBACK_LIMIT).items if shown else []
    for item in feedback:
        if item.agent_id not in members:
            continue
        counts = acknowledged[item.agent_id or "?"]
        counts[0] += item.acknowledgement is not None
        counts[1] += 1
    return render(request, "team.html", person,
                  page=paged(request, sorted(by_agent.items())), names=names, agents=agents,
                  teams=teams, shown=shown,
                  chosen={"team": team, "agent": agent, "start": start or "",
                          "end": end or ""},
                  report=report, plots=plots, acknowledged=sorted(acknowledged.items()))
