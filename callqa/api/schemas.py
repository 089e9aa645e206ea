"""What the API answers, beside the services' own records."""

from __future__ import annotations

from typing import Literal

import orjson
from fastapi import Response
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


def as_json(record: BaseModel, **stored: str | None) -> Response:
    """`record` as the JSON body of a 200, serialised once by pydantic: FastAPI would dump it
    to a dict, validate that again against the route's response model and encode the result
    (three passes over a whole transcript). For records a service built from validated
    parts; the route keeps its `response_model` for the OpenAPI schema. `stored`: fields
    given as the JSON text they are stored as (validated when written), passed through."""
    if not stored:
        return Response(record.model_dump_json(by_alias=True), media_type="application/json")
    body = record.model_dump(mode="json", by_alias=True)
    body.update({name: None if text is None else orjson.Fragment(text)
                 for name, text in stored.items()})
    return Response(orjson.dumps(body), media_type="application/json")
