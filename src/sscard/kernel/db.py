"""Database engine, the shared metadata, column types and the unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from itertools import chain, islice
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, event, insert, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.types import TypeDecorator

from sscard.kernel.files import private_database

Row = dict[str, Any]  # a row as plain data, where no typed entity is worth it

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets 64-bit keys.
Id = BigInteger().with_variant(Integer(), "sqlite")

# The largest integer the databases store (PostgreSQL BIGINT, SQLite INTEGER). An id or cursor
# beyond it names nothing: input refuses it rather than send it to the database to fail there.
MAX_ID = 2**63 - 1


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, *, pool_size: int = 10, autocommit: bool = False) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and IMMEDIATE write transactions.

    `autocommit` makes a PostgreSQL engine for reads: no BEGIN/COMMIT round trips.
    """
    if url.startswith("sqlite"):
        private_database(url)  # whoever opens it first (CLI, server, worker): 0600 (issue 11)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _tune_sqlite(engine)
        return engine
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        # Short statements only: JIT compiling one whose estimate is large costs about 100 ms,
        # more than the statement itself.
        connect_args={"server_settings": {"jit": "off"}},
        **({"isolation_level": "AUTOCOMMIT"} if autocommit else {}),
    )


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take control of transactions so that every one starts IMMEDIATE: two writers then
        # queue on the busy timeout instead of failing mid-transaction with "database is locked".
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        readonly = conn.get_execution_options().get(READONLY, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


READONLY = "sscard_readonly"


@asynccontextmanager
async def transaction(
    engine: AsyncEngine, *, readonly: bool = False
) -> AsyncIterator[AsyncConnection]:
    """One unit of work: commits when the block ends normally, rolls back on any exception.

    A read-only unit on SQLite takes a shared (deferred) transaction so readers do not queue.
    """
    async with engine.connect() as conn:
        if readonly and conn.dialect.name == "sqlite":
            await conn.execution_options(**{READONLY: True})
        async with conn.begin():
            yield conn


async def fetch_all(conn: AsyncConnection, stmt: Any) -> list[dict[str, Any]]:
    """Every row of a statement, as plain dicts."""
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def fetch_one(conn: AsyncConnection, stmt: Any) -> dict[str, Any] | None:
    """The first row of a statement as a dict, or None."""
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def copy_in(
    conn: AsyncConnection, table: Any, rows: Iterable[Row], *, chunk: int = 2_000
) -> None:
    """Insert many rows of one shape (dicts with the same keys): on PostgreSQL by COPY on the
    transaction's own connection, elsewhere by multi-row INSERTs of `chunk` rows. No statement
    per row, no parameter limit.

    `rows` may be a generator that does real work per row (a batch judged as it is stored): on
    PostgreSQL it is drawn in slices of COPY_ROWS, and each slice is built while the server
    still stores the previous one (its index entries and foreign-key checks run at the end of
    each COPY statement, on the server's own core). Values must be what the driver takes as
    they are (aware datetimes, bytes)."""
    it = iter(rows)
    first = next(it, None)
    if first is None:
        return
    every = chain((first,), it)
    if conn.dialect.name != "postgresql":
        while part := list(islice(every, chunk)):
            await conn.execute(insert(table), part)
        return
    columns = list(first)
    pick = itemgetter(*columns) if len(columns) > 1 else lambda r: (r[columns[0]],)
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None
    if not raw.is_in_transaction():
        # SQLAlchemy begins the unit's transaction with its first statement: a COPY sent
        # before any would commit on its own
        await conn.execute(text("SELECT 1"))
    storing: asyncio.Task[Any] | None = None
    try:
        while records := await _slice(every, pick):
            if storing is not None:
                await storing
            storing = asyncio.ensure_future(
                raw.copy_records_to_table(table.name, columns=columns, records=records)
            )
        if storing is not None:
            await storing
    finally:
        if storing is not None and not storing.done():
            # building a slice failed: let the statement end before the rollback
            await asyncio.gather(storing, return_exceptions=True)


# Rows per COPY statement, and rows built between two turns of the event loop: while a slice
# is built the loop keeps the previous one flowing to the server (a turn every ~5 ms).
COPY_ROWS: Final = 8_192
_ROWS_PER_TURN: Final = 256


async def _slice(rows: Iterator[Row], pick: Callable[[Row], tuple[Any, ...]]) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        out.append(pick(row))
        if len(out) % _ROWS_PER_TURN == 0:
            await asyncio.sleep(0)
            if len(out) == COPY_ROWS:
                break
    return out


async def serial_ids(conn: AsyncConnection, table: Any, count: int) -> list[int]:
    """`count` new ids from a PostgreSQL table's own id sequence, in one statement, for rows
    COPYed with their ids (the sequence is named once, not looked up per row)."""
    stmt = text(
        "SELECT nextval(q.seq) FROM (SELECT pg_get_serial_sequence(:table, 'id')::regclass AS seq)"
        " q CROSS JOIN generate_series(1, :n)"
    )
    result = await conn.execute(stmt, {"table": table.name, "n": count})
    return [int(v) for v in result.scalars()]
