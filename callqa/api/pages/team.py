"""`/team`: a team leader's page (qa and admin see every team): the calls suggested per
agent (failures to coach on, a call to praise), the team report against the centre with
weekly plots, and whether each agent has acknowledged their reviewed calls."""

from __future__ import annotations

from collections import defaultdict

from fastapi import Request
from fastapi.responses import HTMLResponse

from callqa.api.deps import PageStaff, SessionsDep, SettingsDep
from callqa.api.pages.common import DateFilter, page_router, paged, render
from callqa.api.pages.plots import trend_plot
from callqa.services import analysis, library, pages, reviews

router = page_router()
FEEDBACK_LIMIT = 500  # reviewed calls read for the acknowledgement table


@router.get("/team", response_class=HTMLResponse)
def team_page(request: Request, person: PageStaff, sessions: SessionsDep,
              settings: SettingsDep, agent: str = "", start: DateFilter = None,
              end: DateFilter = None) -> HTMLResponse:
    picks = library.suggestions_with_examples(sessions, settings, person.scope, start, end)
    report = analysis.report_in_scope(sessions, settings, person.scope, start, end)
    names = analysis.agent_names(sessions, {p.agent_id for p in picks}
                                 | {r.id for r in report if r.scope == "agent"})
    agents = sorted({p.agent_id for p in picks})
    if agent:
        picks = [p for p in picks if p.agent_id == agent]
    by_agent: dict[str, list[library.ExampledSuggestion]] = defaultdict(list)
    for pick in picks:
        by_agent[pick.agent_id].append(pick)
    teams = sorted(person.teams) if person.role == "team_leader" else sorted(
        {r.id for r in report if r.scope == "team"})
    plots = {team: [trend_plot(t) for t in pages.weekly_trends(
        sessions, settings, team_id=team, criteria=False)] for team in teams}
    feedback = reviews.feedback(sessions, settings.review_loop, person, FEEDBACK_LIMIT).items
    acknowledged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in feedback:
        counts = acknowledged[item.agent_id or "?"]
        counts[0] += item.acknowledgement is not None
        counts[1] += 1
    return render(request, "team.html", person,
                  page=paged(request, sorted(by_agent.items())), names=names, agents=agents,
                  chosen={"agent": agent, "start": start or "", "end": end or ""},
                  report=report, plots=plots, acknowledged=sorted(acknowledged.items()))
