"""Every query of the units context: units, agents, batches and their rows, and the registry
facts of a whole batch's members read in a few set-based queries (no per-row round trip)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.applications.lifecycle import OPEN_STATUSES
from sscard.applications.models import OPEN_WHERE, applications
from sscard.cards.lifecycle import DEAD_HR_STATES
from sscard.cards.models import cards
from sscard.kernel.db import Row, copy_in
from sscard.registry.models import identity_documents, person_photos, persons
from sscard.registry.reference.models import outlets
from sscard.units.models import batch_rows, unit_agents, unit_batches, units

# Values per IN list: SQLite takes 32,766 parameters and asyncpg 32,767 a statement.
CHUNK: Final = 5_000


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# ---- units ----

_UNIT = select(
    units, outlets.c.code.label("outlet_code"), outlets.c.name_zh.label("outlet_name")
).select_from(units.join(outlets, outlets.c.id == units.c.outlet_id))


async def insert_unit(conn: AsyncConnection, values: Row) -> int:
    return int(
        (await conn.execute(insert(units).values(**values).returning(units.c.id))).scalar_one()
    )


async def unit_by_code(conn: AsyncConnection, credit_code: str) -> Row | None:
    r = (await conn.execute(_UNIT.where(units.c.credit_code == credit_code))).first()
    return dict(r._mapping) if r else None


async def list_units(
    conn: AsyncConnection,
    *,
    outlet_id: int | None,
    city_code: str | None,
    after_id: int,
    limit: int,
) -> list[Row]:
    stmt = _UNIT.where(units.c.id > after_id)
    if outlet_id is not None:
        stmt = stmt.where(units.c.outlet_id == outlet_id)
    if city_code is not None:
        stmt = stmt.where(units.c.city_code == city_code)
    rows = await conn.execute(stmt.order_by(units.c.id).limit(limit))
    return [dict(r._mapping) for r in rows]


# ---- agents ----


async def insert_agent(conn: AsyncConnection, values: Row) -> int:
    stmt = insert(unit_agents).values(**values).returning(unit_agents.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def agents_of(conn: AsyncConnection, unit_id: int) -> list[Row]:
    stmt = select(unit_agents).where(unit_agents.c.unit_id == unit_id).order_by(unit_agents.c.id)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def agent(conn: AsyncConnection, unit_id: int, agent_id: int) -> Row | None:
    stmt = select(unit_agents).where(unit_agents.c.id == agent_id, unit_agents.c.unit_id == unit_id)
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def end_agent(conn: AsyncConnection, agent_id: int, at: Any) -> bool:
    stmt = (
        update(unit_agents)
        .where(unit_agents.c.id == agent_id, unit_agents.c.active.is_(True))
        .values(active=False, ended_at=at)
    )
    return (await conn.execute(stmt)).rowcount == 1


async def active_agent_by_actor(conn: AsyncConnection, actor_id: int) -> Row | None:
    stmt = select(unit_agents).where(
        unit_agents.c.actor_id == actor_id, unit_agents.c.active.is_(True)
    )
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


# ---- batches ----

_BATCH_COLUMNS = [c for c in unit_batches.c if c.name != "file_enc"]


async def insert_batch(conn: AsyncConnection, values: Row) -> int:
    stmt = insert(unit_batches).values(**values).returning(unit_batches.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def update_batch(conn: AsyncConnection, batch_id: int, **values: Any) -> None:
    await conn.execute(update(unit_batches).where(unit_batches.c.id == batch_id).values(**values))


async def batch_by_reference(conn: AsyncConnection, reference: str) -> Row | None:
    stmt = select(
        *_BATCH_COLUMNS, units.c.credit_code, units.c.name.label("unit_name")
    ).select_from(unit_batches.join(units, units.c.id == unit_batches.c.unit_id))
    r = (await conn.execute(stmt.where(unit_batches.c.reference == reference))).first()
    return dict(r._mapping) if r else None


async def batches_of(conn: AsyncConnection, unit_id: int, before_id: int, limit: int) -> list[Row]:
    stmt = select(*_BATCH_COLUMNS).where(unit_batches.c.unit_id == unit_id)
    if before_id:
        stmt = stmt.where(unit_batches.c.id < before_id)
    rows = await conn.execute(stmt.order_by(unit_batches.c.id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]


async def claim_received(conn: AsyncConnection, status: str) -> Row | None:
    """The oldest batch waiting for the worker, locked for this transaction (PostgreSQL skips
    one another worker holds); with its sealed file."""
    stmt = (
        select(unit_batches)
        .where(unit_batches.c.status == status)
        .order_by(unit_batches.c.id)
        .limit(1)
    )
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def insert_rows(conn: AsyncConnection, rows: Iterable[Row]) -> None:
    """The batch's result rows in bulk, streamed from a generator (COPY on PostgreSQL)."""
    await copy_in(conn, batch_rows, rows)


async def rows_of(
    conn: AsyncConnection, batch_id: int, *, after_row: int, limit: int, refused_only: bool
) -> list[Row]:
    stmt = (
        select(batch_rows, applications.c.reference.label("application_reference"))
        .select_from(
            batch_rows.outerjoin(applications, applications.c.id == batch_rows.c.application_id)
        )
        .where(batch_rows.c.batch_id == batch_id, batch_rows.c.row_number > after_row)
    )
    if refused_only:
        stmt = stmt.where(batch_rows.c.outcome != "accepted")
    rows = await conn.execute(stmt.order_by(batch_rows.c.row_number).limit(limit))
    return [dict(r._mapping) for r in rows]


# ---- the registry's facts about a batch's members, set-based ----
# On PostgreSQL each read is one statement over an array of keys, fetched by the driver itself
# (100,000 rows cost a fraction of what building them through the ORM layer does); elsewhere
# the same reads in chunks of CHUNK keys.


async def _driver(conn: AsyncConnection) -> Any:
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None
    return raw


async def persons_by_document(
    conn: AsyncConnection, doc_type: str, indexes: Sequence[str]
) -> dict[str, int]:
    """number index -> person id, for documents of one type on record."""
    if conn.dialect.name == "postgresql":
        rows = await (await _driver(conn)).fetch(
            "SELECT number_index, person_id FROM identity_documents"
            " WHERE doc_type = $1 AND number_index = ANY($2::text[])",
            doc_type,
            list(indexes),
        )
        return {r[0]: int(r[1]) for r in rows}
    found: dict[str, int] = {}
    for part in _chunks(indexes):
        stmt = select(identity_documents.c.number_index, identity_documents.c.person_id).where(
            identity_documents.c.doc_type == doc_type,
            identity_documents.c.number_index.in_(list(part)),
        )
        found.update({r.number_index: int(r.person_id) for r in await conn.execute(stmt)})
    return found


async def persons_by_ssn(conn: AsyncConnection, indexes: Sequence[str]) -> dict[str, int]:
    """ssn index -> person id (a citizen's social security number is their ID number)."""
    if conn.dialect.name == "postgresql":
        rows = await (await _driver(conn)).fetch(
            "SELECT ssn_index, id FROM persons WHERE ssn_index = ANY($1::text[])", list(indexes)
        )
        return {r[0]: int(r[1]) for r in rows}
    found: dict[str, int] = {}
    for part in _chunks(indexes):
        stmt = select(persons.c.ssn_index, persons.c.id).where(persons.c.ssn_index.in_(list(part)))
        found.update({r.ssn_index: int(r.id) for r in await conn.execute(stmt)})
    return found


_DEAD = tuple(s.value for s in DEAD_HR_STATES)
_OPEN = tuple(s.value for s in OPEN_STATUSES)
_FACTS_PG = f"""
SELECT p.id, p.name_enc, p.gender, p.birth_date, p.civil_capacity,
  EXISTS (SELECT 1 FROM person_photos ph WHERE ph.person_id = p.id) AS has_photo,
  (SELECT c.card_number FROM cards c WHERE c.person_id = p.id
     AND c.hr_status NOT IN ({", ".join(f"'{v}'" for v in _DEAD)}) LIMIT 1) AS live_card,
  (SELECT a.reference FROM applications a WHERE a.person_id = p.id
     AND a.status IN ({", ".join(f"'{v}'" for v in _OPEN)}) LIMIT 1) AS open_reference
FROM persons p WHERE p.id = ANY($1::bigint[])
"""


async def person_facts(conn: AsyncConnection, person_ids: Sequence[int]) -> list[Row]:
    """Each person's name (sealed), gender, birth date, capacity, whether a photo is on record,
    a card whose hr function still counts and an application in progress (SPEC ID-3, APP-5):
    one statement on PostgreSQL, four per chunk elsewhere."""
    if not person_ids:
        return []
    keys = ("id", "name_enc", "gender", "birth_date", "civil_capacity", "has_photo")
    if conn.dialect.name == "postgresql":
        rows = await (await _driver(conn)).fetch(_FACTS_PG, list(person_ids))
        return [dict(zip((*keys, "live_card", "open_reference"), r, strict=True)) for r in rows]
    has_photo = exists().where(person_photos.c.person_id == persons.c.id)
    out: list[Row] = []
    for part in _chunks(person_ids):
        stmt = select(
            persons.c.id,
            persons.c.name_enc,
            persons.c.gender,
            persons.c.birth_date,
            persons.c.civil_capacity,
            has_photo.label("has_photo"),
        ).where(persons.c.id.in_(list(part)))
        found = [dict(r._mapping) for r in await conn.execute(stmt)]
        cards_of = await _live_cards(conn, part)
        open_of = await _open_applications(conn, part)
        for r in found:
            r["live_card"] = cards_of.get(r["id"])
            r["open_reference"] = open_of.get(r["id"])
        out += found
    return out


async def _live_cards(conn: AsyncConnection, person_ids: Sequence[int]) -> dict[int, str]:
    stmt = select(cards.c.person_id, cards.c.card_number).where(
        cards.c.person_id.in_(list(person_ids)), cards.c.hr_status.not_in(_DEAD)
    )
    return {int(r.person_id): r.card_number for r in await conn.execute(stmt)}


async def _open_applications(conn: AsyncConnection, person_ids: Sequence[int]) -> dict[int, str]:
    stmt = select(applications.c.person_id, applications.c.reference).where(
        applications.c.person_id.in_(list(person_ids)), OPEN_WHERE
    )
    return {int(r.person_id): r.reference for r in await conn.execute(stmt)}


async def count_rows(conn: AsyncConnection, batch_id: int) -> int:
    stmt = select(func.count()).where(batch_rows.c.batch_id == batch_id)
    return int((await conn.execute(stmt)).scalar_one())
