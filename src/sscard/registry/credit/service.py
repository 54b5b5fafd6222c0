"""The HR credit record (人社信用记录): record an entry, read entries (SPEC REP-5, GOV-4).

Entries are appended, never changed; later business reads them through `credit_entries` and
warns the clerk (REP-5: malicious repeat exchanges "affect their HR business").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import InvalidInput, invalid
from sscard.kernel.masking import personal_number_kind
from sscard.platform.history import Change, record
from sscard.registry.credit import repository as repo
from sscard.registry.credit.models import NOTE_MAX
from sscard.registry.credit.permissions import RECORD_CREDIT_ENTRY, VIEW_CREDIT_RECORD
from sscard.registry.service import require_person


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

_BY_VALUE: dict[str, tuple[str, str, str]] = {k.value: v for k, v in KINDS.items()}

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


def check_note(note: str | None) -> str | None:
    """The note as stored: trimmed, at most NOTE_MAX characters, no ID or phone numbers."""
    if note is None or not note.strip():
        return None
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise invalid(
            "note",
            f"不得超过{NOTE_MAX}个字符",
            f"must be at most {NOTE_MAX} characters",
        )
    kind = personal_number_kind(note)
    if kind is not None:
        zh, en = _NUMBER_KIND[kind]
        raise NoteHoldsPersonalData(field="note", field_name="note", what_zh=zh, what_en=en)
    return note


async def record_credit_entry(ctx: Ctx, person_id: int, entry: CreditEntry) -> RecordedEntry:
    """Append an entry to the person's HR credit record, with its history row (REP-5, CH-2).

    InvalidInput (or NoteHoldsPersonalData) for a bad note; NotFound for no such person.
    """
    authorize(ctx.actor, RECORD_CREDIT_ENTRY)
    note = check_note(entry.note)
    await require_person(ctx, person_id)
    rule = KINDS[entry.kind][0]
    entry_id = await repo.insert_entry(
        ctx.conn,
        {
            "person_id": person_id,
            "kind": entry.kind.value,
            "rule": rule,
            "note": note,
            "recorded_by": ctx.actor.id,
            "role": ctx.actor.role.value,
            "channel": ctx.actor.channel.value,
            "outlet_id": ctx.actor.outlet_id,
            "at": ctx.now,
        },
    )
    await record(
        ctx.conn,
        ctx.actor,
        ctx.now,
        Change("person", person_id, "credit_entry_recorded", None, None, f"{entry.kind} ({rule})"),
    )
    return next(e for e in await credit_entries(ctx.conn, person_id) if e.id == entry_id)


async def credit_record(ctx: Ctx, person_id: int) -> dict[str, Any]:
    """A person's HR credit record, for clerks, the hotline and the centre (REP-5)."""
    authorize(ctx.actor, VIEW_CREDIT_RECORD)
    await require_person(ctx, person_id)
    return {"person_id": person_id, "entries": await credit_entries(ctx.conn, person_id)}


@dataclass(frozen=True)
class RecordedEntry:
    """One entry of a person's HR credit record, as it is shown (REP-5, GOV-4)."""

    id: int
    kind: str
    rule: str  # REP-5 or GOV-4
    note: str | None
    at: datetime
    recorded_by: int | None  # the actor; None when recorded from the CLI
    role: str
    channel: str
    outlet_code: str | None
    kind_zh: str | None
    kind_en: str | None


async def credit_entries(conn: AsyncConnection, person_id: int) -> list[RecordedEntry]:
    """Every credit entry of a person, oldest first; empty when there is none.

    For use cases that warn about a person (e.g. a new application); the caller authorizes.
    """
    out = []
    for row in await repo.entries_of(conn, person_id):
        known = _BY_VALUE.get(row["kind"])
        zh, en = (known[1], known[2]) if known else (None, None)
        out.append(RecordedEntry(**row, kind_zh=zh, kind_en=en))
    return out
