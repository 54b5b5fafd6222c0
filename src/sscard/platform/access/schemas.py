"""Response shapes of the access log (issue 11)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class AccessEntryView(BaseModel):
    id: int
    chain: str = Field(description="actor:<id>/<shard> or service:<channel>/<shard>")
    position: int = Field(description="1, 2, ... within the chain")
    at: datetime
    actor_id: int | None
    role: str
    channel: str
    outlet_id: int | None
    city_code: str | None = Field(description="the reader's city, if bound")
    subject_kind: str = Field(description="person, card, card_history, credit_record, ...")
    subject_key: str
    person_id: int | None
    purpose: str = Field(description="the ground the read was allowed on (rules.Purpose)")
    prev_hash: str
    hash: str = Field(description="HMAC-SM3 (data key) of prev_hash and the entry: chained_text")


class AccessPage(BaseModel):
    items: list[AccessEntryView]
    next_after: int | None


class ChainCheck(BaseModel):
    chain: str
    length: int
    broken_at: int | None = Field(description="first position that does not hold; null: intact")


class VerifyView(BaseModel):
    intact: bool = Field(description="every chain holds")
    chains: list[ChainCheck]
