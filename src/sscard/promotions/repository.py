"""Every query of promotions: offers and their grants."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row, fetch_all, fetch_one
from sscard.kernel.upsert import insert_rows
from sscard.promotions.models import offer_grants, offers
from sscard.promotions.rules import GrantStatus

O, G = offers, offer_grants  # noqa: E741


async def offer(conn: AsyncConnection, code: str) -> Row | None:
    return await fetch_one(conn, select(O).where(O.c.code == code))


async def lock_offer(conn: AsyncConnection, code: str) -> Row | None:
    """The offer, its row locked to the end of the transaction (its grant limit is counted)."""
    return await fetch_one(conn, select(O).where(O.c.code == code).with_for_update())


async def all_offers(conn: AsyncConnection) -> list[Row]:
    return await fetch_all(conn, select(O).order_by(O.c.effective_from.desc(), O.c.code))


async def offers_for(conn: AsyncConnection, trigger: str) -> list[Row]:
    return await fetch_all(conn, select(O).where(O.c.trigger == trigger))


async def save_offer(conn: AsyncConnection, row: Row, *, overwrite: bool = True) -> None:
    await insert_rows(conn, O, [row], keys=["code"], overwrite=overwrite)


async def granted_count(conn: AsyncConnection, code: str) -> int:
    stmt = select(func.count()).select_from(G).where(G.c.offer_code == code)
    return int((await conn.execute(stmt)).scalar_one())


async def insert_grant(conn: AsyncConnection, row: Row) -> bool:
    """The grant, or False if the person has the offer already (PRM-1: once each)."""
    try:
        async with conn.begin_nested():
            await conn.execute(insert(G).values(**row))
    except IntegrityError:
        return False
    return True


async def grants_of_person(conn: AsyncConnection, person_id: int) -> list[Row]:
    stmt = (
        select(
            G,
            O.c.name_zh,
            O.c.name_en,
            O.c.kind,
            O.c.value_fen,
            O.c.terms_zh,
            O.c.terms_en,
            O.c.effective_until,
            O.c.redeem_at,
            O.c.scene_kinds,
            O.c.city_code,
        )
        .join(O, O.c.code == G.c.offer_code)
        .where(G.c.person_id == person_id)
        .order_by(G.c.id.desc())
    )
    return await fetch_all(conn, stmt)


async def grant_by_voucher(conn: AsyncConnection, voucher: str) -> Row | None:
    stmt = (
        select(
            G,
            O.c.bank_code,
            O.c.city_code,
            O.c.redeem_at,
            O.c.scene_kinds,
            O.c.effective_until,
            O.c.name_zh,
            O.c.name_en,
            O.c.value_fen,
        )
        .join(O, O.c.code == G.c.offer_code)
        .where(G.c.voucher_code == voucher)
    )
    return await fetch_one(conn, stmt)


async def redeem(conn: AsyncConnection, grant_id: int, now: datetime, where: str) -> bool:
    """Mark a granted voucher redeemed; False if it was redeemed meanwhile."""
    result = await conn.execute(
        update(G)
        .where(G.c.id == grant_id, G.c.status == GrantStatus.GRANTED.value)
        .values(status=GrantStatus.REDEEMED.value, redeemed_at=now, redeemed_where=where)
    )
    return bool(result.rowcount)


async def grant_counts(conn: AsyncConnection, codes: Sequence[str]) -> dict[tuple[str, str], int]:
    stmt = (
        select(G.c.offer_code, G.c.status, func.count().label("n"))
        .where(G.c.offer_code.in_(codes))
        .group_by(G.c.offer_code, G.c.status)
    )
    return {(r.offer_code, r.status): int(r.n) for r in await conn.execute(stmt)}
