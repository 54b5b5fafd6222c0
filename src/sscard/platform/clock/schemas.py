"""Request bodies of the service clock."""

from __future__ import annotations

from pydantic import Field

from sscard.platform.http.request import Body


class ClockAdvanceIn(Body):
    days: int = Field(0, ge=0, le=3660)
    hours: int = Field(0, ge=0, le=1000)
    minutes: int = Field(0, ge=0, le=100_000)
