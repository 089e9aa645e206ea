"""The review settings the previous queue read (`queue_size` was a fixed 200)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReviewSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    control_share: float = Field(0.1, ge=0, lt=1)
    queue_size: int = Field(200, ge=1)
    suggestions_per_agent: int = Field(5, ge=1)
    low_score: float = Field(50.0, ge=0, le=100)
    poor_share: float = Field(0.1, ge=0, le=1)
    exemplary_min_score: float = Field(85.0, ge=0, le=100)
    seed: int = 0
