"""The delta exchange over HTTP: the common data standard's question and answer (docs/DELTA.md)
and the province's view of its links (SPEC YRD-1..3)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from sscard.delta.rules import STANDARD, DeltaUse
from sscard.delta.service import Question
from sscard.platform.http.request import Body


class QuestionIn(Body):
    """Another province's node asks about a Jiangsu card (standard yrd-card-status/1)."""

    standard: Literal["yrd-card-status/1"] = Field(description="the standard's name and version")
    request_id: str = Field(
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="unique per question of this node (a UUID): one seen before is refused",
    )
    asking_province: str = Field(pattern=r"^[0-9]{2}$", description="GB/T 2260: 31, 33 or 34")
    card_number: str = Field(pattern=r"^[A-Za-z][0-9]{8}$", description="as the chip reads it")
    issuer_region: str = Field(
        pattern=r"^32[0-9]{4}$", description="the chip's issuing region: a Jiangsu one (32xxxx)"
    )
    use: DeltaUse = Field(description="what the scene wants to do with the card")
    place_code: str = Field(
        pattern=r"^[0-9]{4}$", description="the city of the scene, in the asking province (3101)"
    )

    def domain(self) -> Question:
        return Question(
            self.request_id, self.card_number.upper(), self.use, self.place_code,
            self.asking_province,
        )  # fmt: skip


class AnswerView(BaseModel):
    standard: str = Field(STANDARD)
    request_id: str
    province_code: str = Field(description="the answering province: 32")
    known: bool = Field(description="whether Jiangsu issued a card with this number")
    use: str
    allowed: bool
    code: str = Field(description="ok, or the refusal's stable code (card_lost, filing_missing)")
    reason_zh: str | None
    reason_en: str | None
    rule: str | None = Field(description="the SPEC rule behind the refusal")
    card_number_masked: str | None
    holder_name_masked: str | None


class NodeIn(Body):
    base_url: str = Field(
        min_length=8, max_length=256, description="where sscard asks the node (http(s))"
    )
    renew: bool = Field(
        False, description="a new token and key, shown once; the old ones stop working"
    )


class NodeView(BaseModel):
    province_code: str
    province_zh: str
    province_en: str
    base_url: str
    active: bool
    linked_at: datetime


class NodeLinked(NodeView):
    token: str | None = Field(description="the node's token for asking sscard: shown once")
    signing_key: str | None = Field(description="HMAC-SM3 key, both ways, 64 hex: shown once")


class QuestionCount(BaseModel):
    province_code: str
    direction: str = Field(description="asked_us | we_asked")
    use: str
    answer_code: str
    questions: int


class DeltaOverview(BaseModel):
    standard: str
    days: int
    nodes: list[NodeView]
    questions: list[QuestionCount]
    followed_cards: dict[str, int] = Field(description="Jiangsu cards each province follows")
