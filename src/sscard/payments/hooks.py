"""What benefit payments plug into the platform: a credit instruction's credits added at the
moment of delivery (SPEC PAY-1, ID-6), so the outbox stores no card or amount list; the message
that tells a holder a payment is held and why (PAY-2, ISS-6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.banks.protocol import Topic
from sscard.kernel.crypto import Vault
from sscard.payments import repository as repo
from sscard.platform.notify.templates import Template
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


PAYMENT_HELD = Template(
    code="payment_held",
    rule="PAY-2",
    zh="您有{count}笔待遇款项（共{amount}元）暂未到账，原因和办理方法请见网上服务大厅“我的待遇到账”"
    "（如：到发卡银行网点激活社会保障卡金融功能）。办理后将自动补发，无需再次申请。",
    en="{count} benefit payment(s) ({amount} yuan in all) could not be credited yet; the online"
    " hall's \"My benefit payments\" says why and what to do (e.g. activate the card's financial"
    " function at its bank). They are paid automatically once that is done.",
)
TEMPLATES = (PAYMENT_HELD,)
