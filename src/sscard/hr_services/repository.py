"""Every query of the HR services: certificates and unemployment registrations."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.hr_services.models import insurance_certificates, unemployment_registrations
from sscard.kernel.db import Row

C, U = insurance_certificates, unemployment_registrations


async def insert_certificate(conn: AsyncConnection, row: Row) -> int:
    return int((await conn.execute(insert(C).values(**row).returning(C.c.id))).scalar_one())


async def certificate(conn: AsyncConnection, code: str) -> Row | None:
    row = (await conn.execute(select(C).where(C.c.code == code))).first()
    return dict(row._mapping) if row is not None else None


async def certificates_of(conn: AsyncConnection, person_id: int) -> list[Row]:
    stmt = select(C).where(C.c.person_id == person_id).order_by(C.c.id.desc()).limit(20)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def insert_registration(conn: AsyncConnection, row: Row) -> int:
    return int((await conn.execute(insert(U).values(**row).returning(U.c.id))).scalar_one())


async def registrations_of(conn: AsyncConnection, person_id: int) -> list[Row]:
    stmt = select(U).where(U.c.person_id == person_id).order_by(U.c.id.desc())
    return [dict(r._mapping) for r in await conn.execute(stmt)]
