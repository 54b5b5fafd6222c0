"""The transport wallet over HTTP (SPEC TRN-1..4, LOSS-6, REP-4). Amounts in fen."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from sscard.platform.http.request import Body
from sscard.scenes.schemas import TerminalBody
from sscard.transport.fares import Fare
from sscard.transport.rules import MAX_COUNTER, MAX_FARE_FEN, MAX_TOP_UP_FEN, Mode, TopUpChannel
from sscard.transport.service import TopUp

CARD_NUMBER = r"^[A-Za-z][0-9]{8}$"


class LoadIn(Body):
    card_number: str = Field(pattern=CARD_NUMBER, description="the card held out at the counter")


class TopUpIn(Body):
    card_number: str = Field(pattern=CARD_NUMBER)
    amount_fen: int = Field(ge=1, le=MAX_TOP_UP_FEN, description="fen; within the city's cap")
    channel: TopUpChannel = Field(description="outlet | kiosk | nfc: where it was paid")
    reference: str = Field(
        min_length=4, max_length=40, pattern=r"^[A-Za-z0-9_-]+$",
        description="the paying channel's own reference: one top-up each",
    )  # fmt: skip

    paid_with_bank: str | None = Field(
        None,
        max_length=16,
        description="the bank of the card account paying (a bank-and-city offer may apply)",
    )

    def domain(self) -> TopUp:
        return TopUp(
            self.card_number, self.amount_fen, self.channel, self.reference, self.paid_with_bank
        )


class ConfirmIn(Body):
    counter: int = Field(
        ge=0, le=MAX_COUNTER, description="the card's transaction counter after the write"
    )


class TopUpView(BaseModel):
    reference: str
    amount_fen: int = Field(description="written to the purse")
    paid_fen: int = Field(description="what the holder paid: less under a bank-and-city offer")
    paid_with_bank: str | None
    channel: str
    state: str = Field(description="authorised | confirmed | reversed (TRN-2)")
    authorised_at: datetime
    balance_fen: int = Field(description="the purse's confirmed balance now")
    write_by: datetime | None = Field(
        description="an authorised top-up not confirmed by then is reversed"
    )


class PendingTopUp(BaseModel):
    reference: str
    amount_fen: int
    paid_fen: int = Field(description="what the holder pays: less under a bank-and-city offer")
    channel: str
    state: str
    authorised_at: datetime


class Entry(BaseModel):
    at: datetime
    kind: str = Field(description="top_up | fare | refund")
    amount_fen: int = Field(description="signed: + in, - out")
    balance_after_fen: int
    counter: int | None
    operator_name: str | None = Field(None, description="a fare: the transit operator")
    city_code: str | None = Field(None, description="a fare: the city it was taken in")
    mode: str | None = Field(None, description="a fare: bus | metro | tram | ferry")


class PurseView(BaseModel):
    card_number_masked: str
    aid: str = Field(description="the T-Union application, A000000632010105")
    status: str = Field(description="open | closed")
    city_code: str = Field(description="where it was loaded: its cap is that city's")
    balance_fen: int
    cap_fen: int = Field(description="the city's balance cap (TRN-2)")
    last_counter: int | None
    pending_top_ups: list[PendingTopUp]
    entries: list[Entry] = Field(description="the last 20 writes")
    loss_notice_zh: str = Field(description="LOSS-6: anonymous, not reportable lost")
    loss_notice_en: str


class FareIn(TerminalBody):
    """One fare as a transit reader debits it (TRN-3), signed like any scene terminal."""

    card_number: str = Field(pattern=CARD_NUMBER, description="as the chip reads it")
    mode: Mode = Field(description="bus | metro | tram | ferry")
    fare_fen: int = Field(ge=1, le=MAX_FARE_FEN, description="the full fare, fen, before discount")
    counter: int = Field(
        ge=0, le=MAX_COUNTER, description="the card's transaction counter after this debit"
    )
    terminal_seq: int = Field(
        ge=0, le=2**31 - 1, description="the reader's own sequence number: one debit each"
    )

    def domain(self) -> Fare:
        return Fare(self.card_number, self.mode, self.fare_fen, self.counter, self.terminal_seq)


class FareAnswer(BaseModel):
    allowed: bool
    code: str = Field(description="ok, or the refusal's stable code (balance_too_low ...)")
    reason: str | None = Field(description="the refusal in the reader's language")
    reason_zh: str | None
    reason_en: str | None
    rule: str | None
    card_number_masked: str | None = None
    mode: str | None = None
    full_fare_fen: int | None = None
    percent: int | None = Field(None, description="of the full fare, by city, mode, card (TRN-3)")
    charged_fen: int | None = None
    balance_after_fen: int | None = None
    counter: int | None = None
    counter_gap: int | None = Field(None, description="writes not seen before this one")
    sent_again: bool | None = Field(None, description="the same debit sent before: nothing more")


class MyPurseView(BaseModel):
    purse: PurseView | None = Field(description="null: no purse loaded on the newest card")
    where_zh: str | None = Field(description="where to load it, when there is none")
    where_en: str | None


class RefundView(PurseView):
    refunded_fen: int = Field(description="paid out to the holder at the counter")


class ClearingRow(BaseModel):
    operator_code: str
    operator_name: str
    city_code: str = Field(description="where the fares were taken")
    card_city_code: str = Field(description="the cards' city")
    mode: str
    fares: int
    collected_fen: int
    from_another_city: bool


class BetweenCities(BaseModel):
    collected_in: str
    cards_of: str
    fares: int
    collected_fen: int = Field(description="owed by the cards' city to the collecting city")


class ClearingView(BaseModel):
    day: date
    rows: list[ClearingRow]
    between_cities: list[BetweenCities]


class TerminalTopUpIn(TerminalBody):
    """A top-up at a self-service kiosk or by a phone over NFC (TRN-2), signed: as TopUpIn,
    the channel the terminal's own."""

    card_number: str = Field(pattern=CARD_NUMBER)
    amount_fen: int = Field(ge=1, le=MAX_TOP_UP_FEN, description="fen; within the city's cap")
    reference: str = Field(
        min_length=4, max_length=40, pattern=r"^[A-Za-z0-9_-]+$",
        description="the paying channel's own reference: one top-up each",
    )  # fmt: skip
    paid_with_bank: str | None = Field(None, max_length=16)

    def domain(self) -> TopUp:
        return TopUp(self.card_number, self.amount_fen, TopUpChannel.KIOSK, self.reference,
                     self.paid_with_bank)  # fmt: skip


class TerminalWriteIn(TerminalBody):
    """The terminal's write of a top-up to the card: confirmed with the card's counter after
    it, or (counter omitted) reversed because the write failed (TRN-2)."""

    reference: str = Field(min_length=4, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    counter: int | None = Field(None, ge=0, le=MAX_COUNTER)
