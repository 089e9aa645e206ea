"""`GET /api/v1/me`: who is signed in, and `GET /healthz`."""

from __future__ import annotations

from fastapi import APIRouter

from callqa import __version__
from callqa.api.deps import AnyUser
from callqa.api.schemas import Health, Me

router = APIRouter(tags=["me"])
health_router = APIRouter(tags=["health"])


@router.get("/me", response_model=Me)
def me(person: AnyUser) -> Me:
    return Me(username=person.username, role=person.role, agent_id=person.agent_id,
              teams=list(person.teams))


@health_router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(version=__version__)
