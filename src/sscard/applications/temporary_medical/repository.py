"""Every query of temporary medical cards (SPEC REP-1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.applications.models import applications
from sscard.applications.temporary_medical.models import temporary_medical_cards
from sscard.kernel.db import Row
from sscard.registry.models import persons
from sscard.registry.reference.models import outlets


async def insert_temporary_medical_card(conn: AsyncConnection, values: Row) -> Row:
    stmt = insert(temporary_medical_cards).values(**values).returning(temporary_medical_cards)
    return dict((await conn.execute(stmt)).one()._mapping)


async def temporary_medical_cards_of(conn: AsyncConnection, person_id: int) -> list[Row]:
    stmt = (
        select(temporary_medical_cards)
        .where(temporary_medical_cards.c.person_id == person_id)
        .order_by(temporary_medical_cards.c.id)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def temporary_medical_card_by_number(conn: AsyncConnection, number: str) -> Row | None:
    """One card with what its printed form shows: the masked holder, the issuing outlet and the
    application it stands in for (its reference and due date)."""
    card = temporary_medical_cards
    stmt = (
        select(
            card,
            persons.c.name_masked.label("person_name_masked"),
            persons.c.ssn_masked.label("person_ssn_masked"),
            persons.c.city_code.label("person_city_code"),
            outlets.c.code.label("outlet_code"),
            applications.c.reference.label("application_reference"),
            applications.c.kind.label("application_kind"),
            applications.c.due_date.label("application_due_date"),
            applications.c.due_year_unknown.label("application_due_year_unknown"),
        )
        .select_from(
            card.join(persons, persons.c.id == card.c.person_id)
            .join(outlets, outlets.c.id == card.c.outlet_id)
            .join(applications, applications.c.id == card.c.application_id)
        )
        .where(card.c.number == number)
    )
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def end_temporary_medical_cards(
    conn: AsyncConnection, application_id: int, at: Any
) -> list[Row]:
    stmt = (
        update(temporary_medical_cards)
        .where(
            temporary_medical_cards.c.application_id == application_id,
            temporary_medical_cards.c.status == "valid",
        )
        .values(status="ended", ended_at=at)
        .returning(temporary_medical_cards.c.id, temporary_medical_cards.c.number)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]
