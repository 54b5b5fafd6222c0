"""Request bodies of actors and tokens (SPEC CH-1)."""

from __future__ import annotations

from pydantic import Field

from sscard.kernel.actor import Role
from sscard.platform.http.request import Body, IdField


class ActorIn(Body):
    role: Role
    display_name: str = Field(min_length=1, max_length=64)
    outlet_code: str | None = None
    bank_code: str | None = None
    city_code: str | None = None
    person_id: IdField | None = None
    unit_code: str | None = None
