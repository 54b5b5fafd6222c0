"""Response shapes of loss and unlock, for the OpenAPI document."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SweepResult(BaseModel):
    lifted: int = Field(description="temporary losses recorded as lifted by this sweep")
