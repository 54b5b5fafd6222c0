"""What benefit payments plug into the delivery engine: a credit instruction's credits added
at the moment of delivery (SPEC PAY-1, ID-6), so the outbox stores no card or amount list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.banks.protocol import Topic
from sscard.kernel.crypto import Vault
from sscard.payments import repository as repo
from sscard.platform.outbox.protocol import Outgoing

TOPIC = Topic.CREDIT_INSTRUCTION.value


async def enrich_instructions(
    conn: AsyncConnection, vault: Vault, batch: Sequence[Outgoing]
) -> list[Outgoing]:
    """The batch with each credit instruction carrying its `credits` (banks/protocol.py),
    read from the payments in one query for the whole batch; other messages as they are."""
    wanted = [m.payload["instruction_id"] for m in batch if m.topic == TOPIC]
    if not wanted:
        return list(batch)
    credits = await repo.credits_of_instructions(conn, wanted)
    return [
        replace(m, payload={**m.payload, "credits": credits.get(m.payload["instruction_id"], [])})
        if m.topic == TOPIC
        else m
        for m in batch
    ]
