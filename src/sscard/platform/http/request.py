"""Request bodies shared by every context: strict JSON objects, and a reason given with a change."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TransitionIn(Body):
    reason: str | None = Field(None, max_length=200)
