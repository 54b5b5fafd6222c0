"""The cardholder's own record and online applications over HTTP (SPEC ID-6: masked; APP-4)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from sscard.applications.counter.schemas import PersonFacts
from sscard.applications.lifecycle import DeliveryMode
from sscard.applications.online.rules import PostalAddress
from sscard.applications.online.service import Delivery, OnlineApplication
from sscard.applications.schemas import ApplicationView
from sscard.cards.schemas import CardView
from sscard.platform.http.request import Body
from sscard.platform.notify.schemas import NotificationView


class MyRecord(PersonFacts):
    cards: list[CardView] = Field(description="every card of the person, with its states")
    open_application: ApplicationView | None = Field(
        description="the application in progress with its progress and due date (APP-7)"
    )
    messages: list[NotificationView] = Field(description="the latest messages sent, newest first")


class AddressIn(Body):
    province: str = Field(max_length=16, description="a mainland province's full name, 江苏省")
    city: str = Field(max_length=20, description="2-20 Chinese characters")
    district: str = Field(max_length=20, description="district or county, 2-20 Chinese characters")
    detail: str = Field(max_length=80, description="street, number, building and room")
    recipient: str = Field(max_length=32, description="the recipient's name")
    phone: str = Field(max_length=20, description="an 11-digit mobile number")

    def domain(self) -> PostalAddress:
        return PostalAddress(
            self.province, self.city, self.district, self.detail, self.recipient, self.phone
        )


class DeliveryIn(Body):
    mode: Literal["ems", "outlet"] = Field(
        description="ems: mailed, postage paid by the recipient (APP-4); outlet: collected at"
        " the outlet named, in any Jiangsu city (APP-1)"
    )
    address: AddressIn | None = Field(None, description="mode ems: where EMS brings the card")
    outlet_code: str | None = Field(
        None, max_length=32, description="mode outlet: an outlet that hands out cards"
    )

    def domain(self) -> Delivery:
        address = self.address.domain() if self.address else None
        return Delivery(DeliveryMode(self.mode), address, self.outlet_code)


class OnlineApplicationIn(Body):
    bank_code: str = Field(max_length=16, description="one of the city's cooperating banks")
    delivery: DeliveryIn

    def domain(self) -> OnlineApplication:
        return OnlineApplication(self.bank_code, self.delivery.domain())


class OnlineReplacementIn(Body):
    bank_code: str | None = Field(
        None, max_length=16, description="default: the lost card's bank (REP-1)"
    )
    delivery: DeliveryIn

    def domain(self) -> OnlineApplication:
        return OnlineApplication(self.bank_code or "", self.delivery.domain())


class RefusalView(BaseModel):
    code: str
    rule: str | None
    detail_zh: str
    detail_en: str


class BankChoice(BaseModel):
    code: str
    name_zh: str
    name_en: str


class OutletChoice(BaseModel):
    code: str
    name_zh: str
    name_en: str
    city_code: str


class OnlineOptions(BaseModel):
    city_code: str = Field(description="the issuing city: the person's city in the registry")
    city_name_zh: str
    city_name_en: str
    banks: list[BankChoice] = Field(description="the city's cooperating banks (APP-6)")
    outlets: list[OutletChoice] = Field(description="outlets of the province that hand out cards")
    first_application: RefusalView | None = Field(
        description="null if a first application online is open to the person; else why not"
        " and where to go (ID-5, APP-4)"
    )
    replaceable_cards: list[str] = Field(description="formally lost cards to replace online")
    working_days: int = Field(description="working days an online application has (APP-4)")


class MailIn(Body):
    tracking_number: str = Field(
        max_length=32, description="EMS waybill: 13 digits, or UPU S10 such as EA123456785CN"
    )


class ReturnIn(Body):
    reason: str | None = Field(None, max_length=100, description="why EMS brought it back")
