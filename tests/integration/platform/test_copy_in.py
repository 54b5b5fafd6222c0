"""Bulk inserts (kernel.db.copy_in): many rows from a generator, in several COPY statements on
PostgreSQL, all or nothing with the unit of work (issue 13: "a batch interrupted by a crash is
either all there or resumable")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from sscard.kernel.actor import OPERATOR
from sscard.kernel.db import COPY_ROWS, copy_in
from sscard.kernel.runtime import Runtime
from sscard.platform.models import history
from tests.support.api import Api

ROWS = COPY_ROWS * 2 + 5  # three statements on PostgreSQL, the last one short


def history_rows(rt: Runtime, count: int, fail_at: int | None = None) -> Iterator[dict[str, Any]]:
    now = rt.clock.now()
    for n in range(count):
        if n == fail_at:
            raise RuntimeError("the process building the rows fails here")
        yield {
            "entity": "application",
            "entity_id": n + 1,
            "event": "accepted",
            "from_state": None,
            "to_state": "accepted",
            "actor_id": None,
            "role": "operator",
            "channel": "system",
            "outlet_id": None,
            "at": now,
            "reason": None,
        }


async def stored(rt: Runtime) -> tuple[int, int]:
    async with rt.unit(OPERATOR, readonly=True) as ctx:
        q = select(func.count(), func.coalesce(func.sum(history.c.entity_id), 0))
        count, total = (await ctx.conn.execute(q)).one()
    return int(count), int(total)


async def test_every_row_of_a_generator_is_stored(api: Api) -> None:
    async with api.rt.unit(OPERATOR) as ctx:
        await copy_in(ctx.conn, history, history_rows(api.rt, ROWS))
    assert await stored(api.rt) == (ROWS, ROWS * (ROWS + 1) // 2)


async def test_a_failure_while_building_stores_nothing(api: Api) -> None:
    with pytest.raises(RuntimeError):
        async with api.rt.unit(OPERATOR) as ctx:
            await copy_in(ctx.conn, history, history_rows(api.rt, ROWS, fail_at=COPY_ROWS + 7))
    assert await stored(api.rt) == (0, 0)
    # the connection went back to the pool clean: the next unit of work stores as usual
    async with api.rt.unit(OPERATOR) as ctx:
        await copy_in(ctx.conn, history, history_rows(api.rt, 3))
    assert await stored(api.rt) == (3, 6)


async def test_nothing_to_store_is_no_statement(api: Api) -> None:
    async with api.rt.unit(OPERATOR) as ctx:
        await copy_in(ctx.conn, history, iter(()))
    assert await stored(api.rt) == (0, 0)
