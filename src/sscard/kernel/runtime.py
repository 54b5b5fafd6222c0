"""The running service's parts, built once from Settings: engine, clock, vault; units of work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sscard.kernel.actor import Actor
from sscard.kernel.clock import AdjustableClock, Clock, SystemClock
from sscard.kernel.config import Settings
from sscard.kernel.crypto import Vault, load_or_create_key
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import make_engine, transaction
from sscard.kernel.models import settings as settings_table
from sscard.kernel.upsert import insert_rows

CLOCK_OFFSET_KEY = "clock_offset_seconds"


class Runtime:
    def __init__(self, settings: Settings, engine: AsyncEngine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url)
        # PostgreSQL reads go through their own autocommit pool; SQLite has one engine.
        self.read_engine = (
            self.engine
            if settings.is_sqlite or engine is not None
            else make_engine(settings.database_url, pool_size=8, autocommit=True)
        )
        self.clock: Clock = AdjustableClock() if settings.adjustable_clock else SystemClock()
        self._write_lock = asyncio.Lock() if settings.is_sqlite else None
        self.vault = Vault(load_or_create_key(settings.data_key_file, settings.data_key_hex))

    @asynccontextmanager
    async def unit(self, actor: Actor, *, readonly: bool = False) -> AsyncIterator[Ctx]:
        """One transaction with the actor and one "now" for everything done in it."""
        engine = self.read_engine if readonly else self.engine
        async with self._writer(readonly), transaction(engine, readonly=readonly) as conn:
            await self._sync_clock(conn)
            yield Ctx(conn=conn, actor=actor, now=self.clock.now(), vault=self.vault)

    def _writer(self, readonly: bool) -> AbstractAsyncContextManager[object]:
        # SQLite takes one writer at a time; queueing writers here, in order, beats letting
        # them poll the database lock with growing sleeps.
        if readonly or self._write_lock is None:
            return nullcontext()
        return self._write_lock

    async def _sync_clock(self, conn: AsyncConnection) -> None:
        # The offset lives in the database so every worker process (and a restart) agrees on it.
        if isinstance(self.clock, AdjustableClock):
            stmt = select(settings_table.c.value).where(settings_table.c.key == CLOCK_OFFSET_KEY)
            value = (await conn.execute(stmt)).scalar_one_or_none()
            self.clock.set_offset(timedelta(seconds=float(value or 0)))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


async def save_clock_offset(conn: AsyncConnection, offset: timedelta) -> None:
    row = {"key": CLOCK_OFFSET_KEY, "value": str(offset.total_seconds())}
    await insert_rows(conn, settings_table, [row], keys=["key"], overwrite=True)
