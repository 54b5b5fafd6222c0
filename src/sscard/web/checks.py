"""Preconditions before a form is sent, from the very use case the API runs (issue 12).

No rule is written twice: to tell a clerk what stands in the way of a procedure, the page runs
the procedure's own use case with what the form holds so far (or sensible defaults) in a
transaction that is always rolled back, and shows the refusal it raised, if any. Nothing a dry
run does is kept: not the change, not its events, not the access-log line of its reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import Request

from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.web.session import runtime

UseCase = Callable[[Ctx], Awaitable[Any]]


class _RolledBack(Exception):
    """Raised at the end of a dry run so that its unit of work rolls back."""


async def dry_run(request: Request, actor: Actor, use_case: UseCase) -> DomainError | None:
    """The refusal `use_case` raises for `actor` now, or None if it would go through.
    Only refusals are caught; any other failure propagates (it is a fault, not a rule)."""
    try:
        async with runtime(request).unit(actor) as ctx:
            await use_case(ctx)
            raise _RolledBack
    except _RolledBack:
        return None
    except DomainError as refusal:
        return refusal


async def preconditions(
    request: Request, actor: Actor, procedures: Mapping[str, UseCase]
) -> dict[str, DomainError | None]:
    """Dry-run several procedures in one transaction, each in a savepoint rolled back after
    it (one connection and one BEGIN for a page's worth of checks): name → refusal or None."""
    found: dict[str, DomainError | None] = {}
    try:
        async with runtime(request).unit(actor) as ctx:
            found = await preconditions_within(ctx, procedures)
            raise _RolledBack
    except _RolledBack:
        return found


async def preconditions_within(
    ctx: Ctx, procedures: Mapping[str, UseCase]
) -> dict[str, DomainError | None]:
    """The same dry runs inside a unit the page already holds (its reads and the checks in
    one transaction): each in a savepoint rolled back after it, so nothing a dry run did stays
    in the unit, not even the access-log line of a read the page had not made itself."""
    return {name: await _in_savepoint(ctx, case) for name, case in procedures.items()}


async def _in_savepoint(ctx: Ctx, use_case: UseCase) -> DomainError | None:
    logged = set(ctx.logged)
    try:
        async with ctx.conn.begin_nested():
            await use_case(ctx)
            raise _RolledBack
    except _RolledBack:
        return None
    except DomainError as refusal:
        return refusal
    finally:
        ctx.logged.intersection_update(logged)  # the savepoint's log lines are gone
