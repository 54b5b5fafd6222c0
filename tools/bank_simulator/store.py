"""The simulated bank's own database (SQLite by default): accounts, messages received, reports.

Its tables live in their own MetaData, created on start: the bank's schema is its own business.
Every query of the simulator is here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bank_simulator.db import NAMING, Id, UTCDateTime, make_engine

metadata = MetaData(naming_convention=NAMING)

accounts = Table(
    "sim_accounts",
    metadata,
    Column("bank_code", String(16), primary_key=True),
    Column("card_number", String(32), primary_key=True),
    Column("account_number", String(19), nullable=False, unique=True),
    Column("status", String(16), nullable=False, comment="an AccountStatus value"),
    Column("loss_kind", String(16), nullable=True, comment="financial | formal, while lost"),
    Column("before_loss", String(16), nullable=True, comment="the status a lift returns to"),
    Column("loss_outlet", String(32), nullable=True),
    Column("hr_status", String(32), nullable=True, comment="sscard's last word on the hr side"),
    Column("hr_event", String(32), nullable=True),
    Column("superseded_by", String(32), nullable=True, comment="the card that replaced this one"),
    Column("closure_requested_at", UTCDateTime, nullable=True, comment="CAN-3 notice received"),
    Column("closure_reference", String(64), nullable=True),
    Column("holder", JSON, nullable=False, comment="personal data received: never logged"),
    Column("last_sequence", BigInteger, nullable=False, comment="sscard's, last applied"),
    Column("report_sequence", Integer, nullable=False, comment="this bank's reports so far"),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

received = Table(
    "sim_received",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("bank_code", String(16), nullable=False),
    Column("message_id", String(128), nullable=True),
    Column("topic", String(64), nullable=True),
    Column("card_number", String(32), nullable=True),
    Column("sequence", BigInteger, nullable=True),
    Column("result", String(16), nullable=False, comment="applied | duplicate | rejected"),
    Column("error", String(256), nullable=True),
    Column("received_at", UTCDateTime, nullable=False),
)
Index("ix_sim_received_bank_code_message_id", received.c.bank_code, received.c.message_id)

reports = Table(
    "sim_reports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("bank_code", String(16), nullable=False),
    Column("card_number", String(32), nullable=False),
    Column("sequence", Integer, nullable=False, comment="per card, from 1, no gaps"),
    Column("message_id", String(64), nullable=False, unique=True),
    Column("type", String(32), nullable=False, comment="a ReportType value"),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("account_number", String(19), nullable=True),
    Column("outlet_code", String(32), nullable=True),
    Column("channel", String(16), nullable=True),
    Column("status", String(16), nullable=False, comment="pending | sent | refused"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", String(256), nullable=True),
    Column("result_code", String(64), nullable=True, comment="sscard's answer or refusal code"),
    Column("sent_at", UTCDateTime, nullable=True),
    UniqueConstraint("bank_code", "card_number", "sequence"),
)
Index(
    "ix_sim_reports_status_card",
    reports.c.status,
    reports.c.bank_code,
    reports.c.card_number,
    reports.c.sequence,
)

PENDING, SENT, REFUSED = "pending", "sent", "refused"
REPORT_STATUSES = (PENDING, SENT, REFUSED)


async def open_store(db: str) -> AsyncEngine:
    """The engine of the bank's database (a SQLite path or a URL), its tables created."""
    engine = make_engine(db)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return engine


# ---- accounts ----


async def accounts_of_cards(
    conn: AsyncConnection, bank_code: str, card_numbers: Sequence[str]
) -> dict[str, dict[str, Any]]:
    if not card_numbers:
        return {}
    rows = await conn.execute(
        select(accounts).where(
            accounts.c.bank_code == bank_code, accounts.c.card_number.in_(set(card_numbers))
        )
    )
    return {r.card_number: dict(r._mapping) for r in rows}


async def get_account(
    conn: AsyncConnection, bank_code: str, card_number: str
) -> dict[str, Any] | None:
    found = await accounts_of_cards(conn, bank_code, [card_number])
    return found.get(card_number)


async def taken_account_numbers(conn: AsyncConnection, numbers: Sequence[str]) -> set[str]:
    if not numbers:
        return set()
    rows = await conn.execute(
        select(accounts.c.account_number).where(accounts.c.account_number.in_(set(numbers)))
    )
    return set(rows.scalars())


async def insert_accounts(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(accounts), list(rows))


# Every column a change may touch; an update writes them all, so one statement serves a batch.
MUTABLE = (
    "status",
    "loss_kind",
    "before_loss",
    "loss_outlet",
    "hr_status",
    "hr_event",
    "superseded_by",
    "closure_requested_at",
    "closure_reference",
    "last_sequence",
    "report_sequence",
    "updated_at",
)


async def update_accounts(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    stmt = (
        update(accounts)
        .where(
            and_(
                accounts.c.bank_code == bindparam("k_bank"),
                accounts.c.card_number == bindparam("k_card"),
            )
        )
        .values({c: bindparam(c) for c in MUTABLE})
    )
    params = [
        {"k_bank": r["bank_code"], "k_card": r["card_number"], **{c: r[c] for c in MUTABLE}}
        for r in rows
    ]
    await conn.execute(stmt, params)


async def statement_rows(conn: AsyncConnection, bank_code: str) -> list[tuple[str, str, str]]:
    rows = await conn.execute(
        select(accounts.c.card_number, accounts.c.account_number, accounts.c.status)
        .where(accounts.c.bank_code == bank_code)
        .order_by(accounts.c.card_number)
    )
    return [(r.card_number, r.account_number, r.status) for r in rows]


async def status_counts(conn: AsyncConnection, table: Table, bank_code: str) -> dict[str, int]:
    """How many of the bank's accounts (or reports) are in each status."""
    rows = await conn.execute(
        select(table.c.status, func.count())
        .where(table.c.bank_code == bank_code)
        .group_by(table.c.status)
    )
    return {status: n for status, n in rows}


# ---- messages received ----


async def applied_message_ids(
    conn: AsyncConnection, bank_code: str, message_ids: Sequence[str]
) -> set[str]:
    if not message_ids:
        return set()
    rows = await conn.execute(
        select(received.c.message_id).where(
            received.c.bank_code == bank_code,
            received.c.message_id.in_(set(message_ids)),
            received.c.result == "applied",
        )
    )
    return set(rows.scalars())


async def record_received(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(received), list(rows))


async def received_counts(conn: AsyncConnection, bank_code: str) -> list[tuple[str, str, int]]:
    rows = await conn.execute(
        select(received.c.topic, received.c.result, func.count())
        .where(received.c.bank_code == bank_code)
        .group_by(received.c.topic, received.c.result)
    )
    return [(topic or "", result, n) for topic, result, n in rows]


# ---- reports to sscard (the callback outbox) ----


async def insert_reports(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(reports), list(rows))


async def insert_report(conn: AsyncConnection, row: dict[str, Any]) -> int:
    found = await conn.execute(insert(reports).values(row).returning(reports.c.id))
    return int(found.scalar_one())


async def due_reports(conn: AsyncConnection, now: datetime, limit: int) -> list[dict[str, Any]]:
    """The first pending report of each card, if it is due: one at a time per card, in order."""
    head = reports.alias("head")
    first = (
        select(func.min(head.c.sequence))
        .where(
            head.c.status == PENDING,
            head.c.bank_code == reports.c.bank_code,
            head.c.card_number == reports.c.card_number,
        )
        .scalar_subquery()
    )
    rows = await conn.execute(
        select(reports)
        .where(
            reports.c.status == PENDING,
            reports.c.sequence == first,
            reports.c.next_attempt_at <= now,
        )
        .order_by(reports.c.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


async def settle_reports(conn: AsyncConnection, outcomes: Sequence[dict[str, Any]]) -> None:
    """Write each attempt's outcome: keys id, status, attempts, next_attempt_at, last_error,
    result_code, sent_at."""
    if not outcomes:
        return
    cols = ("status", "attempts", "next_attempt_at", "last_error", "result_code", "sent_at")
    stmt = (
        update(reports)
        .where(reports.c.id == bindparam("k_id"))
        .values({c: bindparam(c) for c in cols})
    )
    await conn.execute(stmt, [{"k_id": o["id"], **{c: o[c] for c in cols}} for o in outcomes])


async def list_reports(
    conn: AsyncConnection, bank_code: str, status: str | None, after: int, limit: int
) -> list[dict[str, Any]]:
    q = select(reports).where(reports.c.bank_code == bank_code, reports.c.id > after)
    if status is not None:
        q = q.where(reports.c.status == status)
    rows = await conn.execute(q.order_by(reports.c.id).limit(limit))
    return [dict(r._mapping) for r in rows]
