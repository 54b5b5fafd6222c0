"""The medical use over HTTP (SPEC MED-1, MED-2)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from sscard.medical.rules import MAX_AMOUNT_FEN, FilingReason
from sscard.medical.service import Credit, Filing, Visit
from sscard.platform.http.request import Body, IdField
from sscard.scenes.schemas import PresentedIn, SceneAnswer, TerminalBody

Fen = Field(ge=0, le=MAX_AMOUNT_FEN, description="fen (0.01 yuan)")


class FilingIn(Body):
    destination_code: str = Field(
        pattern=r"^[0-9]{2}([0-9]{2})?$",
        description="where: a Jiangsu city (4 digits, e.g. 3205) or another province (2 digits, "
        "e.g. 31 Shanghai)",
    )
    reason: FilingReason = Field(description="residence | posting | referral | temporary")
    valid_from: date
    valid_until: date | None = Field(
        None, description="the last day; none for residence or posting (until ended)"
    )

    def domain(self) -> Filing:
        return Filing(self.destination_code, self.reason, self.valid_from, self.valid_until)


class StaffFilingIn(FilingIn):
    person_id: IdField = Field(description="the person whose document was presented")


class FilingView(BaseModel):
    id: int
    destination_code: str
    reason: str
    reason_zh: str
    valid_from: date
    valid_until: date | None
    in_force: bool = Field(description="whether it covers today")
    ended_at: datetime | None


class LedgerEntryView(BaseModel):
    at: datetime
    kind: str = Field(description="credit | settlement | refund | moved_out | moved_in")
    amount_fen: int = Field(description="signed fen: + in, - out")
    balance_after_fen: int


class MedicalRecordView(BaseModel):
    balance_fen: int = Field(description="the personal account's balance, fen (MED-2)")
    card_number_masked: str | None = Field(description="the card carrying the medical function")
    entries: list[LedgerEntryView] = Field(description="the latest 50, newest first")
    filings: list[FilingView]


class CreditIn(Body):
    social_security_number: str = Field(min_length=15, max_length=18)
    amount_fen: int = Field(ge=1, le=MAX_AMOUNT_FEN, description="fen, positive")
    reference: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
        description="the fund's own reference: a credit counts once",
    )  # fmt: skip

    def domain(self) -> Credit:
        return Credit(self.social_security_number, self.amount_fen, self.reference)


class CreditsIn(Body):
    credits: list[CreditIn] = Field(min_length=1, max_length=1000)


class CreditResult(BaseModel):
    reference: str
    outcome: str = Field(description="credited | duplicate | refused")
    balance_after_fen: int | None = None
    code: str | None = None
    reason_zh: str | None = None
    reason_en: str | None = None


class CreditsView(BaseModel):
    results: list[CreditResult]


class FundCreditView(BaseModel):
    reference: str = Field(description="the fund's own reference")
    at: datetime = Field(description="when it was booked")
    amount_fen: int = Field(description="fen")


class LedgerTotal(BaseModel):
    kind: str = Field(description="credit | settlement | refund | moved_in | moved_out")
    entries: int
    sum_fen: int = Field(description="signed: + into accounts, - out of them")


class LedgerOverview(BaseModel):
    days: int
    totals: list[LedgerTotal]
    recent_credits: list[FundCreditView] = Field(description="the fund's newest 20")


class SettlementIn(PresentedIn):
    settlement_ref: str = Field(
        min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$",
        description="the institution's own settlement number: one settlement each",
    )  # fmt: skip
    total_fen: int = Field(ge=1, le=MAX_AMOUNT_FEN, description="the visit's total, fen")
    fund_fen: int = Field(
        ge=0, le=MAX_AMOUNT_FEN, description="what the fund covers, fen, computed by the "
        "medical-insurance rules (not sscard's)"
    )  # fmt: skip
    hr_password: str | None = Field(
        None, min_length=1, max_length=12, description="typed on the pad, when paid by card"
    )

    def visit(self) -> Visit:
        return Visit(self.settlement_ref, self.total_fen, self.fund_fen, self.hr_password)


class RefundIn(TerminalBody):
    settlement_ref: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


class SettlementView(SceneAnswer):
    settlement_ref: str | None = None
    total_fen: int | None = None
    fund_fen: int | None = None
    account_fen: int | None = Field(None, description="paid from the personal account, fen")
    cash_fen: int | None = Field(None, description="the rest of the holder's share, fen")
    balance_after_fen: int | None = None
    refunded: bool | None = None
    duplicate: bool | None = Field(None, description="answered as when first settled")


class BalanceView(SceneAnswer):
    balance_fen: int | None = None
