"""`/agents` and `/agents/{agent_id}`: the agents the last analysis flagged (FCR and
criteria), with the evidence and its explanation, and one agent's weekly trends (score, FCR,
each criterion) against the centre. Staff only, each in their scope (a team leader: their
teams' agents; another agent is 404)."""

from __future__ import annotations

from collections import defaultdict

from fastapi import HTTPException, Request, status
from fastapi.responses import HTMLResponse

from callqa.api.deps import PageStaff, SessionsDep, SettingsDep
from callqa.api.pages.common import page_router, paged, render
from callqa.api.pages.plots import trend_plot
from callqa.domain.review import Flag
from callqa.services import analysis, pages

router = page_router()
SHOWN = {"flagged": "Flagged", "watch": "Watch", "process_issue": "Process issue",
         "insufficient_evidence": "Too few calls", "normal": "Normal"}
ORDER = {"flagged": 0, "watch": 1, "process_issue": 2, "insufficient_evidence": 3,
         "normal": 4, "not_flagged": 5}


@router.get("/agents", response_class=HTMLResponse)
def agents_page(request: Request, person: PageStaff, sessions: SessionsDep,
                kind: str = "") -> HTMLResponse:
    chosen_status = request.query_params.get("status", "flagged")
    flags = analysis.stored_flags(sessions, person.scope)
    shown = [f for f in flags if (not chosen_status or f.status == chosen_status)
             and (not kind or f.kind == kind)]
    by_agent: dict[str, list[Flag]] = defaultdict(list)
    for flag in sorted(shown, key=lambda f: (ORDER.get(f.status, 9), -(f.prob_worse or 0))):
        by_agent[flag.agent_id].append(flag)
    names = analysis.agent_names(sessions, set(by_agent))
    period = (flags[0].period_start, flags[0].period_end) if flags else None
    return render(request, "agents.html", person, page=paged(request, list(by_agent.items())),
                  names=names, period=period, statuses=SHOWN,
                  chosen={"status": chosen_status, "kind": kind})


@router.get("/agents/{agent_id}", response_class=HTMLResponse)
def agent_page(request: Request, agent_id: str, person: PageStaff, sessions: SessionsDep,
               settings: SettingsDep) -> HTMLResponse:
    visible = analysis.visible_agents(sessions, person.scope)
    if visible is not None and agent_id not in visible:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such agent")
    names = analysis.agent_names(sessions, {agent_id})
    if agent_id not in names and not any(
            f.agent_id == agent_id for f in analysis.stored_flags(sessions, person.scope)):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such agent")
    flags = sorted((f for f in analysis.stored_flags(sessions, person.scope)
                    if f.agent_id == agent_id),
                   key=lambda f: (ORDER.get(f.status, 9), -(f.prob_worse or 0)))
    trends = pages.weekly_trends(sessions, settings, agent_id=agent_id, against="center")
    return render(request, "agent.html", person, agent_id=agent_id,
                  name=names.get(agent_id), flags=flags, statuses=SHOWN,
                  plots=[trend_plot(t) for t in trends])
