"""Messages to other parties, written in the same transaction as the change that causes them.

Delivery (to banks over HTTP or a broker) reads this table; nothing is sent inside a business
transaction. Each message has its own id, which the receiver uses to drop a second delivery.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.platform.models import outbox

PENDING = "pending"


def new_row(
    *, topic: str, recipient: str, ordering_key: str, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {
        "message_id": str(uuid.uuid4()),
        "topic": topic,
        "recipient": recipient,
        "ordering_key": ordering_key,
        "payload": payload,
        "created_at": at,
        "status": PENDING,
        "next_attempt_at": at,
        "attempts": 0,
    }


async def enqueue(
    conn: AsyncConnection,
    *,
    topic: str,
    recipient: str,
    ordering_key: str,
    payload: dict[str, Any],
    at: datetime,
) -> None:
    row = new_row(
        topic=topic, recipient=recipient, ordering_key=ordering_key, payload=payload, at=at
    )
    await conn.execute(insert(outbox).values(row))


async def enqueue_many(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Several messages (each made with new_row) in one statement, for set-based work."""
    if rows:
        await conn.execute(insert(outbox), rows)
