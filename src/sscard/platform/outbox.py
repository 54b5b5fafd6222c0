"""Messages to other parties, written in the same transaction as the change that causes them.

Delivery (to banks over HTTP or a broker) reads this table; nothing is sent inside a business
transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.platform.models import outbox


async def enqueue(
    conn: AsyncConnection,
    *,
    topic: str,
    recipient: str,
    ordering_key: str,
    payload: dict[str, Any],
    at: datetime,
) -> None:
    await conn.execute(
        insert(outbox).values(
            topic=topic,
            recipient=recipient,
            ordering_key=ordering_key,
            payload=payload,
            created_at=at,
            attempts=0,
        )
    )
