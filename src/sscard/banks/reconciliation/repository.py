"""Every query of reconciliation: runs, staged statement lines, differences, set-based repairs.

Differences are filed with one INSERT .. SELECT per kind, joining the run's staged lines to the
bank's cards; each kind's repair is a CASE built from the rules table (rules.py), so
the SQL decides exactly as `decide()` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement, FromClause

from sscard.applications.models import applications
from sscard.banks.reconciliation.models import (
    reconciliation_differences,
    reconciliation_lines,
    reconciliation_runs,
)
from sscard.banks.reconciliation.rules import RULES, Fact, Kind, Repair
from sscard.cards.cancellation.models import cancellations
from sscard.cards.lifecycle import DEAD_HR_STATES, FinancialStatus, HrStatus
from sscard.cards.models import cards
from sscard.kernel.db import Row
from sscard.platform.outbox.models import delivery_endpoints, outbox
from sscard.platform.outbox.protocol import OutboxStatus
from sscard.registry.reference.models import banks

L, D, RUNS, C = reconciliation_lines, reconciliation_differences, reconciliation_runs, cards
DEAD = sorted(s.value for s in DEAD_HR_STATES)
CLOSED = FinancialStatus.CLOSED.value
REQUESTED = FinancialStatus.ACCOUNT_REQUESTED.value
RUNNING, FINISHED, FAILED = "running", "finished", "failed"


# ---- runs ----


async def lock_bank(conn: AsyncConnection, bank_code: str) -> bool:
    """The bank row, locked (PostgreSQL) so two starts for one bank take turns; False if none.

    FOR NO KEY UPDATE: cards being inserted for the bank (a key share on it) do not wait.
    """
    stmt = select(banks.c.code).where(banks.c.code == bank_code).with_for_update(key_share=True)
    return (await conn.execute(stmt)).first() is not None


async def statement_url(conn: AsyncConnection, bank_code: str) -> str | None:
    e = delivery_endpoints
    stmt = select(e.c.statement_url).where(e.c.recipient == bank_code)
    url: str | None = (await conn.execute(stmt)).scalar_one_or_none()
    return url


async def banks_with_statement(conn: AsyncConnection) -> list[str]:
    e = delivery_endpoints
    stmt = (
        select(e.c.recipient)
        .join(banks, banks.c.code == e.c.recipient)
        .where(e.c.statement_url.is_not(None))
        .order_by(e.c.recipient)
    )
    return [r[0] for r in await conn.execute(stmt)]


async def runs_of(conn: AsyncConnection, bank_code: str, status: str) -> list[Row]:
    stmt = select(RUNS).where(RUNS.c.bank_code == bank_code, RUNS.c.status == status)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def started_since(
    conn: AsyncConnection, bank_code: str, statuses: Sequence[str], since: datetime
) -> bool:
    stmt = select(RUNS.c.id).where(
        RUNS.c.bank_code == bank_code, RUNS.c.status.in_(statuses), RUNS.c.started_at >= since
    )
    return (await conn.execute(stmt.limit(1))).first() is not None


async def insert_run(conn: AsyncConnection, values: Row) -> int:
    stmt = insert(RUNS).values(**values).returning(RUNS.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def change_run(conn: AsyncConnection, run_id: int, **values: Any) -> None:
    await conn.execute(update(RUNS).where(RUNS.c.id == run_id).values(**values))


async def get_run(conn: AsyncConnection, run_id: int) -> Row | None:
    row = (await conn.execute(select(RUNS).where(RUNS.c.id == run_id))).first()
    return dict(row._mapping) if row else None


async def list_runs(conn: AsyncConnection, bank_code: str, before: int, limit: int) -> list[Row]:
    """Newest first; `before` is the smallest id already shown (0: from the newest)."""
    stmt = select(RUNS).where(RUNS.c.bank_code == bank_code)
    if before:
        stmt = stmt.where(RUNS.c.id < before)
    stmt = stmt.order_by(RUNS.c.id.desc()).limit(limit)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


# ---- staged lines ----


async def stage(conn: AsyncConnection, rows: list[Row]) -> None:
    await conn.execute(insert(L), rows)


async def staged_among(conn: AsyncConnection, run_id: int, numbers: list[str]) -> set[str]:
    stmt = select(L.c.card_number).where(L.c.run_id == run_id, L.c.card_number.in_(numbers))
    return {r[0] for r in await conn.execute(stmt)}


async def delete_lines(conn: AsyncConnection, run_id: int) -> None:
    await conn.execute(delete(L).where(L.c.run_id == run_id))


async def registry_rows(conn: AsyncConnection, bank_code: str, as_of: datetime) -> int:
    stmt = select(func.count()).where(C.c.bank_code == bank_code, C.c.created_at <= as_of)
    return int((await conn.execute(stmt)).scalar_one())


# ---- filing differences ----


def _facts(as_of: datetime) -> dict[Fact, ColumnElement[bool]]:
    """Each fact of the rules table as a condition on the card row `cards`."""
    key = literal("card:", String) + cast(C.c.id, String)
    replacement, new = applications.alias("replacement"), cards.alias("new_card")

    def message(status: OutboxStatus) -> ColumnElement[bool]:
        return exists().where(outbox.c.ordering_key == key, outbox.c.status == status.value)

    return {
        Fact.CHANGED_AFTER_STATEMENT: C.c.updated_at > as_of,
        Fact.MESSAGE_FAILED: message(OutboxStatus.FAILED),
        Fact.MESSAGE_PENDING: message(OutboxStatus.PENDING),
        Fact.ACCOUNT_REQUESTED: C.c.financial_status == REQUESTED,
        Fact.CANCELLED: C.c.hr_status == HrStatus.CANCELLED.value,
        Fact.SUPERSEDED: C.c.hr_status == HrStatus.SUPERSEDED.value,
        Fact.CLOSURE_NOTICE: exists().where(cancellations.c.card_id == C.c.id),
        Fact.NEW_CARD_HANDED_OVER: exists().where(
            replacement.c.replaces_card_id == C.c.id,
            new.c.application_id == replacement.c.id,
            new.c.hr_status != HrStatus.PRODUCED.value,
        ),
        Fact.OTHER_BANKS_CARD: C.c.id.is_not(None),
    }


def _decision(
    kind: Kind, facts: dict[Fact, ColumnElement[bool]]
) -> tuple[ColumnElement[str], ColumnElement[str]]:
    """The kind's steps as two CASEs: the repair and the note of the first step that holds."""
    *conditional, last = RULES[kind].steps
    if not conditional:
        return literal(last.repair.value), literal(last.note)
    conditions = [and_(*(facts[f] for f in step.when)) for step in conditional]
    repair = case(
        *((c, literal(s.repair.value)) for c, s in zip(conditions, conditional, strict=True)),
        else_=literal(last.repair.value),
    )
    note = case(
        *((c, literal(s.note)) for c, s in zip(conditions, conditional, strict=True)),
        else_=literal(last.note),
    )
    return repair, note


async def file_differences(
    conn: AsyncConnection, run_id: int, bank_code: str, as_of: datetime, grace: timedelta
) -> None:
    """Every difference between the run's lines and the bank's cards, one statement per kind."""
    line = L.c.run_id == run_id
    joined = L.join(C, and_(C.c.card_number == L.c.card_number, C.c.bank_code == bank_code))
    no_account = and_(C.c.account_index.is_(None), C.c.account_masked.is_(None))
    # Rows recorded before the account index existed have only the masked number to compare.
    same_account = or_(
        C.c.account_index == L.c.account_index,
        and_(C.c.account_index.is_(None), C.c.account_masked == L.c.account_masked),
    )
    other_account = or_(
        and_(C.c.account_index.is_not(None), C.c.account_index != L.c.account_index),
        and_(
            C.c.account_index.is_(None),
            C.c.account_masked.is_not(None),
            C.c.account_masked != L.c.account_masked,
        ),
    )
    alive = C.c.hr_status.not_in(DEAD)
    bank_closed = L.c.financial_status == CLOSED
    listed = exists().where(L.c.run_id == run_id, L.c.card_number == C.c.card_number)
    waited_long = and_(alive, C.c.created_at <= as_of - grace)
    queries: list[tuple[Kind, FromClause, ColumnElement[bool], Any, Any, Any]] = [
        (
            Kind.UNKNOWN_CARD_AT_BANK,
            L.outerjoin(C, C.c.card_number == L.c.card_number),
            and_(line, or_(C.c.id.is_(None), C.c.bank_code != bank_code)),
            L.c.card_number,
            C.c.bank_code,
            L.c.financial_status,
        ),
        (
            Kind.ACCOUNT_MISSING_IN_REGISTRY,
            joined,
            and_(line, no_account),
            L.c.card_number,
            C.c.financial_status,
            L.c.financial_status,
        ),
        (
            Kind.ACCOUNT_NUMBER_DIFFERS,
            joined,
            and_(line, other_account),
            L.c.card_number,
            C.c.account_masked,
            L.c.account_masked,
        ),
        (
            Kind.CLOSED_AT_BANK_BUT_CARD_ALIVE,
            joined,
            and_(line, same_account, bank_closed, alive, C.c.financial_status != CLOSED),
            L.c.card_number,
            C.c.financial_status,
            L.c.financial_status,
        ),
        (
            Kind.FINANCIAL_STATUS_DIFFERS,
            joined,
            and_(
                line,
                same_account,
                C.c.financial_status != L.c.financial_status,
                or_(~bank_closed, ~alive),
            ),
            L.c.card_number,
            C.c.financial_status,
            L.c.financial_status,
        ),
        (
            Kind.CLOSURE_PENDING_AT_BANK,
            joined,
            and_(line, ~alive, ~bank_closed),
            L.c.card_number,
            C.c.hr_status,
            L.c.financial_status,
        ),
        (
            Kind.ACCOUNT_MISSING_AT_BANK,
            C,
            and_(
                C.c.bank_code == bank_code,
                C.c.created_at <= as_of,
                ~listed,
                C.c.financial_status != CLOSED,
                or_(C.c.financial_status != REQUESTED, waited_long),
            ),
            C.c.card_number,
            C.c.financial_status,
            null(),
        ),
    ]
    facts = _facts(as_of)
    columns = ["run_id", "card_number", "kind", "registry_value", "bank_value", "repair", "detail"]
    for kind, source, where, number, registry_value, bank_value in queries:
        repair, note = _decision(kind, facts)
        chosen = select(
            literal(run_id), number, literal(kind.value), registry_value, bank_value, repair, note
        )
        await conn.execute(insert(D).from_select(columns, chosen.select_from(source).where(where)))


# ---- repairs ----


async def differences_with(
    conn: AsyncConnection, run_id: int, repair: Repair, after: int, limit: int
) -> list[Row]:
    stmt = (
        select(D)
        .where(D.c.run_id == run_id, D.c.repair == repair.value, D.c.id > after)
        .order_by(D.c.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def numbers_of(conn: AsyncConnection, run_id: int, kind: Kind, repair: Repair) -> set[str]:
    stmt = select(D.c.card_number).where(
        D.c.run_id == run_id, D.c.kind == kind.value, D.c.repair == repair.value
    )
    return {r[0] for r in await conn.execute(stmt)}


async def defer(conn: AsyncConnection, difference_ids: list[int], note: str) -> None:
    if difference_ids:
        stmt = (
            update(D)
            .where(D.c.id.in_(difference_ids))
            .values(repair=Repair.DEFERRED.value, detail=note)
        )
        await conn.execute(stmt)


async def resend_page(conn: AsyncConnection, run_id: int, after: int, limit: int) -> list[Row]:
    """The differences to answer with a message, with what each message needs."""
    origin = applications.alias("origin")
    replacement, new = applications.alias("replacement"), cards.alias("new_card")
    x = cancellations
    source = (
        D.join(C, C.c.card_number == D.c.card_number)
        .join(origin, origin.c.id == C.c.application_id)
        .outerjoin(x, x.c.card_id == C.c.id)
        .outerjoin(replacement, replacement.c.replaces_card_id == C.c.id)
        .outerjoin(new, new.c.application_id == replacement.c.id)
    )
    stmt = (
        select(
            D.c.id.label("difference_id"),
            D.c.kind,
            C.c.id.label("card_id"),
            C.c.card_number,
            C.c.person_id,
            C.c.bank_code,
            C.c.city_code,
            C.c.hr_status,
            C.c.financial_status,
            origin.c.reference.label("application_reference"),
            x.c.reference.label("notice_reference"),
            x.c.reason,
            x.c.notice_issued_at,
            new.c.id.label("new_card_id"),
            new.c.card_number.label("new_card_number"),
            new.c.person_id.label("new_person_id"),
            new.c.bank_code.label("new_bank_code"),
            new.c.city_code.label("new_city_code"),
            new.c.hr_status.label("new_hr_status"),
        )
        .select_from(source)
        .where(D.c.run_id == run_id, D.c.repair == Repair.RESENT.value, D.c.id > after)
        .order_by(D.c.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


# ---- reading the report ----


async def tally(conn: AsyncConnection, run_id: int) -> list[Row]:
    stmt = (
        select(D.c.kind, D.c.repair, func.count().label("count"))
        .where(D.c.run_id == run_id)
        .group_by(D.c.kind, D.c.repair)
        .order_by(D.c.kind, D.c.repair)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def differences_page(
    conn: AsyncConnection,
    run_id: int,
    kind: str | None,
    repair: str | None,
    after: int,
    limit: int,
) -> list[Row]:
    stmt = select(D).where(D.c.run_id == run_id, D.c.id > after)
    if kind is not None:
        stmt = stmt.where(D.c.kind == kind)
    if repair is not None:
        stmt = stmt.where(D.c.repair == repair)
    stmt = stmt.order_by(D.c.id).limit(limit)
    return [dict(r._mapping) for r in await conn.execute(stmt)]
