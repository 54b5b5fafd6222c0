"""Request and response shapes of the banks' reports and the inbox (SPEC ISS-2, ISS-4, LOSS-2/3)."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from sscard.banks.protocol import ReportType, ServiceChannel
from sscard.banks.rules import Report
from sscard.cards.schemas import CardStateView
from sscard.platform.http.request import Body


class BankReportIn(Body):
    """One report by the card's bank (protocol.py); signed over the exact body bytes, read
    strictly (a sequence is a JSON integer, never "5")."""

    message_id: str = Field(
        min_length=1, max_length=64, description="the bank's id for this report: dedupe key"
    )
    card_number: str = Field(pattern=r"^[A-Za-z][0-9]{8}$", description="a letter and 8 digits")
    sequence: int = Field(
        ge=1, le=2**62, description="the bank's count of reports for this card, from 1, no gaps"
    )
    type: ReportType
    occurred_at: AwareDatetime = Field(description="when it happened at the bank, with its zone")
    account_number: str | None = Field(
        None, pattern=r"^[0-9]{12,32}$", description="account_opened only: 12 to 32 digits"
    )
    outlet_code: str | None = Field(
        None,
        min_length=1,
        max_length=32,
        description="the bank's outlet where it was done; required for formal_loss and "
        "formal_loss_lifted (LOSS-2/3)",
    )
    channel: ServiceChannel = Field(
        ServiceChannel.COUNTER, description="counter, or onsite for a visit (ISS-4)"
    )
    reason: str | None = Field(None, max_length=200, description="free text; no personal data")

    def domain(self) -> Report:
        return Report(
            message_id=self.message_id,
            card_number=self.card_number.upper(),
            sequence=self.sequence,
            type=self.type,
            occurred_at=self.occurred_at,
            account_number=self.account_number,
            outlet_code=self.outlet_code,
            channel=self.channel,
            reason=self.reason or None,
        )


class ReleasedView(BaseModel):
    message_id: str
    sequence: int
    status: str = Field(description="applied or rejected")
    code: str | None = Field(description="the refusal's code when rejected")


class ReceiptView(BaseModel):
    message_id: str
    status: str = Field(description="applied, deferred (waits for an earlier sequence), rejected")
    duplicate: bool = Field(False, description="this message id was received before")
    card: CardStateView | None = Field(None, description="the card once applied")
    released: list[ReleasedView] = Field(
        [], description="held-back reports applied after this one, in order"
    )


class RefusalView(BaseModel):
    status: int
    code: str
    rule: str | None
    field: str | None
    detail_zh: str
    detail_en: str


class InboxEntryView(BaseModel):
    bank_code: str
    message_id: str
    card_number: str
    sequence: int
    type: str
    status: str = Field(description="applied, deferred, rejected")
    result_code: str | None = Field(description="the refusal's code when rejected")
    refusal: RefusalView | None
    occurred_at: datetime
    channel: str
    outlet_code: str | None
    reason: str | None
    account: str | None = Field(description="masked account number, account_opened only")
    received_at: datetime
    applied_at: datetime | None = Field(description="when applied or rejected")


class InboxPage(BaseModel):
    items: list[InboxEntryView]
    next_after: str | None = Field(description="pass as `after` for the next page; null at the end")
