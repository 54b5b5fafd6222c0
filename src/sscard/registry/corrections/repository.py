"""Every query of base-data corrections."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row
from sscard.registry.corrections.models import base_data_corrections


async def last_correction_at(conn: AsyncConnection, person_id: int) -> Any:
    """REP-2b: when the person's base data was last corrected, if ever."""
    stmt = select(func.max(base_data_corrections.c.corrected_at)).where(
        base_data_corrections.c.person_id == person_id
    )
    return (await conn.execute(stmt)).scalar_one_or_none()


async def insert_correction(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(insert(base_data_corrections).values(**values))
