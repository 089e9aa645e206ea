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
