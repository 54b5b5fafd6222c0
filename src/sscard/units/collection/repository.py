"""Every query of collection by the unit (SPEC ISS-3, APP-3): hand-overs and the lines of
their distribution lists, set-based."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.applications.lifecycle import ApplicationStatus
from sscard.applications.models import applications
from sscard.cards.models import cards
from sscard.kernel.db import Row
from sscard.units.collection.models import handover_cards, handovers
from sscard.units.models import batch_rows, unit_agents, unit_batches


async def named_agent(
    conn: AsyncConnection, unit_id: int, doc_type: str, number_index: str
) -> Row | None:
    """The unit's active agent holding this document (the keyed index of its number)."""
    stmt = select(unit_agents.c.id, unit_agents.c.name_masked).where(
        unit_agents.c.unit_id == unit_id,
        unit_agents.c.active.is_(True),
        unit_agents.c.doc_type == doc_type,
        unit_agents.c.number_index == number_index,
    )
    r = (await conn.execute(stmt.limit(1))).first()
    return dict(r._mapping) if r else None


def open_line_application_ids() -> Any:
    """A SELECT of the applications on a hand-over line not yet recorded."""
    return select(handover_cards.c.application_id).where(handover_cards.c.outcome.is_(None))


async def insert_handover(conn: AsyncConnection, values: Row) -> int:
    stmt = insert(handovers).values(**values).returning(handovers.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def add_lines(conn: AsyncConnection, handover_id: int, batch_id: int) -> int:
    """Put on the hand-over's list, in the batch's row order, every card of the batch with the
    unit and on no open list (the ones just handed over); how many. Two statements: one read,
    one multi-row insert."""
    stmt = (
        select(batch_rows.c.application_id, cards.c.id.label("card_id"))
        .select_from(
            batch_rows.join(applications, applications.c.id == batch_rows.c.application_id).join(
                cards, cards.c.application_id == applications.c.id
            )
        )
        .where(
            batch_rows.c.batch_id == batch_id,
            applications.c.status == ApplicationStatus.WITH_UNIT.value,
            applications.c.id.not_in(open_line_application_ids()),
        )
        .order_by(batch_rows.c.row_number)
    )
    found = (await conn.execute(stmt)).all()
    rows = [
        {
            "handover_id": handover_id,
            "line": i,
            "application_id": r.application_id,
            "card_id": r.card_id,
        }
        for i, r in enumerate(found, start=1)
    ]
    if rows:
        await conn.execute(insert(handover_cards), rows)
        await conn.execute(
            update(handovers).where(handovers.c.id == handover_id).values(cards_total=len(rows))
        )
    return len(rows)


_HANDOVER = select(
    handovers,
    unit_batches.c.reference.label("batch_reference"),
    unit_agents.c.name_masked.label("agent_name_masked"),
    unit_agents.c.number_masked.label("agent_number_masked"),
).select_from(
    handovers.join(unit_batches, unit_batches.c.id == handovers.c.batch_id).outerjoin(
        unit_agents, unit_agents.c.id == handovers.c.agent_id
    )
)


async def handover_by_reference(conn: AsyncConnection, reference: str) -> Row | None:
    r = (await conn.execute(_HANDOVER.where(handovers.c.reference == reference))).first()
    return dict(r._mapping) if r else None


async def handovers_of_batch(conn: AsyncConnection, batch_id: int) -> list[Row]:
    stmt = _HANDOVER.where(handovers.c.batch_id == batch_id).order_by(handovers.c.id)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def lines(conn: AsyncConnection, handover_id: int) -> list[Row]:
    """The hand-over's list in line order: the member (masked, from the batch row), the card
    number, the application, and the outcome recorded so far."""
    stmt = (
        select(
            handover_cards.c.id,
            handover_cards.c.line,
            handover_cards.c.application_id,
            handover_cards.c.outcome,
            handover_cards.c.recorded_at,
            cards.c.card_number,
            applications.c.reference.label("application_reference"),
            applications.c.status.label("application_status"),
            batch_rows.c.row_number,
            batch_rows.c.name_masked,
            batch_rows.c.number_masked,
        )
        .select_from(
            handover_cards.join(cards, cards.c.id == handover_cards.c.card_id)
            .join(applications, applications.c.id == handover_cards.c.application_id)
            .join(batch_rows, batch_rows.c.application_id == handover_cards.c.application_id)
        )
        .where(handover_cards.c.handover_id == handover_id)
        .order_by(handover_cards.c.line)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def set_outcome(
    conn: AsyncConnection, line_id: int, outcome: str, at: Any, actor_id: int | None
) -> None:
    stmt = (
        update(handover_cards)
        .where(and_(handover_cards.c.id == line_id, handover_cards.c.outcome.is_(None)))
        .values(outcome=outcome, recorded_at=at, recorded_by=actor_id)
    )
    await conn.execute(stmt)


async def update_handover(conn: AsyncConnection, handover_id: int, **values: Any) -> None:
    await conn.execute(update(handovers).where(handovers.c.id == handover_id).values(**values))
