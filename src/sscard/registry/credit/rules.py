"""The HR credit record's rules (SPEC REP-5, GOV-4, ID-6): the kinds of entry, the rule each
comes from, and what a note may hold. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sscard.kernel.errors import InvalidInput, invalid
from sscard.kernel.masking import personal_number_kind

NOTE_MAX = 500  # characters of a clerk's note


class CreditKind(StrEnum):
    MALICIOUS_REPEAT_EXCHANGE = "malicious_repeat_exchange"
    CARD_LENT_OR_TRANSFERRED = "card_lent_or_transferred"
    FRAUDULENT_USE = "fraudulent_use"
    FORGED_CARD = "forged_card"


# Each kind, the rule it comes from, and how a clerk's screen names it.
KINDS: dict[CreditKind, tuple[str, str, str]] = {
    CreditKind.MALICIOUS_REPEAT_EXCHANGE: ("REP-5", "恶意重复补换卡", "malicious repeat exchange"),
    CreditKind.CARD_LENT_OR_TRANSFERRED: (
        "GOV-4",
        "出租、出借、转让本人社保卡",
        "lent or transferred own card",
    ),
    CreditKind.FRAUDULENT_USE: (
        "GOV-4",
        "骗领、冒用、盗用他人社保卡",
        "fraudulently claimed, used or stole another's card",
    ),
    CreditKind.FORGED_CARD: (
        "GOV-4",
        "伪造、变造、买卖社保卡或使用伪造、变造的社保卡",
        "forged, altered, bought or sold cards, or used forged ones",
    ),
}

BY_VALUE: dict[str, tuple[str, str, str]] = {k.value: v for k, v in KINDS.items()}

_NUMBER_KIND = {
    "id_number": ("身份证号码样式的数字", "an ID-number-like number"),
    "phone": ("电话号码样式的数字", "a phone-number-like number"),
}


class NoteHoldsPersonalData(InvalidInput):
    code = "note_holds_personal_data"
    rule = "ID-6"
    message_zh = "字段“{field_name}”不得包含{what_zh}：个人信息不写入信用记录备注"
    message_en = (
        "Field '{field_name}' must not contain {what_en}: personal data does not belong "
        "in a credit-record note"
    )


@dataclass(frozen=True)
class CreditEntry:
    kind: CreditKind
    note: str | None = None


def check_note(note: str | None, field: str = "note") -> str | None:
    """The note as stored: trimmed, at most NOTE_MAX characters, no ID or phone numbers;
    refusals name `field`, the request's own name for the text."""
    if note is None or not note.strip():
        return None
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise invalid(
            field,
            f"不得超过{NOTE_MAX}个字符",
            f"must be at most {NOTE_MAX} characters",
        )
    kind = personal_number_kind(note)
    if kind is not None:
        zh, en = _NUMBER_KIND[kind]
        raise NoteHoldsPersonalData(field=field, field_name=field, what_zh=zh, what_en=en)
    return note
