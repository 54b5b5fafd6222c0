"""Request bodies for what follows issue: replacement, exchange, upgrade, corrections, transfers."""

from __future__ import annotations

from pydantic import Field

from sscard.applications.renewal.rules import ExchangeReason
from sscard.applications.renewal.service import Exchange, Replacement, Upgrade
from sscard.applications.schemas import RepresentativeIn
from sscard.cards.legacy.rules import BankClosure, OldCard
from sscard.platform.http.request import Body, IdField


class ReplacementIn(Body):
    bank_code: str | None = Field(
        None, min_length=2, max_length=16, description="default: the old card's bank (REP-6)"
    )
    representative: RepresentativeIn | None = None

    def domain(self, card_number: str) -> Replacement:
        rep = self.representative.domain() if self.representative else None
        return Replacement(card_number, self.bank_code, rep)


class ExchangeIn(Body):
    reason: ExchangeReason = Field(description="REP-2 kind: damage, quality_fault, new_photo, ...")
    old_card_returned: bool = Field(description="the old card is handed in (REP-3)")
    bank_code: str | None = Field(
        None, min_length=2, max_length=16, description="only with reason bank_change (REP-2c)"
    )
    representative: RepresentativeIn | None = None

    def domain(self, card_number: str) -> Exchange:
        rep = self.representative.domain() if self.representative else None
        return Exchange(card_number, self.reason, self.old_card_returned, self.bank_code, rep)


class OldCardIn(Body):
    generation: int = Field(ge=1, le=3, description="1 city citizen card, 2 provincial card")
    number: str = Field(min_length=6, max_length=32, pattern=r"^[0-9A-Za-z]+$")
    issuer_city_code: str | None = Field(
        None,
        pattern=r"^32[0-9]{2}$",
        description="Jiangsu city that issued it; empty: outside Jiangsu",
    )
    bank_code: str | None = Field(None, min_length=2, max_length=16, description="empty: no bank")
    bank_closure: BankClosure = Field(
        BankClosure.NONE, description="done at the old card's bank first (GEN-3)"
    )
    presented: bool = Field(False, description="the old card is brought to the counter")

    def domain(self) -> OldCard:
        bank = self.bank_code.upper() if self.bank_code else None
        return OldCard(
            self.generation,
            self.number,
            self.issuer_city_code,
            bank,
            self.bank_closure,
            self.presented,
        )


class UpgradeIn(Body):
    person_id: IdField
    bank_code: str = Field(min_length=2, max_length=16)
    old_card: OldCardIn
    representative: RepresentativeIn | None = None

    def domain(self) -> Upgrade:
        rep = self.representative.domain() if self.representative else None
        return Upgrade(self.person_id, self.bank_code, self.old_card.domain(), rep)
