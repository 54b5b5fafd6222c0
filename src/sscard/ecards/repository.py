"""Every query of the electronic card."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.ecards.lifecycle import EcardStatus
from sscard.ecards.models import ecard_consents, ecard_qr_uses, ecard_signing_keys, ecards
from sscard.kernel.db import Row
from sscard.kernel.upsert import insert_once


async def by_cards(conn: AsyncConnection, card_ids: Sequence[int]) -> list[Row]:
    """The ecards now behind these cards (at most one each)."""
    stmt = select(ecards).where(ecards.c.card_id.in_(list(card_ids)))
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def moving_of(conn: AsyncConnection, person_ids: Sequence[int]) -> list[Row]:
    """The persons' ecards waiting for a new card (status moving)."""
    stmt = select(ecards).where(
        ecards.c.person_id.in_(list(person_ids)), ecards.c.status == EcardStatus.MOVING.value
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def insert_ecards(conn: AsyncConnection, rows: list[Row]) -> dict[int, int]:
    """New ecards; card id -> ecard id."""
    if not rows:
        return {}
    await conn.execute(insert(ecards), rows)
    found = await by_cards(conn, [r["card_id"] for r in rows])
    return {r["card_id"]: r["id"] for r in found}


async def set_status(
    conn: AsyncConnection, ids: Sequence[int], status: EcardStatus, at: datetime
) -> None:
    """Move these ecards to `status` in one statement."""
    stmt = (
        update(ecards)
        .where(ecards.c.id.in_(list(ids)))
        .values(status=status.value, updated_at=at, version=ecards.c.version + 1)
    )
    await conn.execute(stmt)


async def move_to_card(
    conn: AsyncConnection, ecard_id: int, card_id: int, status: EcardStatus, at: datetime
) -> None:
    """The same ecard, a new card behind it (ECARD-2)."""
    stmt = (
        update(ecards)
        .where(ecards.c.id == ecard_id)
        .values(card_id=card_id, status=status.value, updated_at=at, version=ecards.c.version + 1)
    )
    await conn.execute(stmt)


async def of_person(conn: AsyncConnection, person_id: int) -> Row | None:
    """The person's ecard: the one not ended, else the latest."""
    stmt = (
        select(ecards)
        .where(ecards.c.person_id == person_id)
        .order_by((ecards.c.status == EcardStatus.ENDED.value).asc(), ecards.c.id.desc())
        .limit(1)
    )
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def by_number(conn: AsyncConnection, ecard_no: int) -> Row | None:
    r = (await conn.execute(select(ecards).where(ecards.c.ecard_no == ecard_no))).first()
    return dict(r._mapping) if r else None


async def live_consents(conn: AsyncConnection, ecard_id: int) -> dict[str, datetime]:
    """channel -> when the holder consented, for the consents not withdrawn."""
    c = ecard_consents.c
    stmt = select(c.channel, c.consented_at).where(c.ecard_id == ecard_id, c.withdrawn_at.is_(None))
    return {r.channel: r.consented_at for r in await conn.execute(stmt)}


async def insert_consent(conn: AsyncConnection, ecard_id: int, channel: str, at: datetime) -> None:
    await conn.execute(
        insert(ecard_consents).values(ecard_id=ecard_id, channel=channel, consented_at=at)
    )


async def withdraw_consent(
    conn: AsyncConnection, ecard_id: int, channel: str, at: datetime
) -> None:
    c = ecard_consents.c
    stmt = (
        update(ecard_consents)
        .where(c.ecard_id == ecard_id, c.channel == channel, c.withdrawn_at.is_(None))
        .values(withdrawn_at=at)
    )
    await conn.execute(stmt)


async def signing_keys(conn: AsyncConnection) -> list[Row]:
    """Every SM2 key of the QR codes, newest first."""
    stmt = select(ecard_signing_keys).order_by(ecard_signing_keys.c.key_id.desc())
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def insert_signing_key(conn: AsyncConnection, row: Row) -> None:
    await conn.execute(insert(ecard_signing_keys).values(**row))


async def retire_signing_keys(conn: AsyncConnection, below: int, at: datetime) -> None:
    k = ecard_signing_keys.c
    stmt = update(ecard_signing_keys).where(k.key_id < below, k.retired_at.is_(None))
    await conn.execute(stmt.values(retired_at=at))


async def use_qr(conn: AsyncConnection, row: Row) -> bool:
    """Record a code's single use; False if it was used before (the nonce is taken)."""
    return await insert_once(conn, ecard_qr_uses, row, keys=("ecard_id", "nonce"))


async def qr_used(conn: AsyncConnection, ecard_id: int, nonce: bytes) -> bool:
    u = ecard_qr_uses
    stmt = select(u.c.ecard_id).where(u.c.ecard_id == ecard_id, u.c.nonce == nonce)
    return (await conn.execute(stmt)).first() is not None


async def not_in_use(conn: AsyncConnection) -> list[int]:
    """The numbers of every ecard not in use (the status list)."""
    stmt = select(ecards.c.ecard_no).where(ecards.c.status != EcardStatus.ACTIVE.value)
    return [int(n) for n in (await conn.execute(stmt)).scalars()]


async def changed_since(conn: AsyncConnection, since: datetime) -> list[tuple[int, str]]:
    """(ecard number, status) of the ecards changed since `since` (by updated_at, indexed)."""
    stmt = select(ecards.c.ecard_no, ecards.c.status).where(ecards.c.updated_at >= since)
    return [(int(r.ecard_no), r.status) for r in await conn.execute(stmt)]


async def forget_uses_before(conn: AsyncConnection, at: datetime) -> int:
    """Drop the single-use records of codes expired before `at`; how many."""
    stmt = delete(ecard_qr_uses).where(ecard_qr_uses.c.expires_at < at)
    return int((await conn.execute(stmt)).rowcount or 0)
