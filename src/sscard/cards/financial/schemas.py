"""Request bodies of the financial mirror (SPEC ISS-2)."""

from __future__ import annotations

from pydantic import Field

from sscard.cards.lifecycle import FinancialEvent
from sscard.platform.http.request import Body


class FinancialReportIn(Body):
    event: FinancialEvent
    account_number: str | None = Field(
        None, min_length=12, max_length=32, description="with account_opened only"
    )
