"""What the delta plugs into the delivery engine: a linked node as an outbox recipient
(YRD-31, YRD-33, YRD-34), to which its followed cards' changes are delivered."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.delta import repository as repo
from sscard.platform.outbox.extensions import RecipientKind


async def _is_node(conn: AsyncConnection, name: str) -> bool:
    if not name.startswith("YRD-"):
        return False
    return await repo.node_by_province(conn, name.removeprefix("YRD-")) is not None


RECIPIENT = RecipientKind(
    "已配置的长三角节点（YRD-31等）", "a linked delta node (YRD-31 ...)", _is_node
)
