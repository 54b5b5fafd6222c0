"""Every query of family binding: the bindings, with both persons masked (read models of the
registry's persons and the reference outlets), and what the limits count."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.actors.family.models import family_bindings
from sscard.actors.models import actors
from sscard.kernel.db import Row, fetch_all, fetch_one
from sscard.registry.models import persons
from sscard.registry.reference.models import outlets

b = family_bindings
relative = persons.alias("relative")
dependant = persons.alias("dependant")


def _active(today: date) -> Any:
    return and_(b.c.ended_at.is_(None), or_(b.c.ends_on.is_(None), b.c.ends_on > today))


def _viewed() -> Any:
    return select(
        b,
        relative.c.name_masked.label("relative_name"),
        relative.c.ssn_masked.label("relative_ssn"),
        dependant.c.name_masked.label("dependant_name"),
        dependant.c.ssn_masked.label("dependant_ssn"),
        outlets.c.code.label("outlet_code"),
    ).select_from(
        b.join(relative, relative.c.id == b.c.relative_person_id)
        .join(dependant, dependant.c.id == b.c.dependant_person_id)
        .join(outlets, outlets.c.id == b.c.outlet_id)
    )


async def insert_binding(conn: AsyncConnection, values: Row) -> int:
    stmt = insert(b).values(**values).returning(b.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def get_binding(conn: AsyncConnection, binding_id: int) -> Row | None:
    """One binding with both persons' masked name and number and the outlet's code."""
    return await fetch_one(conn, _viewed().where(b.c.id == binding_id))


async def bindings_of(conn: AsyncConnection, person_id: int) -> list[Row]:
    """Every binding in which the person is the relative or the dependant, newest first."""
    stmt = _viewed().where(
        or_(b.c.relative_person_id == person_id, b.c.dependant_person_id == person_id)
    )
    return await fetch_all(conn, stmt.order_by(b.c.id.desc()))


async def lock_persons(conn: AsyncConnection, person_ids: Iterable[int]) -> None:
    """Lock both persons' rows (in id order) until the transaction ends, so that two clerks
    binding the same person at once count each other's binding (PostgreSQL; SQLite writes
    one transaction at a time anyway). FOR NO KEY UPDATE: rows of other tables that refer to
    the person may still be written meanwhile."""
    ids = sorted(set(person_ids))
    stmt = select(persons.c.id).where(persons.c.id.in_(ids)).order_by(persons.c.id)
    await conn.execute(stmt.with_for_update(key_share=True))


async def active_counts(
    conn: AsyncConnection, relative_id: int, dependant_id: int, today: date
) -> tuple[int, int, int | None]:
    """(the relative's active dependants, the dependant's active relatives, the id of an
    active binding of this pair or None)."""
    active = _active(today)
    of_relative = select(func.count()).where(active, b.c.relative_person_id == relative_id)
    of_dependant = select(func.count()).where(active, b.c.dependant_person_id == dependant_id)
    pair = select(b.c.id).where(
        active, b.c.relative_person_id == relative_id, b.c.dependant_person_id == dependant_id
    )
    return (
        int((await conn.execute(of_relative)).scalar_one()),
        int((await conn.execute(of_dependant)).scalar_one()),
        (await conn.execute(pair.limit(1))).scalar_one_or_none(),
    )


async def end_binding(
    conn: AsyncConnection, binding_id: int, ended_at: datetime, reason: str
) -> bool:
    """Mark a binding ended unless it already is; whether this call ended it."""
    stmt = (
        update(b)
        .where(b.c.id == binding_id, b.c.ended_at.is_(None))
        .values(ended_at=ended_at, ended_reason=reason)
    )
    return (await conn.execute(stmt)).rowcount == 1


async def person_of_actor(conn: AsyncConnection, actor_id: int) -> int | None:
    """The person a cardholder actor is (who is really signed in, whoever they act for)."""
    stmt = select(actors.c.person_id).where(actors.c.id == actor_id)
    return (await conn.execute(stmt)).scalar_one_or_none()
