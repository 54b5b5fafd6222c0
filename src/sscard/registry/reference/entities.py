"""Reference entities other contexts read: the city, the bank, the outlet (SPEC CITY-1, GOV-1).

Fields are in the order of their table's columns, as the API shows them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def _from_row(cls: type[Any], row: Mapping[Any, Any]) -> Any:
    return cls(**{f.name: row[f.name] for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class City:
    """One of Jiangsu's 13 cities: its prefecture code and the six-digit area code cards carry."""

    code: str  # prefecture code, e.g. 3204
    area_code: str  # e.g. 320400: printed in identification codes, used for assigned numbers
    name_zh: str
    name_en: str
    card_title_zh: str
    transport_zone: str | None

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> City:
        city: City = _from_row(cls, row)
        return city


@dataclass(frozen=True)
class Bank:
    """A bank issuing the card, with its card BINs (the first digits of its account numbers)."""

    code: str
    name_zh: str
    name_en: str
    hotline: str | None
    bins: list[str]

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Bank:
        bank: Bank = _from_row(cls, row)
        return bank


@dataclass(frozen=True)
class Outlet:
    """A service outlet: an HR outlet or a bank's, instant or fast making, the operations it
    offers (GOV-1)."""

    id: int
    code: str
    city_code: str
    name_zh: str
    name_en: str
    kind: str  # hr | bank | transport
    bank_code: str | None  # a bank outlet's bank
    making: str  # instant | fast (APP-2)
    address_zh: str
    phone: str | None
    hours_zh: str | None
    operations: list[str]  # what it offers (GOV-1), from registry.reference.rules
    active: bool
    source: str

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Outlet:
        outlet: Outlet = _from_row(cls, row)
        return outlet

    @property
    def is_bank(self) -> bool:
        """A bank's outlet (GOV-1): it serves its own bank's cards only."""
        return self.kind == "bank"
