"""Every query of the statistics: the counters, their recount, and the live counts of open work.

Counters are added with one upsert per changed key; the dashboard's reads are ranges of an
index (see sscard.statistics.service for which).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Executable,
    Select,
    String,
    cast,
    delete,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.applications.lifecycle import ApplicationStatus as S
from sscard.applications.models import applications
from sscard.cards.lifecycle import CardEvent
from sscard.cards.models import cards
from sscard.platform.models import history
from sscard.statistics.models import statistics_daily as daily

OPEN = (S.ACCEPTED, S.IN_PRODUCTION, S.PRODUCED, S.READY_FOR_COLLECTION, S.MAILED, S.WITH_UNIT)
# SPEC APP-7 (applications.lifecycle.is_overdue): not yet at the outlet after the due date.
WAITING = (S.ACCEPTED, S.IN_PRODUCTION, S.PRODUCED)


class Key(NamedTuple):
    """One counter: a measure on a Beijing day, by city, bank, generation and channel."""

    measure: str
    day: date
    city_code: str
    bank_code: str
    generation: int = 0
    channel: str = ""


async def add(conn: AsyncConnection, counts: Mapping[Key, int]) -> None:
    """Add to the counters, creating the missing ones: one statement, keys in a fixed order so
    that two transactions counting the same keys never wait on each other crosswise."""
    rows = [{**key._asdict(), "n": n} for key, n in sorted(counts.items()) if n]
    if not rows:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(daily).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[c.name for c in daily.primary_key.columns],
        set_={"n": daily.c.n + stmt.excluded.n},
    )
    await conn.execute(stmt)


async def generations(conn: AsyncConnection, card_ids: Sequence[int]) -> dict[int, int]:
    """The generation of each card (by primary key)."""
    stmt = select(cards.c.id, cards.c.generation).where(cards.c.id.in_(card_ids))
    return {r.id: r.generation for r in await conn.execute(stmt)}


async def applications_of_cards(conn: AsyncConnection, card_ids: Sequence[int]) -> dict[int, Any]:
    """The application each card was made for: its city, bank and channel (by primary keys)."""
    a = applications.c
    stmt = (
        select(cards.c.id, a.city_code, a.bank_code, a.channel)
        .join(applications, a.id == cards.c.application_id)
        .where(cards.c.id.in_(card_ids))
    )
    return {r.id: r for r in await conn.execute(stmt)}


async def applications_by_id(conn: AsyncConnection, app_ids: Sequence[int]) -> dict[int, Any]:
    """City, bank and channel of applications (by primary key)."""
    a = applications.c
    stmt = select(a.id, a.city_code, a.bank_code, a.channel).where(a.id.in_(app_ids))
    return {r.id: r for r in await conn.execute(stmt)}


# ---- the dashboard's reads ----


# What the dashboard adds up, each measure by the dimensions it is shown by: `time` is the day
# (or month) of the period, the others a column of the counters.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "time": ("issued", "temporary_loss", "formal_loss", "unlock", "loss_lifted"),
    "city_code": ("issued",),
    "bank_code": ("issued",),
    "generation": ("issued",),
    "channel": ("accepted", "collected", "withdrawn"),
}


class Total(NamedTuple):
    """A sum of counters: the measure, the dimension it is by, the value of that dimension
    (as text: a day or month 'YYYY-MM-DD', a city, a bank, a generation, a channel) and n."""

    measure: str
    by: str
    key: str
    n: int


async def counted(
    conn: AsyncConnection,
    since: date,
    until: date,
    city: str | None,
    *,
    by_month: bool = False,
) -> list[Total]:
    """The counters from `since` to `until` (inclusive) added up in the database, each measure
    by the dimensions of BREAKDOWNS: one statement, a UNION ALL of grouped reads of a range of
    the primary key (measure, day, ...) per measure for the province, or of (city, measure, day)
    for one city. A few hundred sums cross to Python, whatever the number of counters."""
    d = daily.c
    dialect = conn.dialect.name
    parts = []
    for by, measures in BREAKDOWNS.items():
        column = (month_of(d.day, dialect) if by_month else d.day) if by == "time" else d[by]
        key = cast(column, String)
        part = (
            select(d.measure, literal(by).label("by"), key.label("key"), func.sum(d.n).label("n"))
            .where(d.measure.in_(measures), d.day >= since, d.day <= until)
            .group_by(d.measure, key)
        )
        parts.append(part.where(d.city_code == city) if city else part)
    rows = await conn.execute(union_all(*parts))
    return [Total(r.measure, r.by, r.key, int(r.n)) for r in rows]


def month_of(column: Any, dialect: str) -> ColumnElement[Any]:
    """The first day of a date's month, in SQL, read back as a date."""
    if dialect == "postgresql":
        return cast(func.date_trunc("month", column), Date)
    return type_coerce(func.strftime("%Y-%m-01", column), Date)


async def open_applications(conn: AsyncConnection, city: str | None) -> list[Any]:
    """Open applications by state and channel, now: the open states' range of
    ix_applications_status_due_date (the work in hand, never the collected millions)."""
    a = applications.c
    stmt = (
        select(a.status, a.channel, func.count().label("n"))
        .where(a.status.in_([s.value for s in OPEN]))
        .group_by(a.status, a.channel)
    )
    if city:
        stmt = stmt.where(a.city_code == city)
    return list(await conn.execute(stmt))


async def overdue(conn: AsyncConnection, today: date, city: str | None) -> list[Any]:
    """Overdue work (APP-7) by city and state: for each waiting state, the range of
    ix_applications_status_due_date before today."""
    a = applications.c
    stmt = (
        select(a.city_code, a.status, func.count().label("n"))
        .where(a.status.in_([s.value for s in WAITING]), a.due_date < today)
        .group_by(a.city_code, a.status)
    )
    if city:
        stmt = stmt.where(a.city_code == city)
    return list(await conn.execute(stmt))


async def due_unknown(conn: AsyncConnection, city: str | None) -> list[Any]:
    """Open work whose due date waits for a calendar year, by city: the non-null range of
    ix_applications_due_year_unknown (loading the year empties it)."""
    a = applications.c
    stmt = (
        select(a.city_code, func.count().label("n"))
        .where(a.due_year_unknown.is_not(None), a.status.in_([s.value for s in OPEN]))
        .group_by(a.city_code)
    )
    if city:
        stmt = stmt.where(a.city_code == city)
    return list(await conn.execute(stmt))


# ---- the recount from what is stored ----

# The hr transitions counted, by the event their history row names (collection's is
# "hr_activated", cards.service.activate_hr_on_collection).
CARD_MEASURES = {
    "collected": "hr_activated",
    "temporary_loss": CardEvent.REPORT_TEMPORARY_LOSS.value,
    "formal_loss": CardEvent.REPORT_FORMAL_LOSS.value,
    "unlock": CardEvent.UNLOCK.value,
    "loss_lifted": CardEvent.LIFT_TEMPORARY_LOSS.value,
}


def beijing_day(column: Any, dialect: str) -> ColumnElement[Any]:
    """The Beijing business date of a UTC moment, in SQL (kernel.clock.business_date)."""
    if dialect == "postgresql":
        return cast(func.timezone("Asia/Shanghai", column), Date)
    return func.date(column, "+8 hours")  # SQLite keeps UTCDateTime as naive UTC text


def recount_statements(dialect: str) -> list[Executable]:
    """Every counter computed again from the cards, applications and history: one set-based
    INSERT ... SELECT per measure after emptying the table. Used by the migration that made the
    table (backfill) and by `rebuild`. A card moved to another city since is counted in its
    city of today; the subscribers count it where it was at the moment."""
    c, a, h = cards.c, applications.c, history.c
    names = [col.name for col in daily.columns]
    issued = (
        select(
            literal("issued"),
            c.issue_date,
            a.city_code,
            c.bank_code,
            c.generation,
            literal(""),
            func.count(),
        )
        .join_from(cards, applications, a.id == c.application_id)
        .group_by(c.issue_date, a.city_code, c.bank_code, c.generation)
    )
    statements: list[Executable] = [delete(daily), daily.insert().from_select(names, issued)]
    day = beijing_day(h.at, dialect)
    for measure, event in CARD_MEASURES.items():
        # Collections count by the application's channel (ISS-3: at the applying outlet);
        # the other changes by the channel that made them.
        channel = a.channel if measure == "collected" else h.channel
        rows = (
            select(
                literal(measure), day, c.city_code, c.bank_code, literal(0), channel, func.count()
            )
            .join_from(history, cards, c.id == h.entity_id)
            .join(applications, a.id == c.application_id)
            .where(h.entity == "card", h.event == event)
            .group_by(day, c.city_code, c.bank_code, channel)
        )
        statements.append(daily.insert().from_select(names, rows))
    withdrawn_day = beijing_day(a.withdrawn_at, dialect)
    withdrawn = (
        select(
            literal("withdrawn"),
            withdrawn_day,
            a.city_code,
            a.bank_code,
            literal(0),
            a.channel,
            func.count(),
        )
        .where(a.status == S.WITHDRAWN.value, a.withdrawn_at.is_not(None))
        .group_by(withdrawn_day, a.city_code, a.bank_code, a.channel)
    )
    statements.append(daily.insert().from_select(names, withdrawn))
    statements.append(daily.insert().from_select(names, accepted_rows(dialect)))
    return statements


def accepted_rows(dialect: str) -> Select[Any]:
    """Applications accepted, counted from the applications by Beijing day of acceptance,
    city, bank and channel (what the ApplicationAccepted subscriber adds up as they come)."""
    a = applications.c
    day = beijing_day(a.accepted_at, dialect)
    return (
        select(
            literal("accepted"), day, a.city_code, a.bank_code, literal(0), a.channel, func.count()
        )
        .where(a.accepted_at.is_not(None))
        .group_by(day, a.city_code, a.bank_code, a.channel)
    )


async def recount(conn: AsyncConnection) -> int:
    """Count everything again (full scans: an operator's repair, never a page view)."""
    for stmt in recount_statements(conn.dialect.name):
        await conn.execute(stmt)
    total = await conn.execute(select(func.count()).select_from(daily))
    return int(total.scalar_one())
