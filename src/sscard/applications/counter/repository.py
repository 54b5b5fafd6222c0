"""The person at the counter in one query: masked person, documents, photo flag, cards and
open application (SPEC ID-3, ID-6). The hottest read: every counter and hotline call starts here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    bindparam,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.applications.lifecycle import OPEN_STATUSES
from sscard.applications.models import applications
from sscard.cards.lifecycle import DEAD_HR_STATES
from sscard.cards.models import cards
from sscard.kernel.db import Row
from sscard.registry.models import identity_documents, person_photos, persons


def _json_rows(conn: AsyncConnection, fields: dict[str, Any], order: Any) -> Any:
    """A JSON array of objects, one per row, in whichever dialect the connection speaks."""
    # Keys are inlined (they are code constants) so the statement has only its one parameter.
    pairs: list[Any] = []
    for name, column in fields.items():
        pairs += [literal_column(f"'{name}'"), column]
    if conn.dialect.name == "postgresql":
        return func.json_agg(aggregate_order_by(func.json_build_object(*pairs), order), type_=JSON)
    return func.json_group_array(func.json_object(*pairs), type_=JSON)


CARD_FIELDS = [
    "card_number",
    "identification_code",
    "city_code",
    "bank_code",
    "generation",
    "spec_version",
    "issue_date",
    "expiry_date",
    "hr_status",
    "financial_status",
]


async def person_at_counter(
    conn: AsyncConnection, *, person_id: int | None = None, ssn_index: str | None = None
) -> Row | None:
    """A person with documents, photo flag, cards and open application, in one query.

    This is the hottest read (every counter and hotline call starts with it): one round trip,
    the related rows as JSON arrays, and the statement built once per dialect and key.
    """
    by = "id" if person_id is not None else "ssn_index"
    key = (conn.dialect.name, by)
    stmt = _COUNTER_STATEMENTS.get(key)
    if stmt is None:
        stmt = _COUNTER_STATEMENTS[key] = _person_at_counter_statement(conn, by)
    value = person_id if person_id is not None else ssn_index
    r = (await conn.execute(stmt, {"key": value})).first()
    return dict(r._mapping) if r else None


_COUNTER_STATEMENTS: dict[tuple[str, str], Any] = {}


def _person_at_counter_statement(conn: AsyncConnection, by: str) -> Any:
    p = persons.c
    has_photo = exists().where(person_photos.c.person_id == p.id)
    open_reference = (
        select(applications.c.reference)
        .where(
            applications.c.person_id == p.id,
            applications.c.status.in_([literal_column(f"'{s.value}'") for s in OPEN_STATUSES]),
        )
        .limit(literal_column("1"))
        .scalar_subquery()
    )
    d = identity_documents.c
    document_fields = {"type": d.doc_type, "number": d.number_masked, "valid_until": d.valid_until}
    documents = (
        select(_json_rows(conn, document_fields, d.id)).where(d.person_id == p.id).scalar_subquery()
    )
    card_fields = {**{f: cards.c[f] for f in CARD_FIELDS}, "account": cards.c.account_masked}
    card_rows = (
        select(_json_rows(conn, card_fields, cards.c.id))
        .where(cards.c.person_id == p.id)
        .scalar_subquery()
    )
    return select(
        p.id,
        p.person_code,
        p.name_masked,
        p.ssn_masked,
        p.gender,
        p.birth_date,
        p.category,
        p.nationality,
        p.city_code,
        p.phone_masked,
        p.civil_capacity,
        has_photo.label("has_photo"),
        open_reference.label("open_application"),
        documents.label("documents"),
        card_rows.label("cards"),
    ).where(p[by] == bindparam("key"))


async def photo_context(conn: AsyncConnection, person_id: int) -> tuple[bool, bool, list[Row]]:
    """(has a photo, holds a live card, open applications as {status, outlet_id}), one query."""
    has_photo = exists().where(person_photos.c.person_id == person_id)
    live = exists().where(
        cards.c.person_id == person_id,
        cards.c.hr_status.not_in([s.value for s in DEAD_HR_STATES]),
    )
    head = (await conn.execute(select(has_photo.label("p"), live.label("l")))).one()
    opened = select(applications.c.status, applications.c.outlet_id).where(
        applications.c.person_id == person_id,
        applications.c.status.in_([s.value for s in OPEN_STATUSES]),
    )
    rows = [dict(r._mapping) for r in await conn.execute(opened)]
    return bool(head.p), bool(head.l), rows
