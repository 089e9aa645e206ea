"""What a caller asks of the stored calls: filters shared by reprocessing, reports and the
web service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CallFilter:
    """Which stored calls: started in [start, end] (dates, UTC), of an agent, team, type."""

    start: date | None = None
    end: date | None = None
    agent_id: str | None = None
    team_id: str | None = None
    call_type: str | None = None

    def describe(self) -> str:
        parts = [f"{name}={value}" for name, value in vars(self).items() if value is not None]
        return ", ".join(parts) or "all calls"


@dataclass(frozen=True)
class CallQuery(CallFilter):
    """A list of calls as the web service asks for it: the filters, a status, and words the
    transcript must contain."""

    status: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Scope:
    """Which calls a person may see: everything (qa, admin), the calls of one agent (an
    agent user), or those of some teams' agents (a team leader). Built from the user in one
    place (`callqa.services.users.scope_of`) and applied by `callqa.models.scope`."""

    everything: bool = False
    agent_id: str | None = None
    team_ids: frozenset[str] = frozenset()
