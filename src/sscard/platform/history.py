"""Append-only history (SPEC CH-2): who, role, channel, outlet, when, why — same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import Actor
from sscard.platform.models import history


@dataclass(frozen=True)
class Change:
    entity: str
    entity_id: int
    event: str
    from_state: str | None
    to_state: str | None
    reason: str | None = None
    at: datetime | None = None  # when it happened, if not the moment of recording


async def record(conn: AsyncConnection, actor: Actor, at: datetime, *changes: Change) -> None:
    """Write one history row per change, in one statement."""
    rows = [
        {
            "entity": c.entity,
            "entity_id": c.entity_id,
            "event": c.event,
            "from_state": c.from_state,
            "to_state": c.to_state,
            "actor_id": actor.id,
            "role": actor.role.value,
            "channel": actor.channel.value,
            "outlet_id": actor.outlet_id,
            "at": c.at or at,
            "reason": c.reason,
        }
        for c in changes
    ]
    if rows:
        await conn.execute(insert(history), rows)


async def entries(conn: AsyncConnection, entity: str, entity_id: int) -> list[dict[str, Any]]:
    stmt = (
        select(history)
        .where(history.c.entity == entity, history.c.entity_id == entity_id)
        .order_by(history.c.id)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]
