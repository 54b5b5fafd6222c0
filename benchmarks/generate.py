"""Set-based generation of persons for benchmarks: chunks of rows COPYed (PostgreSQL) or
inserted with executemany (SQLite), in bounded memory. Every person is generated.

Numbers use county codes 90-99 of each city, which no real county has, so a generated number
can never be a real person's.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from sscard.kernel.crypto import Vault
from sscard.kernel.masking import mask_name, mask_number, mask_phone
from sscard.registry.documents import gb11643_check_digit
from sscard.registry.documents import mask_number as mask_document

CITIES = [f"32{n:02d}" for n in range(1, 14)]
FIRST_BIRTH = date(1950, 1, 1)
BIRTH_DAYS = 21_900  # 60 years
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "安北晨东尔帆歌禾嘉景可朗铭楠鹏琦然森泰唯溪阳屹哲子悦云芸昭"

PERSON_COLUMNS = [
    "id", "ssn_index", "ssn_enc", "ssn_masked", "person_code", "name_enc", "name_masked",
    "gender", "birth_date", "category", "nationality", "phone_enc", "phone_masked",
    "city_code", "civil_capacity", "created_at", "updated_at",
]  # fmt: skip
DOCUMENT_COLUMNS = [
    "id", "person_id", "doc_type", "number_index", "number_enc", "number_masked",
    "valid_from", "valid_until", "created_at",
]  # fmt: skip


def ssn_of(i: int) -> tuple[str, date, str]:
    """The i-th generated citizen number: unique for i below 130 * 21,900 * 1,000."""
    seq, rest = i % 1000, i // 1000
    day, area = rest % BIRTH_DAYS, rest // BIRTH_DAYS
    city = CITIES[area % len(CITIES)]
    county = 90 + area // len(CITIES)
    birth = FIRST_BIRTH + timedelta(days=day)
    first17 = f"{city}{county:02d}{birth:%Y%m%d}{seq:03d}"
    return first17 + gb11643_check_digit(first17), birth, city


def rows(
    vault: Vault, start: int, count: int, seed: int
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    rng = random.Random(seed + start)
    now = datetime.now(UTC)
    for i in range(start, start + count):
        ssn, birth, city = ssn_of(i)
        index = vault.index(ssn)
        ssn_enc = vault.encrypt(ssn)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        phone = f"139{i % 100_000_000:08d}"
        pid = i + 1
        person = (
            pid, index, ssn_enc, mask_number(ssn, 6, 4), ssn[:4] + index[:12].upper(),
            vault.encrypt(name), mask_name(name), "M" if int(ssn[16]) % 2 else "F", birth,
            "mainland", "CHN", vault.encrypt(phone), mask_phone(phone), city, "full", now, now,
        )  # fmt: skip
        document = (pid, pid, "resident_id", index, ssn_enc, mask_document(ssn), None, None, now)
        yield person, document


def sample_ssns(count: int, total: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [ssn_of(rng.randrange(total))[0] for _ in range(count)]


TABLES = ["persons", "identity_documents"]


@asynccontextmanager
async def secondary_indexes_dropped(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """Bulk loading into B-trees keyed by random hashes is slow; build them once afterwards."""
    constraints = await conn.fetch(
        "SELECT conrelid::regclass::text AS tab, conname, pg_get_constraintdef(oid) AS def "
        "FROM pg_constraint WHERE contype = 'u' AND conrelid::regclass::text = ANY($1)",
        TABLES,
    )
    indexes = await conn.fetch(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        TABLES,
    )
    for c in constraints:
        await conn.execute(f'ALTER TABLE {c["tab"]} DROP CONSTRAINT "{c["conname"]}"')
    for i in indexes:
        await conn.execute(f'DROP INDEX "{i["indexname"]}"')
    yield
    for c in constraints:
        await conn.execute(f'ALTER TABLE {c["tab"]} ADD CONSTRAINT "{c["conname"]}" {c["def"]}')
    for i in indexes:
        await conn.execute(i["indexdef"])


async def fill_postgres(
    url: str, vault: Vault, start: int, count: int, *, chunk: int = 50_000, seed: int = 1
) -> None:
    conn = await asyncpg.connect(url)
    try:
        async with secondary_indexes_dropped(conn):
            await _copy_chunks(conn, vault, start, count, chunk, seed)
        for table in TABLES:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        await conn.execute("ANALYZE persons; ANALYZE identity_documents")
    finally:
        await conn.close()


async def _copy_chunks(
    conn: asyncpg.Connection, vault: Vault, start: int, count: int, chunk: int, seed: int
) -> None:
    for offset in range(start, start + count, chunk):
        n = min(chunk, start + count - offset)
        batch = list(rows(vault, offset, n, seed))
        async with conn.transaction():
            await conn.copy_records_to_table(
                "persons", records=[p for p, _ in batch], columns=PERSON_COLUMNS
            )
            await conn.copy_records_to_table(
                "identity_documents", records=[d for _, d in batch], columns=DOCUMENT_COLUMNS
            )


def fill_sqlite(
    path: str, vault: Vault, start: int, count: int, *, chunk: int = 50_000, seed: int = 1
) -> None:
    db = sqlite3.connect(path)
    try:
        p_sql = _insert_sql("persons", PERSON_COLUMNS)
        d_sql = _insert_sql("identity_documents", DOCUMENT_COLUMNS)
        for offset in range(start, start + count, chunk):
            n = min(chunk, start + count - offset)
            batch = list(rows(vault, offset, n, seed))
            with db:
                db.executemany(p_sql, [_sqlite(p) for p, _ in batch])
                db.executemany(d_sql, [_sqlite(d) for _, d in batch])
        db.execute("ANALYZE")
    finally:
        db.close()


def _sqlite(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # The app stores UTC timestamps naive on SQLite (see sscard.kernel.db.UTCDateTime).
    return tuple(
        v.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ") if isinstance(v, datetime) else v
        for v in row
    )


def _insert_sql(table: str, columns: list[str]) -> str:
    return f"INSERT INTO {table} ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})"


# ---- collected cards, for the lifecycle benchmark ----

APPLICATION_COLUMNS = [
    "id", "reference", "person_id", "kind", "channel", "outlet_id", "city_code", "bank_code",
    "making", "status", "fee_fen", "accepted_on", "due_date", "due_year_unknown", "version",
    "accepted_at", "updated_at",
]  # fmt: skip
CARD_COLUMNS = [
    "id", "card_number", "identification_code", "person_id", "application_id", "city_code",
    "issuing_area_code", "bank_code", "generation", "spec_version", "issue_date", "expiry_date",
    "hr_status", "financial_status", "version", "created_at", "updated_at",
]  # fmt: skip


def card_rows(
    outlet: Any, ids: range, now: datetime, rng: random.Random
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """Person i's collected application i at the outlet and its active card i (number of seq i)."""
    from sscard.cards import lifecycle as lc

    city, area, bank = outlet["city_code"], outlet["area_code"], outlet["bank_code"]
    issued = now.date()
    expiry = lc.expiry_date(issued)
    for i in ids:
        application = (
            i, f"SQ{city}{issued:%Y%m%d}{i:08d}", i, "first", "bank_outlet", outlet["id"], city,
            bank, "instant", "collected", 0, issued, None, None, 5, now, now,
        )  # fmt: skip
        code = lc.identification_code(area, f"{rng.getrandbits(64):016x}")
        card = (
            i, lc.card_number(i), code, i, i, city, area, bank, lc.GENERATION, lc.SPEC_VERSION,
            issued, expiry, "active", "active", 2, now, now,
        )  # fmt: skip
        yield application, card


async def fill_cards_postgres(
    url: str, count: int, *, outlet_code: str, chunk: int = 50_000
) -> None:
    """Persons 1..count each get a collected application and an active card of the outlet's bank.

    Card numbers are those of sequence values 1..count; the database sequences go on after them.
    """
    conn = await asyncpg.connect(url)
    try:
        outlet = await conn.fetchrow(
            "SELECT o.id, o.city_code, o.bank_code, c.area_code FROM outlets o "
            "JOIN cities c ON c.code = o.city_code WHERE o.code = $1",
            outlet_code,
        )
        now = datetime.now(UTC)
        rng = random.Random(11)
        for offset in range(1, count + 1, chunk):
            batch = list(card_rows(outlet, range(offset, min(offset + chunk, count + 1)), now, rng))
            async with conn.transaction():
                await conn.copy_records_to_table(
                    "applications", records=[a for a, _ in batch], columns=APPLICATION_COLUMNS
                )
                await conn.copy_records_to_table(
                    "cards", records=[c for _, c in batch], columns=CARD_COLUMNS
                )
        for table in ("applications", "cards"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count})")
        for name in ("card_number", "application_reference"):
            await conn.execute(f"SELECT setval('seq_{name}', {count})")
        await conn.execute("ANALYZE applications; ANALYZE cards")
    finally:
        await conn.close()
