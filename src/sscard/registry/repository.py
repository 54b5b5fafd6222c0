"""Every query of persons, their identity documents and photos."""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.crypto import Vault
from sscard.kernel.db import Row, fetch_one
from sscard.registry.models import identity_documents, person_photos, persons

# ---- persons ----


async def person_id_by_ssn_index(conn: AsyncConnection, ssn_index: str) -> int | None:
    stmt = select(persons.c.id).where(persons.c.ssn_index == ssn_index)
    return (await conn.execute(stmt)).scalar_one_or_none()


async def person_id_by_document(
    conn: AsyncConnection, doc_type: str, number_index: str
) -> int | None:
    stmt = select(identity_documents.c.person_id).where(
        and_(
            identity_documents.c.doc_type == doc_type,
            identity_documents.c.number_index == number_index,
        )
    )
    return (await conn.execute(stmt)).scalar_one_or_none()


async def get_person(conn: AsyncConnection, person_id: int) -> Row | None:
    return await fetch_one(conn, select(persons).where(persons.c.id == person_id))


async def insert_person(conn: AsyncConnection, values: Row) -> int:
    return (
        await conn.execute(insert(persons).values(**values).returning(persons.c.id))
    ).scalar_one()


async def insert_document(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(insert(identity_documents).values(**values))


async def save_photo(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(
        delete(person_photos).where(person_photos.c.person_id == values["person_id"])
    )
    await conn.execute(insert(person_photos).values(**values))


async def photo_taken_at(conn: AsyncConnection, person_id: int) -> Any:
    stmt = select(person_photos.c.checked_at).where(person_photos.c.person_id == person_id)
    return (await conn.execute(stmt)).scalar_one_or_none()


async def update_person(conn: AsyncConnection, person_id: int, values: Row) -> None:
    await conn.execute(update(persons).where(persons.c.id == person_id).values(**values))


async def update_document(conn: AsyncConnection, person_id: int, doc_type: str, values: Row) -> int:
    stmt = (
        update(identity_documents)
        .where(
            identity_documents.c.person_id == person_id,
            identity_documents.c.doc_type == doc_type,
        )
        .values(**values)
    )
    return (await conn.execute(stmt)).rowcount


async def phones(conn: AsyncConnection, vault: Vault, person_ids: Set[int]) -> dict[int, str]:
    """Each person's phone, decrypted; persons without one are left out (SPEC ID-6: read only
    at the moment a message is sent, by the notification delivery's contact book)."""
    stmt = select(persons.c.id, persons.c.phone_enc).where(
        persons.c.id.in_(sorted(person_ids)), persons.c.phone_enc.is_not(None)
    )
    return {r.id: vault.decrypt(r.phone_enc) for r in await conn.execute(stmt)}
