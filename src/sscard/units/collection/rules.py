"""Collection by the unit as pure rules (SPEC ISS-3, ISS-4, APP-3): how a batch's cards leave
the outlet, what the signed distribution list (单位发放明细表) may say of each card, and the
refusals. No I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from sscard.kernel.errors import DomainError, invalid


class HandoverMode(StrEnum):
    UNIT_AGENT = "unit_agent"  # the named agent takes the cards at the outlet
    LOGISTICS = "logistics"  # the outlet sends them to the unit by a carrier (APP-3)


class HandoverStatus(StrEnum):
    WITH_UNIT = "with_unit"  # the agent holds the cards; the signed list is to come back
    SENT = "sent"  # with the carrier
    DELIVERED = "delivered"  # the carrier delivered them to the unit
    CLOSED = "closed"  # every card's outcome recorded from the signed list


class Outcome(StrEnum):
    """What the signed list says of one card."""

    DISTRIBUTED = "distributed"  # handed out to the member: collected (ISS-3/4)
    RETURNED_TO_STOCK = "returned_to_stock"  # not handed out: back to the centre, still open

    @property
    def label_zh(self) -> str:
        return "已发放" if self is Outcome.DISTRIBUTED else "未发放，退回卡管中心"


CARRIER_MAX = 64
WAYBILL_MAX = 64


class NoCardsReady(DomainError):
    code = "unit_no_cards_ready"
    status = 409
    rule = "ISS-3"
    message_zh = "批次{reference}没有已送达网点、待单位领取的卡"
    message_en = "Batch {reference} has no card at the outlet waiting for the unit"


class NotANamedAgent(DomainError):
    code = "unit_not_a_named_agent"
    status = 422
    rule = "ISS-4"
    message_zh = "所出示的证件不属于该单位登记在册的经办人"
    message_en = "The document shown is not that of an agent named by the unit"


class NotSentByLogistics(DomainError):
    code = "unit_handover_not_logistics"
    status = 409
    rule = "APP-3"
    message_zh = "发放批{reference}不是物流寄送，或已登记送达"
    message_en = "Hand-over {reference} was not sent by logistics, or its delivery is recorded"


class NotYetDelivered(DomainError):
    code = "unit_handover_not_delivered"
    status = 409
    rule = "APP-3"
    message_zh = "物流尚未送达单位，不能登记发放明细表"
    message_en = "The carrier has not delivered the cards yet; the list cannot be recorded"


class HandoverClosed(DomainError):
    code = "unit_handover_closed"
    status = 409
    rule = "ISS-3"
    message_zh = "发放批{reference}的每张卡均已登记，不能再次登记"
    message_en = "Every card of hand-over {reference} is recorded already"


class CardNotOnList(DomainError):
    code = "unit_card_not_on_list"
    status = 422
    rule = "ISS-3"
    message_zh = "卡号{card_number}不在本发放明细表上"
    message_en = "Card {card_number} is not on this distribution list"


class OutcomeAlreadyRecorded(DomainError):
    code = "unit_card_outcome_recorded"
    status = 409
    rule = "ISS-3"
    message_zh = "卡号{card_number}的发放结果已登记"
    message_en = "The outcome of card {card_number} is recorded already"


def check_logistics(carrier: str | None, waybill: str | None) -> tuple[str, str]:
    """A logistics hand-over names its carrier and waybill (APP-3); both trimmed, required."""
    kept = []
    for name, value, most in (("carrier", carrier, CARRIER_MAX), ("waybill", waybill, WAYBILL_MAX)):
        text = (value or "").strip()
        if not text or len(text) > most:
            zh, en = f"须填写，不超过{most}个字符", f"is required, at most {most} characters"
            raise invalid(name, zh, en)
        kept.append(text)
    return kept[0], kept[1]


def check_return(
    status: HandoverStatus,
    reference: str,
    recorded: Mapping[str, Outcome | None],
    given: Sequence[tuple[str, Outcome]],
) -> None:
    """The outcomes read from the signed list may be recorded: the hand-over is open (and, if
    sent by logistics, delivered), each card is on the list once and not yet recorded. Cards
    not named stay with the unit until a later return."""
    if status is HandoverStatus.CLOSED:
        raise HandoverClosed(field="reference", reference=reference)
    if status is HandoverStatus.SENT:
        raise NotYetDelivered(field="reference")
    if not given:
        raise invalid("cards", "至少登记一张卡的发放结果", "must record at least one card")
    seen: set[str] = set()
    for i, (number, _) in enumerate(given):
        field = f"cards[{i}].card_number"
        if number in seen:
            raise invalid(field, "同一张卡登记了两次", "names the same card twice")
        seen.add(number)
        if number not in recorded:
            raise CardNotOnList(field=field, card_number=number)
        if recorded[number] is not None:
            raise OutcomeAlreadyRecorded(field=field, card_number=number)
