"""Every query of the medical use: filings, personal accounts, their ledger, settlements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row
from sscard.medical.models import (
    medical_accounts,
    medical_filings,
    medical_ledger,
    medical_settlements,
)

A, L, F, S = medical_accounts, medical_ledger, medical_filings, medical_settlements


# ---- filings ----


async def insert_filing(conn: AsyncConnection, row: Row) -> int:
    return int((await conn.execute(insert(F).values(**row).returning(F.c.id))).scalar_one())


async def filings_of(conn: AsyncConnection, person_id: int) -> list[Row]:
    stmt = select(F).where(F.c.person_id == person_id).order_by(F.c.id.desc())
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def valid_filings(conn: AsyncConnection, person_id: int, day: date) -> list[Row]:
    """The person's filings in force on `day`."""
    stmt = select(F).where(
        F.c.person_id == person_id,
        F.c.ended_at.is_(None),
        F.c.valid_from <= day,
        or_(F.c.valid_until.is_(None), F.c.valid_until >= day),
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def end_filing(conn: AsyncConnection, filing_id: int, person_id: int, at: datetime) -> bool:
    """End a filing of this person still in force; False if there is none such."""
    stmt = (
        update(F)
        .where(F.c.id == filing_id, F.c.person_id == person_id, F.c.ended_at.is_(None))
        .values(ended_at=at)
    )
    return (await conn.execute(stmt)).rowcount == 1


# ---- accounts and ledger ----


async def open_accounts(conn: AsyncConnection, person_id: int) -> list[Row]:
    """The person's open accounts, oldest first, locked for the change that follows."""
    stmt = (
        select(A)
        .where(A.c.person_id == person_id, A.c.status == "open")
        .order_by(A.c.id)
        .with_for_update()
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def account_on_card(conn: AsyncConnection, card_id: int) -> Row | None:
    stmt = select(A).where(A.c.card_id == card_id).with_for_update()
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row is not None else None


async def insert_account(conn: AsyncConnection, row: Row) -> int:
    return int((await conn.execute(insert(A).values(**row).returning(A.c.id))).scalar_one())


async def add_to_balance(conn: AsyncConnection, account_id: int, delta_fen: int) -> int | None:
    """Move an open account's balance by `delta_fen` unless it would go below zero; the new
    balance, or None (moved, or not enough)."""
    stmt = (
        update(A)
        .where(A.c.id == account_id, A.c.status == "open", A.c.balance_fen + delta_fen >= 0)
        .values(balance_fen=A.c.balance_fen + delta_fen)
        .returning(A.c.balance_fen)
    )
    found = (await conn.execute(stmt)).scalar_one_or_none()
    return int(found) if found is not None else None


async def close_as_moved(
    conn: AsyncConnection, account_id: int, balance_fen: int, to_id: int, at: datetime
) -> bool:
    """ISS-5: the account gives its whole balance up, once: False if it moved already or its
    balance is no longer `balance_fen`."""
    stmt = (
        update(A)
        .where(A.c.id == account_id, A.c.status == "open", A.c.balance_fen == balance_fen)
        .values(status="moved", balance_fen=0, moved_to_id=to_id, moved_at=at)
    )
    return (await conn.execute(stmt)).rowcount == 1


async def insert_entries(conn: AsyncConnection, rows: Sequence[Row]) -> None:
    if rows:
        await conn.execute(insert(L), list(rows))


async def entries_of(conn: AsyncConnection, account_ids: Sequence[int], limit: int) -> list[Row]:
    stmt = (
        select(L.c.at, L.c.kind, L.c.amount_fen, L.c.balance_after_fen)
        .where(L.c.account_id.in_(list(account_ids)))
        .order_by(L.c.id.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def accounts_of(conn: AsyncConnection, person_id: int) -> list[Row]:
    stmt = select(A).where(A.c.person_id == person_id).order_by(A.c.id)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


# ---- settlements ----


async def settlement_by_ref(conn: AsyncConnection, operator_id: int, ref: str) -> Row | None:
    stmt = select(S).where(S.c.operator_id == operator_id, S.c.settlement_ref == ref)
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row is not None else None


async def insert_settlement(conn: AsyncConnection, row: Row) -> int:
    return int((await conn.execute(insert(S).values(**row).returning(S.c.id))).scalar_one())


async def mark_refunded(conn: AsyncConnection, settlement_id: int, at: datetime) -> bool:
    stmt = (
        update(S).where(S.c.id == settlement_id, S.c.refunded_at.is_(None)).values(refunded_at=at)
    )
    return (await conn.execute(stmt)).rowcount == 1


async def balance_after(conn: AsyncConnection, reference: str) -> int | None:
    """The balance a settlement left (its ledger entry), or None for one paid all in cash."""
    stmt = select(L.c.balance_after_fen).where(L.c.kind == "settlement", L.c.reference == reference)
    found = (await conn.execute(stmt)).scalar_one_or_none()
    return int(found) if found is not None else None


async def credited(conn: AsyncConnection, references: Sequence[str]) -> dict[str, int]:
    """The amounts (fen) already credited under these references."""
    stmt = select(L.c.reference, L.c.amount_fen).where(
        L.c.kind == "credit", L.c.reference.in_(list(references))
    )
    return {r[0]: int(r[1]) for r in await conn.execute(stmt)}


async def ledger_totals(conn: AsyncConnection, since: datetime) -> list[Row]:
    """Entries since `since` by kind: how many and their sum (fen, signed)."""
    stmt = (
        select(L.c.kind, func.count().label("entries"), func.sum(L.c.amount_fen).label("sum_fen"))
        .where(L.c.at >= since)
        .group_by(L.c.kind)
        .order_by(L.c.kind)
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def recent_credits(conn: AsyncConnection, limit: int) -> list[Row]:
    """The fund's newest credits: reference, moment, amount; no account."""
    stmt = (
        select(L.c.reference, L.c.at, L.c.amount_fen)
        .where(L.c.kind == "credit")
        .order_by(L.c.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def credit_entry(conn: AsyncConnection, reference: str) -> Row | None:
    stmt = select(L.c.reference, L.c.at, L.c.amount_fen).where(
        L.c.kind == "credit", L.c.reference == reference
    )
    found = (await conn.execute(stmt)).mappings().first()
    return dict(found) if found else None
