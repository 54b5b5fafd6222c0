"""The card as other code sees it: typed, immutable, built by the repository from a row.

`Card` is the whole stored card; `CardRef` is what another party needs to address one card
(events carry it). Statuses are the lifecycle's enums, so a comparison with a state is exact.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sscard.cards.lifecycle import FinancialStatus, HrStatus


@dataclass(frozen=True)
class CardRef:
    """One card as addressed from outside: id, number, holder, bank and management city."""

    id: int
    card_number: str
    person_id: int
    bank_code: str
    city_code: str


@dataclass(frozen=True)
class Card:
    """A third-generation card with its hr function (ours) and financial mirror (the bank's).

    Dates are Beijing business dates; moments are UTC. `version` is the compare-and-set token
    every change checks. The account number itself is only ever encrypted here.
    """

    id: int
    card_number: str  # a letter and 8 digits (SPEC §17)
    identification_code: str  # 32 characters: area + D156000005 + 16 hex
    person_id: int
    application_id: int
    city_code: str  # the card-management city (JUR-1)
    issuing_area_code: str
    bank_code: str
    generation: int
    spec_version: str
    issue_date: date
    expiry_date: date  # issue date + 10 years: the financial function's validity (ISS-7)
    hr_status: HrStatus
    financial_status: FinancialStatus
    account_number_enc: bytes | None
    account_masked: str | None
    account_index: str | None  # HMAC-SM3 of the account number, for reconciliation
    loss_reported_at: datetime | None
    loss_until: datetime | None  # the end of a temporary loss (LOSS-1)
    loss_channel: str | None  # the channel that took the loss (LOSS-3)
    loss_outlet_id: int | None  # the outlet that took a formal loss (LOSS-3)
    financial_before_loss: FinancialStatus | None
    social_data_reset_pending: bool  # JUR-1 step 2 still to do at the new city
    expiry_reminded_at: datetime | None  # ISS-7 reminder queued
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Card:
        """A card from a row of the `cards` table (extra columns are ignored)."""
        values = {f.name: row[f.name] for f in dataclasses.fields(cls)}
        return cls(**_typed(values))

    def with_changes(self, **values: Any) -> Card:
        """The card with some columns changed, as the repository stored them."""
        return dataclasses.replace(self, **_typed(values))

    @property
    def ref(self) -> CardRef:
        return CardRef(self.id, self.card_number, self.person_id, self.bank_code, self.city_code)


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    if isinstance(values.get("hr_status"), str):
        values["hr_status"] = HrStatus(values["hr_status"])
    if isinstance(values.get("financial_status"), str):
        values["financial_status"] = FinancialStatus(values["financial_status"])
    if isinstance(values.get("financial_before_loss"), str):
        values["financial_before_loss"] = FinancialStatus(values["financial_before_loss"])
    return values
