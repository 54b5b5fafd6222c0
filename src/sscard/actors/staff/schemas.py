"""Request bodies of staff accounts (issue 12)."""

from __future__ import annotations

from pydantic import Field

from sscard.kernel.actor import Role
from sscard.platform.http.request import Body


class StaffIn(Body):
    """A staff account to create: `username` 3–32 of a-z 0-9 . _ -; `role` one of
    outlet_clerk, hotline_agent, centre_admin, province_admin, auditor; an outlet clerk names
    `outlet_code`, a hotline agent or a city's administrator `city_code` (SPEC CH-1)."""

    username: str = Field(min_length=3, max_length=32, description="sign-in name")
    display_name: str = Field(min_length=1, max_length=64, description="the name shown")
    role: Role
    outlet_code: str | None = Field(None, max_length=32)
    city_code: str | None = Field(None, max_length=4)
