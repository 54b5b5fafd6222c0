"""The HR credit record (人社信用记录): record an entry, read entries (SPEC REP-5, GOV-4).

Entries are appended, never changed; later business reads them through `credit_entries` and
warns the clerk (REP-5: malicious repeat exchanges "affect their HR business").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.platform.history import Change, record
from sscard.registry.credit import repository as repo
from sscard.registry.credit.permissions import RECORD_CREDIT_ENTRY, VIEW_CREDIT_RECORD
from sscard.registry.credit.rules import BY_VALUE, KINDS, CreditEntry, check_note
from sscard.registry.service import person_to_act_on, reach_person, require_person


async def record_credit_entry(ctx: Ctx, person_id: int, entry: CreditEntry) -> RecordedEntry:
    """Append an entry to the person's HR credit record, with its history row (REP-5, CH-2).

    InvalidInput (or NoteHoldsPersonalData) for a bad note; NotFound for no such person.
    """
    authorize(ctx.actor, RECORD_CREDIT_ENTRY)
    note = check_note(entry.note)
    await person_to_act_on(ctx, person_id)
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
    await reach_person(ctx, await require_person(ctx, person_id), "credit_record")
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
        known = BY_VALUE.get(row["kind"])
        zh, en = (known[1], known[2]) if known else (None, None)
        out.append(RecordedEntry(**row, kind_zh=zh, kind_en=en))
    return out
