"""`/queue`: the review queue for qa (and team leaders, in scope), best first, with why
each call is there (a repeat call that hurt FCR, criterion failures, a random control),
the agent, call type, date and whether it has been reviewed; filterable and paged."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse

from callqa.api.deps import PageStaff, SessionsDep
from callqa.api.pages.common import page_router, paged, render
from callqa.domain.review import ReviewItem
from callqa.services import analysis, pages
from callqa.services.pages import CallFacts

router = page_router()
QUEUE_LIMIT = 5000  # the stored queue is the analysis's review budget: a few hundred calls
KINDS = {"fcr_repeat": "FCR: customer called back", "criterion": "Criterion failures",
         "control": "Random control"}


@dataclass(frozen=True)
class QueueRow:
    item: ReviewItem
    facts: CallFacts | None

    @property
    def why(self) -> str:
        return KINDS.get(self.item.kind, self.item.kind)


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request, person: PageStaff, sessions: SessionsDep,
               agent: str = "", kind: str = "", call_type: str = "", review: str = ""
               ) -> HTMLResponse:
    items = analysis.queue_in_scope(sessions, person.scope, QUEUE_LIMIT)
    facts = pages.call_facts(sessions, person.scope, {i.call_id for i in items})
    rows = [QueueRow(i, facts.get(i.call_id)) for i in items]
    everything = rows
    if agent:
        rows = [r for r in rows if r.item.agent_id == agent]
    if kind:
        rows = [r for r in rows if r.item.kind == kind]
    if call_type:
        rows = [r for r in rows if r.facts and r.facts.call_type == call_type]
    if review:
        rows = [r for r in rows if r.facts and r.facts.reviewed == (review == "reviewed")]
    plan = analysis.last_review_plan(sessions) if person.scope.everything else None
    return render(request, "queue.html", person, page=paged(request, rows),
                  total=len(rows), kinds=KINDS, plan=plan,
                  agents=sorted({r.item.agent_id for r in everything}),
                  call_types=sorted({r.facts.call_type for r in everything
                                     if r.facts and r.facts.call_type}),
                  chosen={"agent": agent, "kind": kind, "call_type": call_type,
                          "review": review})
