"""Every query of collections by mandate: payees, mandates, debits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.cancellation.models import cancellations
from sscard.cards.models import cards
from sscard.kernel.db import Row, fetch_all, fetch_one
from sscard.payments.collections.models import debits, mandates, payees
from sscard.payments.collections.rules import COUNTED, DebitStatus, MandateStatus

D, M = debits, mandates


async def payee(conn: AsyncConnection, code: str) -> Row | None:
    return await fetch_one(conn, select(payees).where(payees.c.code == code))


async def payee_of_actor(conn: AsyncConnection, actor_id: int) -> Row | None:
    return await fetch_one(conn, select(payees).where(payees.c.actor_id == actor_id))


async def all_payees(conn: AsyncConnection) -> list[Row]:
    return await fetch_all(conn, select(payees).order_by(payees.c.code))


async def insert_payee(conn: AsyncConnection, row: Row) -> None:
    await conn.execute(insert(payees).values(**row))


async def update_payee(conn: AsyncConnection, code: str, values: Row) -> None:
    await conn.execute(update(payees).where(payees.c.code == code).values(**values))


async def active_mandate_for(
    conn: AsyncConnection, person_id: int, payee_code: str, customer_number: str
) -> Row | None:
    stmt = select(M).where(
        M.c.person_id == person_id,
        M.c.payee_code == payee_code,
        M.c.customer_number == customer_number,
        M.c.status == MandateStatus.ACTIVE.value,
    )
    return await fetch_one(conn, stmt)


async def insert_mandate(conn: AsyncConnection, row: Row) -> int | None:
    """The new mandate's id, or None when an active one for that payee account was signed at
    the same moment (the partial unique index ux_mandates_active)."""
    try:
        async with conn.begin_nested():
            result = await conn.execute(insert(M).values(**row).returning(M.c.id))
            return int(result.scalar_one())
    except IntegrityError:
        return None


async def mandate_by_reference(
    conn: AsyncConnection, reference: str, *, lock: bool = False
) -> Row | None:
    """The mandate; `lock`: its row locked to the end of the transaction, so that a revocation
    and a debit under it, or two debits counted against its limit for a period, happen one
    after the other (PostgreSQL)."""
    stmt = select(M).where(M.c.reference == reference)
    return await fetch_one(conn, stmt.with_for_update() if lock else stmt)


async def revoke_mandate(conn: AsyncConnection, mandate_id: int, now: datetime) -> bool:
    """Revoke an active mandate; False if it was revoked already (two revocations at once)."""
    result = await conn.execute(
        update(M)
        .where(M.c.id == mandate_id, M.c.status == MandateStatus.ACTIVE.value)
        .values(status=MandateStatus.REVOKED.value, revoked_at=now)
    )
    return bool(result.rowcount)


async def mandates_of_person(conn: AsyncConnection, person_id: int) -> list[Row]:
    stmt = (
        select(M, payees.c.name_zh, payees.c.name_en, payees.c.kind)
        .join(payees, payees.c.code == M.c.payee_code)
        .where(M.c.person_id == person_id)
        .order_by(M.c.id.desc())
    )
    return await fetch_all(conn, stmt)


async def mandates_of_payee(
    conn: AsyncConnection,
    payee_code: str | None,
    customer_number: str | None,
    after_id: int | None,
    limit: int,
) -> list[Row]:
    """Mandates signed with the payee (every payee's when None), newest first, `limit` of
    them older than `after_id`, of one customer number if given."""
    stmt = (
        select(M, payees.c.name_zh, payees.c.name_en, payees.c.kind)
        .join(payees, payees.c.code == M.c.payee_code)
        .order_by(M.c.id.desc())
        .limit(limit)
    )
    if payee_code is not None:
        stmt = stmt.where(M.c.payee_code == payee_code)
    if customer_number is not None:
        stmt = stmt.where(M.c.customer_number == customer_number)
    if after_id is not None:
        stmt = stmt.where(M.c.id < after_id)
    return await fetch_all(conn, stmt)


async def newest_card(conn: AsyncConnection, person_id: int) -> Row | None:
    """The person's newest card with its states and whether it was cancelled on a death."""
    stmt = (
        select(
            cards.c.id,
            cards.c.card_number,
            cards.c.bank_code,
            cards.c.hr_status,
            cards.c.financial_status,
            cancellations.c.reason.label("cancellation_reason"),
        )
        .outerjoin(cancellations, cancellations.c.card_id == cards.c.id)
        .where(cards.c.person_id == person_id)
        .order_by(cards.c.id.desc())
        .limit(1)
    )
    return await fetch_one(conn, stmt)


async def debit_by_reference(conn: AsyncConnection, payee_code: str, reference: str) -> Row | None:
    stmt = select(D).where(D.c.payee_code == payee_code, D.c.payee_reference == reference)
    return await fetch_one(conn, stmt)


async def counted_in_period(conn: AsyncConnection, mandate_id: int, period: str) -> int:
    """The total of a mandate's debits of `period` that count against its limit (PAY-1)."""
    stmt = select(func.coalesce(func.sum(D.c.amount_fen), 0)).where(
        D.c.mandate_id == mandate_id,
        D.c.period == period,
        D.c.status.in_([s.value for s in COUNTED]),
    )
    return int((await conn.execute(stmt)).scalar_one())


async def debit(conn: AsyncConnection, debit_id: int) -> Row | None:
    return await fetch_one(conn, select(D).where(D.c.id == debit_id))


async def insert_debit(conn: AsyncConnection, row: Row) -> int | None:
    """The new debit's id, or None when the payee's reference was taken at the same moment."""
    try:
        async with conn.begin_nested():
            result = await conn.execute(insert(D).values(**row).returning(D.c.id))
            return int(result.scalar_one())
    except IntegrityError:
        return None


async def debit_with_mandate(conn: AsyncConnection, debit_id: int) -> Row | None:
    stmt = (
        select(D, M.c.reference.label("mandate_reference"), M.c.customer_number)
        .join(M, M.c.id == D.c.mandate_id)
        .where(D.c.id == debit_id)
    )
    return await fetch_one(conn, stmt)


async def debits_by_ids(conn: AsyncConnection, ids: Sequence[int]) -> list[Row]:
    return await fetch_all(conn, select(D).where(D.c.id.in_(ids)))


async def end_debits(
    conn: AsyncConnection,
    ids: Sequence[int],
    status: DebitStatus,
    reason: str | None,
    now: datetime,
) -> int:
    """The instructed debits among `ids` ended with the bank's answer; how many."""
    result = await conn.execute(
        update(D)
        .where(D.c.id.in_(ids), D.c.status == DebitStatus.INSTRUCTED.value)
        .values(status=status.value, reason=reason, answered_at=now)
    )
    return int(result.rowcount or 0)


async def list_debits(
    conn: AsyncConnection,
    *,
    payee_code: str | None = None,
    person_id: int | None = None,
    limit: int = 100,
) -> list[Row]:
    stmt = (
        select(D, M.c.reference.label("mandate_reference"), M.c.customer_number)
        .join(M, M.c.id == D.c.mandate_id)
        .order_by(D.c.id.desc())
        .limit(limit)
    )
    if payee_code is not None:
        stmt = stmt.where(D.c.payee_code == payee_code)
    if person_id is not None:
        stmt = stmt.where(D.c.person_id == person_id)
    return await fetch_all(conn, stmt)


async def debit_totals(conn: AsyncConnection) -> list[Row]:
    stmt = select(
        D.c.payee_code,
        D.c.status,
        func.count().label("count"),
        func.sum(D.c.amount_fen).label("total_fen"),
    ).group_by(D.c.payee_code, D.c.status)
    return await fetch_all(conn, stmt)
