"""Every query for applications."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import (
    and_,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.applications.lifecycle import OPEN_STATUSES, ApplicationInProgress, ApplicationStatus
from sscard.applications.models import (
    OPEN_WHERE,
    applications,
    deliveries,
    representatives,
    waybills,
)
from sscard.cards.models import cards
from sscard.kernel.db import Row, copy_in, serial_ids
from sscard.kernel.errors import Conflict, DomainError
from sscard.registry.models import persons
from sscard.registry.reference.models import outlets

_VIEW = select(
    applications,
    outlets.c.code.label("outlet_code"),
    outlets.c.name_zh.label("outlet_name_zh"),
    persons.c.name_masked.label("person_name_masked"),
    persons.c.ssn_masked.label("person_ssn_masked"),
    cards.c.id.label("card_id"),
    deliveries.c.mode.label("delivery_mode"),
    deliveries.c.tracking_number,
).select_from(
    applications.join(persons, persons.c.id == applications.c.person_id)
    .outerjoin(outlets, outlets.c.id == applications.c.outlet_id)
    .outerjoin(cards, cards.c.application_id == applications.c.id)
    .outerjoin(deliveries, deliveries.c.application_id == applications.c.id)
)


async def insert_application(conn: AsyncConnection, values: Row) -> int:
    """Insert; a concurrent open application for the same person is refused (SPEC ID-3)."""
    stmt = insert(applications).values(**values).returning(applications.c.id)
    try:
        async with conn.begin_nested():
            return int((await conn.execute(stmt)).scalar_one())
    except IntegrityError:
        pending = await open_application_of(conn, values["person_id"])
        if pending is None:
            raise
        raise ApplicationInProgress(field="person_id", reference=pending["reference"]) from None


async def insert_representative(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(insert(representatives).values(**values))


async def get_by_reference(conn: AsyncConnection, reference: str) -> Row | None:
    r = (await conn.execute(_VIEW.where(applications.c.reference == reference))).first()
    return dict(r._mapping) if r else None


async def get(conn: AsyncConnection, application_id: int) -> Row | None:
    r = (await conn.execute(_VIEW.where(applications.c.id == application_id))).first()
    return dict(r._mapping) if r else None


async def open_application_of(conn: AsyncConnection, person_id: int) -> Row | None:
    stmt = select(applications.c.id, applications.c.reference, applications.c.kind).where(
        and_(
            applications.c.person_id == person_id,
            applications.c.status.in_([s.value for s in OPEN_STATUSES]),
        )
    )
    r = (await conn.execute(stmt.limit(1))).first()
    return dict(r._mapping) if r else None


async def insert_delivery(conn: AsyncConnection, values: Row) -> None:
    """How an online application's card reaches its holder (APP-4): one row per application."""
    await conn.execute(insert(deliveries).values(**values))


async def delivery_of(conn: AsyncConnection, application_id: int) -> Row | None:
    stmt = select(deliveries).where(deliveries.c.application_id == application_id)
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def update_delivery(conn: AsyncConnection, application_id: int, values: Row) -> None:
    """Record on the delivery the waybill in use, the delivery or the return."""
    stmt = update(deliveries).where(deliveries.c.application_id == application_id).values(**values)
    await conn.execute(stmt)


async def record_waybill(
    conn: AsyncConnection, application_id: int, number: str, at: datetime
) -> None:
    """A waybill handed to EMS with the card; a number ever recorded before, for this card or
    another, returned or not, is refused (TrackingNumberInUse)."""
    stmt = insert(waybills).values(
        tracking_number=number, application_id=application_id, sent_at=at
    )
    try:
        async with conn.begin_nested():
            await conn.execute(stmt)
    except IntegrityError:
        raise TrackingNumberInUse(field="tracking_number") from None


async def close_waybill(conn: AsyncConnection, number: str, values: Row) -> None:
    """The waybill's end: delivered_at or returned_at."""
    await conn.execute(
        update(waybills).where(waybills.c.tracking_number == number).values(**values)
    )


class TrackingNumberInUse(DomainError):
    code = "tracking_number_in_use"
    status = 409
    rule = "APP-4"
    message_zh = "该EMS邮件号已使用过（一个邮件号只用于一次寄送，退回的也不再使用）"
    message_en = "This EMS waybill number has been used before (one mailing each, returned or not)"


async def representative_of(conn: AsyncConnection, application_id: int) -> Row | None:
    stmt = select(representatives).where(representatives.c.application_id == application_id)
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def move(
    conn: AsyncConnection,
    app: Row,
    to: ApplicationStatus,
    at: Any,
    **values: Any,
) -> Row:
    """Compare-and-set transition: refused as a conflict if anyone moved the application first."""
    stmt = (
        update(applications)
        .where(
            applications.c.id == app["id"],
            applications.c.version == app["version"],
            applications.c.status == app["status"],
        )
        .values(status=to.value, version=app["version"] + 1, updated_at=at, **values)
    )
    if (await conn.execute(stmt)).rowcount != 1:
        raise Conflict(field="reference")
    return {**app, **values, "status": to.value, "version": app["version"] + 1, "updated_at": at}


async def search(
    conn: AsyncConnection,
    *,
    city_code: str | None = None,
    outlet_id: int | None = None,
    person_id: int | None = None,
    status: str | None = None,
    overdue_on: date | None = None,
    due_unknown: bool = False,
    delivery_mode: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[Row]:
    """Keyset-paged listing; every filter is served by an index (the delivery by its key)."""
    stmt = _VIEW.where(applications.c.id > after_id)
    if delivery_mode:
        stmt = stmt.where(deliveries.c.mode == delivery_mode)
    if city_code:
        stmt = stmt.where(applications.c.city_code == city_code)
    if outlet_id:
        stmt = stmt.where(applications.c.outlet_id == outlet_id)
    if person_id:
        stmt = stmt.where(applications.c.person_id == person_id)
    if status:
        stmt = stmt.where(applications.c.status == status)
    if overdue_on:
        waiting = [
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.IN_PRODUCTION,
            ApplicationStatus.PRODUCED,
        ]
        stmt = stmt.where(
            applications.c.status.in_([s.value for s in waiting]),
            applications.c.due_date < overdue_on,
        )
    if due_unknown:
        stmt = stmt.where(applications.c.due_year_unknown.is_not(None))
    stmt = stmt.order_by(applications.c.id).limit(limit)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def pending_due_groups(conn: AsyncConnection, year: int) -> list[Row]:
    """(city, accepted_on, making) groups whose due date waits for the given calendar year."""
    stmt = (
        select(applications.c.city_code, applications.c.accepted_on, applications.c.making)
        .where(applications.c.due_year_unknown == year)
        .group_by(applications.c.city_code, applications.c.accepted_on, applications.c.making)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def set_due_for_group(
    conn: AsyncConnection, group: Row, year: int, due: date | None, unknown: int | None
) -> int:
    stmt = (
        update(applications)
        .where(
            applications.c.city_code == group["city_code"],
            applications.c.accepted_on == group["accepted_on"],
            applications.c.making == group["making"],
            applications.c.due_year_unknown == year,
        )
        .values(due_date=due, due_year_unknown=unknown)
    )
    return (await conn.execute(stmt)).rowcount


RENEWAL_KINDS = ("replacement", "exchange")


async def renewals_since(conn: AsyncConnection, person_id: int, since: Any) -> int:
    """REP-5: the person's replacements and exchanges accepted since a moment."""
    stmt = select(func.count()).where(
        applications.c.person_id == person_id,
        applications.c.kind.in_(RENEWAL_KINDS),
        applications.c.accepted_at >= since,
    )
    return int((await conn.execute(stmt)).scalar_one())


async def open_applications_of(conn: AsyncConnection, person_id: int) -> list[Row]:
    """The person's applications still in progress (SPEC CAN-2), by the open-application index."""
    stmt = (
        select(applications.c.reference, applications.c.kind, applications.c.status)
        .where(applications.c.person_id == person_id, OPEN_WHERE)
        .order_by(applications.c.id)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def replacing(conn: AsyncConnection, card_id: int) -> Row | None:
    """The application that replaces or exchanges the card (at most one: a unique column)."""
    stmt = select(applications.c.reference, applications.c.status).where(
        applications.c.replaces_card_id == card_id
    )
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


# ---- unit batches (issue 13, units.production and units.collection): set-based moves ----


async def move_all(
    conn: AsyncConnection,
    among: Any,
    from_status: ApplicationStatus,
    to: ApplicationStatus,
    at: Any,
) -> list[int]:
    """One UPDATE moving every application whose id `among` (a SELECT of ids) selects and that
    is still in `from_status`; the ids moved. Whatever another transaction moved first is left
    out (the status condition), never moved twice."""
    stmt = (
        update(applications)
        .where(applications.c.id.in_(among), applications.c.status == from_status.value)
        .values(status=to.value, version=applications.c.version + 1, updated_at=at)
        .returning(applications.c.id)
    )
    return sorted(int(i) for i in (await conn.execute(stmt)).scalars())


async def all_among(
    conn: AsyncConnection, among: Any, status: ApplicationStatus, limit: int | None = None
) -> list[Row]:
    """The applications (as `get` answers them) whose id `among` selects, in `status`, by id;
    at most `limit` of them."""
    stmt = _VIEW.where(applications.c.id.in_(among), applications.c.status == status.value)
    stmt = stmt.order_by(applications.c.id).limit(limit)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


# ---- unit batch acceptance (issue 13, APP-3; added by the unit channel): bulk inserts ----


async def reference_values(conn: AsyncConnection, count: int) -> list[int]:
    """`count` values of the application reference sequence in one statement (PostgreSQL's
    database sequence, or one reservation of SQLite's sequence row)."""
    # Imported here: this section is appended to a module whose imports belong to its owner.
    from sqlalchemy import text

    from sscard.platform.sequences import take

    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        stmt = text("SELECT nextval('seq_application_reference') FROM generate_series(1, :n)")
        return [int(v) for v in (await conn.execute(stmt, {"n": count})).scalars()]
    return list(await take(conn, "application_reference", count))


async def insert_applications(conn: AsyncConnection, rows: Iterable[Row], most: int) -> list[int]:
    """Insert the applications `rows` yields (a generator of at most `most`); their ids in the
    order of `rows`. On PostgreSQL `most` ids are taken from the table's sequence and the rows
    streamed by COPY as they are built (an id not used is a gap); elsewhere multi-row INSERTs
    return them. The open-application index refuses them all if one person gained an open
    application meanwhile (Conflict: the unit of work rolls back, the batch can run again)."""
    if conn.dialect.name == "postgresql":
        from asyncpg.exceptions import UniqueViolationError

        ids = await serial_ids(conn, applications, most)
        used = 0

        def with_ids() -> Iterator[Row]:
            nonlocal used
            for r in rows:
                yield {"id": ids[used], **r}
                used += 1

        try:
            await copy_in(conn, applications, with_ids())
        except UniqueViolationError:
            raise Conflict(field="file") from None
        return ids[:used]
    found: list[int] = []
    stmt = insert(applications).returning(applications.c.id, sort_by_parameter_order=True)
    it = iter(rows)
    try:
        while chunk := list(islice(it, 2_000)):
            result = await conn.execute(stmt, chunk)
            found += [int(i) for i in result.scalars()]
    except IntegrityError:
        raise Conflict(field="file") from None
    return found


async def insert_representatives(conn: AsyncConnection, rows: Iterable[Row]) -> None:
    await copy_in(conn, representatives, rows)


async def insert_history(conn: AsyncConnection, rows: Iterable[Row]) -> None:
    """History rows (SPEC CH-2) built as platform.history.record builds them, COPYed in bulk."""
    from sscard.platform.models import history

    await copy_in(conn, history, rows)
