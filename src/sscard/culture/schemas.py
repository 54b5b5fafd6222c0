"""Culture and tourism over HTTP (SPEC CUL-1)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from sscard.culture.rules import MAX_PRICE_FEN
from sscard.culture.service import Sale
from sscard.scenes.schemas import PresentedIn, SceneAnswer, TerminalBody

Item = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="barcode")


class TicketIn(PresentedIn):
    ticket_ref: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    valid_on: date = Field(description="the day the ticket is for (today to 90 days on)")
    price_fen: int = Field(ge=0, le=MAX_PRICE_FEN, description="fen")

    def sale(self) -> Sale:
        return Sale(self.ticket_ref, self.valid_on, self.price_fen)


class LoanIn(PresentedIn):
    item_code: str = Item


class ReturnIn(TerminalBody):
    item_code: str = Item


class TicketView(SceneAnswer):
    ticket_ref: str | None = None
    valid_on: date | None = None
    price_fen: int | None = None
    duplicate: bool | None = None


class ReaderView(SceneAnswer):
    already_reader: bool | None = None


class LoanView(SceneAnswer):
    item_code: str | None = None
    due_on: date | None = None


class ReturnView(BaseModel):
    item_code: str
    returned: bool
    days_late: int = Field(description="days past the due date, 0 if on time")
