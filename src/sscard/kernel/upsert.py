"""Dialect-aware INSERT .. ON CONFLICT for the two databases we run on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


async def insert_rows(
    conn: AsyncConnection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    overwrite: bool,
) -> None:
    """Insert rows; on a key conflict keep the existing row, or overwrite it when asked."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    if overwrite:
        updated = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=updated)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    await conn.execute(stmt, list(rows))


async def insert_once(
    conn: AsyncConnection, table: Table, row: dict[str, Any], *, keys: Sequence[str]
) -> bool:
    """Insert the row unless one with the same `keys` exists: True if it went in. One
    statement (ON CONFLICT DO NOTHING RETURNING), where a savepoint around an INSERT that may
    fail took three round trips on the hot paths (a code's single use, a request id)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**row).on_conflict_do_nothing(index_elements=list(keys))
    first = next(iter(table.primary_key.columns))
    return (await conn.execute(stmt.returning(first))).first() is not None
