"""Every query of a batch's progress and production (issue 13 item 8): the unit tables read
with the applications they hold, set-based."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.applications.lifecycle import ApplicationStatus
from sscard.applications.models import applications
from sscard.kernel.db import Row
from sscard.registry.reference.models import outlets
from sscard.units.models import batch_rows, unit_batches, units

ACCEPTED_ROW = "accepted"
_ROWS_APPLICATIONS = batch_rows.join(applications, applications.c.id == batch_rows.c.application_id)
REFUSED_ROW = "refused"

_BATCH = select(
    unit_batches,
    units.c.credit_code.label("unit_code"),
    units.c.name.label("unit_name"),
    outlets.c.code.label("outlet_code"),
    outlets.c.name_zh.label("outlet_name_zh"),
).select_from(
    unit_batches.join(units, units.c.id == unit_batches.c.unit_id).join(
        outlets, outlets.c.id == unit_batches.c.outlet_id
    )
)


async def batch_by_reference(conn: AsyncConnection, reference: str) -> Row | None:
    r = (await conn.execute(_BATCH.where(unit_batches.c.reference == reference))).first()
    return dict(r._mapping) if r else None


async def batches(
    conn: AsyncConnection,
    *,
    unit_code: str | None = None,
    city_code: str | None = None,
    outlet_id: int | None = None,
    in_production_queue: bool = False,
    after_id: int = 0,
    limit: int = 50,
) -> list[Row]:
    """Keyset-paged batches, oldest first; `in_production_queue`: only batches with a member
    whose card the centre has still to start, finish or deliver."""
    stmt = _BATCH.where(unit_batches.c.id > after_id)
    if unit_code is not None:
        stmt = stmt.where(units.c.credit_code == unit_code)
    if city_code is not None:
        stmt = stmt.where(unit_batches.c.city_code == city_code)
    if outlet_id is not None:
        stmt = stmt.where(unit_batches.c.outlet_id == outlet_id)
    if in_production_queue:
        waiting = [
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.IN_PRODUCTION,
            ApplicationStatus.PRODUCED,
        ]
        stmt = stmt.where(
            exists(
                select(1)
                .select_from(
                    batch_rows.join(applications, applications.c.id == batch_rows.c.application_id)
                )
                .where(
                    batch_rows.c.batch_id == unit_batches.c.id,
                    applications.c.status.in_([s.value for s in waiting]),
                )
            )
        )
    stmt = stmt.order_by(unit_batches.c.id).limit(limit)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def counts(conn: AsyncConnection, batch_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per batch: accepted members per application status, refused rows, and photos pending
    among members whose application is still open — one grouped query for all the batches."""
    out: dict[int, dict[str, Any]] = {
        b: {"by_status": {}, "refused": 0, "photos_pending": 0} for b in batch_ids
    }
    if not batch_ids:
        return out
    stmt = (
        select(
            batch_rows.c.batch_id,
            batch_rows.c.outcome,
            applications.c.status,
            batch_rows.c.photo_pending,
            func.count().label("n"),
        )
        .select_from(
            batch_rows.outerjoin(applications, applications.c.id == batch_rows.c.application_id)
        )
        .where(batch_rows.c.batch_id.in_(batch_ids))
        .group_by(
            batch_rows.c.batch_id,
            batch_rows.c.outcome,
            applications.c.status,
            batch_rows.c.photo_pending,
        )
    )
    for r in await conn.execute(stmt):
        entry = out[r.batch_id]
        if r.outcome != ACCEPTED_ROW or r.status is None:
            entry["refused"] += r.n
            continue
        entry["by_status"][r.status] = entry["by_status"].get(r.status, 0) + r.n
        if r.photo_pending and r.status == ApplicationStatus.ACCEPTED.value:
            entry["photos_pending"] += r.n
    return out


async def members(
    conn: AsyncConnection, batch_id: int, *, after_row: int = 0, limit: int = 100
) -> list[Row]:
    """The batch's rows in file order (keyset on the row number), masked, with the
    application's reference and status for an accepted row."""
    stmt = (
        select(
            batch_rows.c.id,
            batch_rows.c.row_number,
            batch_rows.c.outcome,
            batch_rows.c.name_masked,
            batch_rows.c.number_masked,
            batch_rows.c.photo_pending,
            batch_rows.c.refusal_code,
            batch_rows.c.refusal_zh,
            batch_rows.c.refusal_en,
            applications.c.reference.label("application_reference"),
            applications.c.status.label("application_status"),
        )
        .select_from(
            batch_rows.outerjoin(applications, applications.c.id == batch_rows.c.application_id)
        )
        .where(batch_rows.c.batch_id == batch_id, batch_rows.c.row_number > after_row)
        .order_by(batch_rows.c.row_number)
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


def application_ids(batch_id: int, *, photo_ready_only: bool = False) -> Select[Any]:
    """A SELECT of the batch's accepted members' application ids (for one set-based UPDATE);
    `photo_ready_only` leaves out members whose photo the unit still owes (APP-5)."""
    conditions = [
        batch_rows.c.batch_id == batch_id,
        batch_rows.c.outcome == ACCEPTED_ROW,
        batch_rows.c.application_id.is_not(None),
    ]
    if photo_ready_only:
        conditions.append(batch_rows.c.photo_pending.is_(False))
    return select(batch_rows.c.application_id).where(and_(*conditions))


async def photo_pending_waiting(conn: AsyncConnection, batch_id: int) -> int:
    """Accepted members still waiting for production whose photo the unit owes."""
    stmt = (
        select(func.count())
        .select_from(_ROWS_APPLICATIONS)
        .where(
            batch_rows.c.batch_id == batch_id,
            batch_rows.c.photo_pending.is_(True),
            applications.c.status == ApplicationStatus.ACCEPTED.value,
        )
    )
    return int((await conn.execute(stmt)).scalar_one())
