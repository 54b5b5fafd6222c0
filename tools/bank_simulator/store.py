"""The simulated bank's own database (SQLite by default): accounts, messages received, reports,
the credits of sscard's credit instructions and its debit instructions with the answers owed for
them, and the deposits a test makes at the counter.

Its tables live in their own MetaData, created on start: the bank's schema is its own business.
Every query of the simulator is here. Personal data is stored sealed (sealing.py, SPEC ID-6):
of the holder sscard sends, only what a bank keeps (name, identity number, phone), encrypted;
account numbers encrypted, with a blind index and a masked form. Rows go in with plain values
and are sealed here; only the statement and the reports to sscard read a number back.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    and_,
    bindparam,
    func,
    insert,
    inspect,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bank_simulator.db import NAMING, Id, UTCDateTime, make_engine
from bank_simulator.masking import mask_account, mask_name
from bank_simulator.sealing import Vault, private_database, sqlite_path
from bank_simulator.wire import CreditOutcome, DebitOutcome

metadata = MetaData(naming_convention=NAMING)

accounts = Table(
    "sim_accounts",
    metadata,
    Column("bank_code", String(16), primary_key=True),
    Column("card_number", String(32), primary_key=True),
    Column("account_number_enc", LargeBinary, nullable=False, comment="SM4-GCM"),
    Column("account_number_index", String(64), nullable=False, unique=True, comment="HMAC-SM3"),
    Column("account_number_masked", String(19), nullable=False),
    Column("status", String(16), nullable=False, comment="an AccountStatus value"),
    Column("loss_kind", String(16), nullable=True, comment="financial | formal, while lost"),
    Column("before_loss", String(16), nullable=True, comment="the status a lift returns to"),
    Column("loss_outlet", String(32), nullable=True),
    Column("hr_status", String(32), nullable=True, comment="sscard's last word on the hr side"),
    Column("hr_event", String(32), nullable=True),
    Column("superseded_by", String(32), nullable=True, comment="the card that replaced this one"),
    Column("closure_requested_at", UTCDateTime, nullable=True, comment="CAN-3 notice received"),
    Column("closure_reference", String(64), nullable=True),
    # What a bank keeps of the holder, sealed; the rest of sscard's production data (birth date
    # and gender, which the identity number gives, sscard's own ids) is not kept.
    Column("holder_name_enc", LargeBinary, nullable=True),
    Column("holder_name_masked", String(64), nullable=True),
    Column("holder_ssn_enc", LargeBinary, nullable=True, comment="the identity number"),
    Column("holder_phone_enc", LargeBinary, nullable=True),
    Column("holder_fields", JSON, nullable=False, comment="names of the fields received"),
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
    Column("account_number_enc", LargeBinary, nullable=True, comment="account_opened: SM4-GCM"),
    Column("account_number_masked", String(19), nullable=True),
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

# One row per payment of a credit instruction (SPEC PAY-1): credited to the card's account or
# refused, and the answer owed to sscard for it. An account's balance is what it was credited
# (and deposited) less what it was debited.
credits = Table(
    "sim_credits",
    metadata,
    Column("bank_code", String(16), primary_key=True),
    Column("payment_id", BigInteger, primary_key=True, autoincrement=False, comment="sscard's"),
    Column("instruction_id", String(64), nullable=False),
    Column("payer_code", String(32), nullable=True),
    Column("card_number", String(32), nullable=False),
    Column("amount_fen", BigInteger, nullable=False, comment="fen (1/100 yuan), > 0"),
    Column("kind", String(32), nullable=False),
    Column("period", String(32), nullable=False),
    Column("outcome", String(16), nullable=False, comment="credited | refused"),
    Column("reason", String(64), nullable=True, comment="refused: a CreditRefusal or our code"),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("credited_at", UTCDateTime, nullable=True),
    Column("answer_status", String(16), nullable=False, comment="pending | sent | refused"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", String(256), nullable=True),
    Column("result_code", String(64), nullable=True, comment="sscard's answer or refusal code"),
    Column("sent_at", UTCDateTime, nullable=True),
)
Index("ix_sim_credits_due", credits.c.answer_status, credits.c.next_attempt_at)
Index("ix_sim_credits_bank_code_card_number", credits.c.bank_code, credits.c.card_number)

# One row per debit instruction (SPEC PAY-1 collections by mandate): debited from the card's
# account or refused, and the answer owed to sscard for it.
debits = Table(
    "sim_debits",
    metadata,
    Column("bank_code", String(16), primary_key=True),
    Column("debit_id", BigInteger, primary_key=True, autoincrement=False, comment="sscard's"),
    Column("card_number", String(32), nullable=False),
    Column("amount_fen", BigInteger, nullable=False, comment="fen (1/100 yuan), > 0"),
    Column("payee_code", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("mandate_reference", String(64), nullable=False),
    Column("period", String(32), nullable=False),
    Column("outcome", String(16), nullable=False, comment="debited | refused"),
    Column("reason", String(64), nullable=True, comment="refused: a DebitRefusal or our code"),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("answer_status", String(16), nullable=False, comment="pending | sent | refused"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", String(256), nullable=True),
    Column("result_code", String(64), nullable=True, comment="sscard's answer or refusal code"),
    Column("sent_at", UTCDateTime, nullable=True),
)
Index("ix_sim_debits_due", debits.c.answer_status, debits.c.next_attempt_at)
Index("ix_sim_debits_bank_code_card_number", debits.c.bank_code, debits.c.card_number)

# Money a test put on an account at the counter (/control/deposit): counts in the balance.
deposits = Table(
    "sim_deposits",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("bank_code", String(16), nullable=False),
    Column("card_number", String(32), nullable=False),
    Column("amount_fen", BigInteger, nullable=False, comment="fen (1/100 yuan), > 0"),
    Column("deposited_at", UTCDateTime, nullable=False),
)
Index("ix_sim_deposits_bank_code_card_number", deposits.c.bank_code, deposits.c.card_number)

PENDING, SENT, REFUSED = "pending", "sent", "refused"
REPORT_STATUSES = (PENDING, SENT, REFUSED)
# The most values one IN (...) carries: both databases cap a statement's parameters (32766).
IN_SLICE = 10_000


async def open_store(db: str, vault: Vault) -> AsyncEngine:
    """The engine of the bank's database (a SQLite path or a URL), its files private, its tables
    created; a database of an older simulator, which kept personal data in clear, is sealed."""
    private_database(db)
    engine = make_engine(db)
    async with engine.begin() as conn:
        sealed = await conn.run_sync(_seal_legacy, vault)
    path = sqlite_path(db)
    if sealed and path is not None:
        # The clear values are gone from the tables but not from the file's free pages or the
        # log: rewrite the file and empty the log.
        await engine.dispose()
        with contextlib.closing(sqlite3.connect(path)) as raw:
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return engine


# ---- sealing ----

# What a bank keeps of the holder sscard sends, and the column that keeps it.
KEPT = {"name": "holder_name_enc", "ssn": "holder_ssn_enc", "phone": "holder_phone_enc"}


def person_of(payload: Any) -> dict[str, Any]:
    """The holder in production data (under "holder"; older messages: at the top level)."""
    received = payload if isinstance(payload, dict) else {}
    nested = received.get("holder")
    return nested if isinstance(nested, dict) else received


def sealed_account_columns(vault: Vault, account_number: str, payload: Any) -> dict[str, Any]:
    """The account number and what the bank keeps of the holder, as stored."""
    person = person_of(payload)
    row: dict[str, Any] = {
        "account_number_enc": vault.encrypt(account_number),
        "account_number_index": vault.index(account_number),
        "account_number_masked": mask_account(account_number),
        "holder_name_masked": None,
        "holder_fields": sorted(person),
        **dict.fromkeys(KEPT.values()),
    }
    for field, column in KEPT.items():
        value = person.get(field)
        if isinstance(value, str) and value:
            row[column] = vault.encrypt(value)
    name = person.get("name")
    if isinstance(name, str) and name.strip():
        row["holder_name_masked"] = mask_name(name)[:64]
    return row


def _sealed_account(vault: Vault, row: dict[str, Any]) -> dict[str, Any]:
    plain = {k: v for k, v in row.items() if k not in ("account_number", "holder")}
    return plain | sealed_account_columns(vault, row["account_number"], row.get("holder"))


def _sealed_report(vault: Vault, row: dict[str, Any]) -> dict[str, Any]:
    sealed = {k: v for k, v in row.items() if k not in ("account_number", "id")}  # id: new
    number = row.get("account_number")
    sealed["account_number_enc"] = vault.encrypt(number) if number else None
    sealed["account_number_masked"] = mask_account(number) if number else None
    return sealed


def _seal_legacy(conn: Connection, vault: Vault) -> bool:
    """Create the tables; those of an older simulator (the holder as received, account numbers
    in clear) are read, dropped and written again sealed. True if there were any."""
    found = inspect(conn)
    legacy = found.has_table(accounts.name) and "holder" in {
        c["name"] for c in found.get_columns(accounts.name)
    }
    old_accounts: list[dict[str, Any]] = []
    old_reports: list[dict[str, Any]] = []
    if legacy:
        old = MetaData()
        for table, rows in ((accounts.name, old_accounts), (reports.name, old_reports)):
            if found.has_table(table):
                reflected = Table(table, old, autoload_with=conn)
                in_order = select(reflected).order_by(*reflected.primary_key.columns)
                rows.extend(_aware(dict(r._mapping)) for r in conn.execute(in_order))
                reflected.drop(conn)
    metadata.create_all(conn)
    for row in old_accounts:
        if isinstance(row["holder"], str):
            row["holder"] = json.loads(row["holder"])
    if old_accounts:
        conn.execute(insert(accounts), [_sealed_account(vault, r) for r in old_accounts])
    if old_reports:
        conn.execute(insert(reports), [_sealed_report(vault, r) for r in old_reports])
    return legacy


def _aware(row: dict[str, Any]) -> dict[str, Any]:
    # A reflected SQLite timestamp comes back naive; it was stored in UTC.
    return {
        k: v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v
        for k, v in row.items()
    }


def _slices(values: Sequence[Any]) -> list[list[Any]]:
    """The distinct values, IN_SLICE at a time (one slice, one query, for any usual batch)."""
    distinct = list(dict.fromkeys(values))
    return [distinct[i : i + IN_SLICE] for i in range(0, len(distinct), IN_SLICE)]


# ---- accounts ----


async def accounts_of_cards(
    conn: AsyncConnection, bank_code: str, card_numbers: Sequence[str]
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for cards in _slices(card_numbers):
        rows = await conn.execute(
            select(accounts).where(
                accounts.c.bank_code == bank_code, accounts.c.card_number.in_(cards)
            )
        )
        found.update((r.card_number, dict(r._mapping)) for r in rows)
    return found


async def get_account(
    conn: AsyncConnection, bank_code: str, card_number: str
) -> dict[str, Any] | None:
    found = await accounts_of_cards(conn, bank_code, [card_number])
    return found.get(card_number)


async def taken_account_numbers(
    conn: AsyncConnection, vault: Vault, numbers: Sequence[str]
) -> set[str]:
    """Those of the numbers some account has already (found by their blind index)."""
    if not numbers:
        return set()
    by_index = {vault.index(n): n for n in numbers}
    rows = await conn.execute(
        select(accounts.c.account_number_index).where(accounts.c.account_number_index.in_(by_index))
    )
    return {by_index[i] for i in rows.scalars()}


async def insert_accounts(
    conn: AsyncConnection, vault: Vault, rows: Sequence[dict[str, Any]]
) -> None:
    """New accounts, given with the plain `account_number` and the `holder` received."""
    if rows:
        await conn.execute(insert(accounts), [_sealed_account(vault, r) for r in rows])


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


async def statement_rows(
    conn: AsyncConnection, vault: Vault, bank_code: str
) -> list[tuple[str, str, str]]:
    """Card, account number (decrypted: the statement carries it whole) and status."""
    rows = await conn.execute(
        select(accounts.c.card_number, accounts.c.account_number_enc, accounts.c.status)
        .where(accounts.c.bank_code == bank_code)
        .order_by(accounts.c.card_number)
    )
    return [(r.card_number, vault.decrypt(r.account_number_enc), r.status) for r in rows]


async def status_counts(
    conn: AsyncConnection, table: Table, bank_code: str, column: str = "status"
) -> dict[str, int]:
    """How many of the bank's accounts (or reports, or credits) have each value of the column."""
    rows = await conn.execute(
        select(table.c[column], func.count())
        .where(table.c.bank_code == bank_code)
        .group_by(table.c[column])
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


async def insert_reports(
    conn: AsyncConnection, vault: Vault, rows: Sequence[dict[str, Any]]
) -> None:
    """New reports, given with the plain `account_number` (or None)."""
    if rows:
        await conn.execute(insert(reports), [_sealed_report(vault, r) for r in rows])


async def insert_report(conn: AsyncConnection, vault: Vault, row: dict[str, Any]) -> int:
    sealed = _sealed_report(vault, row)
    found = await conn.execute(insert(reports).values(sealed).returning(reports.c.id))
    return int(found.scalar_one())


async def due_reports(
    conn: AsyncConnection, vault: Vault, now: datetime, limit: int
) -> list[dict[str, Any]]:
    """The first pending report of each card, if it is due: one at a time per card, in order;
    each with its plain `account_number` (or None), to be sent."""
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
    due = []
    for r in rows:
        row = dict(r._mapping)
        enc = row.pop("account_number_enc")
        due.append(row | {"account_number": vault.decrypt(enc) if enc is not None else None})
    return due


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


# ---- credits and the answers owed for them ----


async def recorded_payment_ids(
    conn: AsyncConnection, bank_code: str, payment_ids: Sequence[int]
) -> set[int]:
    """Those of the payments this bank has already recorded (credited or refused)."""
    found: set[int] = set()
    for ids in _slices(payment_ids):
        rows = await conn.execute(
            select(credits.c.payment_id).where(
                credits.c.bank_code == bank_code, credits.c.payment_id.in_(ids)
            )
        )
        found.update(rows.scalars())
    return found


async def insert_credits(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(credits), list(rows))


async def balances_of(
    conn: AsyncConnection, bank_code: str, card_numbers: Sequence[str]
) -> dict[str, int]:
    """Each card's balance in fen (0 for a card without money): what was credited to its
    account and deposited on it, less what was debited from it. One query per IN_SLICE cards."""
    found = dict.fromkeys(card_numbers, 0)
    for cards in _slices(card_numbers):
        moves = union_all(
            select(credits.c.card_number.label("card"), credits.c.amount_fen.label("fen")).where(
                credits.c.bank_code == bank_code,
                credits.c.card_number.in_(cards),
                credits.c.outcome == CreditOutcome.CREDITED.value,
            ),
            select(deposits.c.card_number, deposits.c.amount_fen).where(
                deposits.c.bank_code == bank_code, deposits.c.card_number.in_(cards)
            ),
            select(debits.c.card_number, -debits.c.amount_fen).where(
                debits.c.bank_code == bank_code,
                debits.c.card_number.in_(cards),
                debits.c.outcome == DebitOutcome.DEBITED.value,
            ),
        ).subquery()
        rows = await conn.execute(
            select(moves.c.card, func.sum(moves.c.fen)).group_by(moves.c.card)
        )
        found.update((card, int(fen)) for card, fen in rows)
    return found


async def balance_of(conn: AsyncConnection, bank_code: str, card_number: str) -> int:
    """The account's balance in fen: credited and deposited, less debited."""
    return (await balances_of(conn, bank_code, [card_number]))[card_number]


async def insert_deposit(
    conn: AsyncConnection, bank_code: str, card_number: str, amount_fen: int, now: datetime
) -> int:
    found = await conn.execute(
        insert(deposits)
        .values(
            bank_code=bank_code, card_number=card_number, amount_fen=amount_fen, deposited_at=now
        )
        .returning(deposits.c.id)
    )
    return int(found.scalar_one())


async def due_credit_answers(
    conn: AsyncConnection, now: datetime, limit: int
) -> list[dict[str, Any]]:
    """Pending answers that are due, by bank, instruction and payment (to be sent grouped)."""
    rows = await conn.execute(
        select(credits)
        .where(credits.c.answer_status == PENDING, credits.c.next_attempt_at <= now)
        .order_by(credits.c.bank_code, credits.c.instruction_id, credits.c.payment_id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


ANSWER_STATE = ("answer_status", "attempts", "next_attempt_at", "last_error", "result_code")


async def settle_answers(
    conn: AsyncConnection, table: Table, key: str, outcomes: Sequence[dict[str, Any]]
) -> None:
    """Write each answer's attempt: keys bank_code, the row's `key` (payment_id or debit_id),
    answer_status, attempts, next_attempt_at, last_error, result_code, sent_at."""
    if not outcomes:
        return
    cols = (*ANSWER_STATE, "sent_at")
    stmt = (
        update(table)
        .where(and_(table.c.bank_code == bindparam("k_bank"), table.c[key] == bindparam("k_id")))
        .values({c: bindparam(c) for c in cols})
    )
    params = [
        {"k_bank": o["bank_code"], "k_id": o[key], **{c: o[c] for c in cols}} for o in outcomes
    ]
    await conn.execute(stmt, params)


async def settle_credit_answers(conn: AsyncConnection, outcomes: Sequence[dict[str, Any]]) -> None:
    await settle_answers(conn, credits, "payment_id", outcomes)


async def list_credits(
    conn: AsyncConnection,
    bank_code: str,
    card_number: str | None,
    answer_status: str | None,
    after: int,
    limit: int,
) -> list[dict[str, Any]]:
    """The bank's credits by payment id, after `after`, narrowed to a card or answer status."""
    q = select(credits).where(credits.c.bank_code == bank_code, credits.c.payment_id > after)
    if card_number is not None:
        q = q.where(credits.c.card_number == card_number)
    if answer_status is not None:
        q = q.where(credits.c.answer_status == answer_status)
    rows = await conn.execute(q.order_by(credits.c.payment_id).limit(limit))
    return [dict(r._mapping) for r in rows]


# ---- debits and the answers owed for them ----


async def recorded_debit_ids(
    conn: AsyncConnection, bank_code: str, debit_ids: Sequence[int]
) -> set[int]:
    """Those of the debits this bank has already recorded (debited or refused)."""
    found: set[int] = set()
    for ids in _slices(debit_ids):
        rows = await conn.execute(
            select(debits.c.debit_id).where(
                debits.c.bank_code == bank_code, debits.c.debit_id.in_(ids)
            )
        )
        found.update(rows.scalars())
    return found


async def insert_debits(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(debits), list(rows))


async def due_debit_answers(
    conn: AsyncConnection, now: datetime, limit: int
) -> list[dict[str, Any]]:
    """Pending debit answers that are due, by bank and debit (to be sent grouped per bank)."""
    rows = await conn.execute(
        select(debits)
        .where(debits.c.answer_status == PENDING, debits.c.next_attempt_at <= now)
        .order_by(debits.c.bank_code, debits.c.debit_id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


async def settle_debit_answers(conn: AsyncConnection, outcomes: Sequence[dict[str, Any]]) -> None:
    await settle_answers(conn, debits, "debit_id", outcomes)


async def list_debits(
    conn: AsyncConnection,
    bank_code: str,
    card_number: str | None,
    answer_status: str | None,
    after: int,
    limit: int,
) -> list[dict[str, Any]]:
    """The bank's debits by debit id, after `after`, narrowed to a card or answer status."""
    q = select(debits).where(debits.c.bank_code == bank_code, debits.c.debit_id > after)
    if card_number is not None:
        q = q.where(debits.c.card_number == card_number)
    if answer_status is not None:
        q = q.where(debits.c.answer_status == answer_status)
    rows = await conn.execute(q.order_by(debits.c.debit_id).limit(limit))
    return [dict(r._mapping) for r in rows]
