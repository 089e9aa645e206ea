"""What the API answers, beside the services' own records."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    """Seconds the token lives."""


class Me(BaseModel):
    username: str
    role: str
    agent_id: str | None
    teams: list[str]


class Submitted(BaseModel):
    call_id: str
    status: str
    created: bool
    """False when the same bytes were already stored (the existing call is answered)."""


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
