"""Request bodies of reference data edits (SPEC GOV-1, CITY-2, CITY-3)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from sscard.platform.http.request import Body


class OutletPatch(Body):
    name_zh: str | None = Field(None, min_length=1, max_length=128)
    name_en: str | None = Field(None, min_length=1, max_length=256)
    making: Literal["instant", "fast"] | None = None
    address_zh: str | None = Field(None, min_length=1, max_length=256)
    phone: str | None = Field(
        None,
        pattern=r"^[0-9][0-9-]{4,31}$",
        description="ASCII digits and hyphens, e.g. 0519-85175888 or 12333",
    )
    hours_zh: str | None = Field(None, max_length=128)
    operations: list[str] | None = None
    active: bool | None = None

    @field_validator("name_zh", "name_en", "making", "address_zh", "operations", "active")
    @classmethod
    def _kept_fields_are_not_emptied(cls, value: object) -> object:
        """Leave a field out to keep it; only the phone and the hours may be set to null."""
        if value is None:
            raise PydanticCustomError(
                "not_nullable", "may be left out to keep it, but not set to null"
            )
        return value


class CityBanksIn(Body):
    bank_codes: list[str] = Field(min_length=1)
    source: str = Field("admin", max_length=16)


class PolicyIn(Body):
    effective_from: date
    rules: dict[str, object] = Field(description="every CityPolicy field (SPEC CITY-3)")
    source: str = Field("admin", max_length=16)
    note: str | None = Field(None, max_length=500)
