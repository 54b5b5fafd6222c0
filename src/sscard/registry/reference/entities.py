"""Reference entities other contexts read: the outlet (SPEC GOV-1)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outlet:
    """A service outlet: an HR outlet or a bank's, instant or fast making, the operations it
    offers (GOV-1). Fields in the order of the table's columns, as the API shows them."""

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
        return cls(**{f.name: row[f.name] for f in dataclasses.fields(cls)})

    @property
    def is_bank(self) -> bool:
        return self.kind == "bank"
