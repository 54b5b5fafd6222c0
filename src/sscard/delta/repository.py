"""Every query of the delta exchange: nodes, followed cards, request ids, questions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.delta.models import delta_followed_cards, delta_nodes, delta_questions, delta_requests
from sscard.kernel.db import Row
from sscard.kernel.upsert import insert_once, insert_rows


async def node_by_province(conn: AsyncConnection, province_code: str) -> Row | None:
    stmt = select(delta_nodes).where(delta_nodes.c.province_code == province_code)
    found = (await conn.execute(stmt)).mappings().first()
    return dict(found) if found else None


async def node_of_actor(conn: AsyncConnection, actor_id: int) -> Row | None:
    stmt = select(delta_nodes).where(delta_nodes.c.actor_id == actor_id)
    found = (await conn.execute(stmt)).mappings().first()
    return dict(found) if found else None


async def nodes(conn: AsyncConnection) -> list[Row]:
    stmt = select(delta_nodes).order_by(delta_nodes.c.province_code)
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def insert_node(conn: AsyncConnection, row: Row) -> int:
    stmt = insert(delta_nodes).values(**row).returning(delta_nodes.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def update_node(conn: AsyncConnection, node_id: int, values: Row) -> None:
    await conn.execute(update(delta_nodes).where(delta_nodes.c.id == node_id).values(**values))


async def follow(conn: AsyncConnection, node_id: int, card_id: int, at: datetime) -> None:
    """The node asked about the card at `at`: followed from the first question, a year on."""
    row = {"node_id": node_id, "card_id": card_id, "first_asked_at": at, "last_asked_at": at}
    await insert_rows(
        conn, delta_followed_cards, [row], keys=("node_id", "card_id"), overwrite=False
    )
    f = delta_followed_cards
    stmt = update(f).where(f.c.node_id == node_id, f.c.card_id == card_id)
    await conn.execute(stmt.values(last_asked_at=at))


async def followers(conn: AsyncConnection, card_ids: Sequence[int], since: datetime) -> list[Row]:
    """(card_id, province_code) for each node following one of the cards, asked since `since`."""
    f, n = delta_followed_cards, delta_nodes
    stmt = (
        select(f.c.card_id, n.c.province_code)
        .join(n, n.c.id == f.c.node_id)
        .where(f.c.card_id.in_(card_ids), f.c.last_asked_at >= since, n.c.active.is_(True))
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def remember_request(conn: AsyncConnection, row: Row) -> bool:
    """Record a node's request id; False if the node sent it before."""
    return await insert_once(conn, delta_requests, row, keys=("node_id", "request_id"))


async def forget_requests_before(conn: AsyncConnection, at: datetime) -> int:
    stmt = delete(delta_requests).where(delta_requests.c.seen_at < at)
    return int((await conn.execute(stmt)).rowcount or 0)


async def insert_question(conn: AsyncConnection, row: Row) -> None:
    await conn.execute(insert(delta_questions).values(**row))


async def question_counts(conn: AsyncConnection, since: datetime) -> list[Row]:
    """Questions since `since` by node, direction, use and answer: no card in them."""
    q, n = delta_questions, delta_nodes
    stmt = (
        select(
            n.c.province_code,
            q.c.direction,
            q.c.use,
            q.c.answer_code,
            func.count().label("questions"),
        )
        .join(n, n.c.id == q.c.node_id)
        .where(q.c.at >= since)
        .group_by(n.c.province_code, q.c.direction, q.c.use, q.c.answer_code)
        .order_by(n.c.province_code, q.c.direction, q.c.use, q.c.answer_code)
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def followed_count(conn: AsyncConnection, since: datetime) -> dict[str, int]:
    f, n = delta_followed_cards, delta_nodes
    stmt = (
        select(n.c.province_code, func.count())
        .join(n, n.c.id == f.c.node_id)
        .where(f.c.last_asked_at >= since)
        .group_by(n.c.province_code)
    )
    return {str(code): int(count) for code, count in (await conn.execute(stmt)).all()}
