"""Integration fixtures: the real service in-process over HTTP, on SQLite or PostgreSQL.

SSCARD_TEST_DATABASE_URL picks the database (default: a fresh SQLite file). Every test starts
from migrated tables holding only the shipped reference data and calendar, with a clock that
stands at Monday 2026-11-23 10:00 Beijing time until a test moves it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.actors import service as actors
from sscard.actors.models import actors as actor_table
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.config import Settings, async_database_url
from sscard.kernel.runtime import Runtime
from sscard.platform import cache
from sscard.platform.migrate import upgrade_async
from sscard.registry.calendar.service import seed_calendar
from sscard.registry.reference.loading import load_reference_data
from sscard.tables import metadata
from sscard.wiring import wire
from tests.support.api import Api
from tests.support.pages import application
from tests.support.postgres import recreate_database

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing
TEST_KEY = "ab" * 32

ACTORS = {
    "admin": (Role.PROVINCE_ADMIN, {}),
    "admin_suzhou": (Role.CENTRE_ADMIN, {"city_code": "3205"}),
    "auditor": (Role.AUDITOR, {}),
    "clerk_instant": (Role.OUTLET_CLERK, {"outlet_code": "3204-HR-001"}),
    "clerk_fast": (Role.OUTLET_CLERK, {"outlet_code": "3204-HR-002"}),
    "clerk_other": (Role.OUTLET_CLERK, {"outlet_code": "3204-HR-003"}),
    "clerk_transport": (Role.OUTLET_CLERK, {"outlet_code": "3204-TRN-001"}),
    "clerk_nantong": (Role.OUTLET_CLERK, {"outlet_code": "3206-HR-001"}),
    "clerk_nantong_transport": (Role.OUTLET_CLERK, {"outlet_code": "3206-TRN-001"}),
    "clerk_nantong_ntrcb": (Role.OUTLET_CLERK, {"outlet_code": "3206-BANK-001"}),
    "clerk_suzhou": (Role.OUTLET_CLERK, {"outlet_code": "3205-HR-001"}),
    "clerk_nanjing_bank": (Role.OUTLET_CLERK, {"outlet_code": "3201-BANK-001"}),
    "clerk_nanjing_bank2": (Role.OUTLET_CLERK, {"outlet_code": "3201-BANK-002"}),
    "clerk_changzhou_icbc": (Role.OUTLET_CLERK, {"outlet_code": "3204-BANK-001"}),
    "clerk_suzhou_szb": (Role.OUTLET_CLERK, {"outlet_code": "3205-BANK-001"}),
    "clerk_suzhou_icbc": (Role.OUTLET_CLERK, {"outlet_code": "3205-BANK-002"}),
    "hotline": (Role.HOTLINE_AGENT, {}),
    "bank_icbc": (Role.BANK_SYSTEM, {"bank_code": "ICBC"}),
    "bank_szb": (Role.BANK_SYSTEM, {"bank_code": "SZB"}),
}


def _database_url(tmp: Path) -> str:
    """SSCARD_TEST_DATABASE_URL, each pytest-xdist worker on its own database (the name +
    "_gw0", "_gw1", ...); without it, a SQLite file in the run's (the worker's) own folder."""
    url = os.environ.get("SSCARD_TEST_DATABASE_URL")
    if not url:
        return f"sqlite+aiosqlite:///{tmp / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return async_database_url(f"{url}_{worker}" if worker else url)


@pytest.fixture(scope="session")
async def rt(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Runtime]:
    tmp = tmp_path_factory.mktemp("db")
    url = _database_url(tmp)
    if url.startswith("postgresql"):
        await recreate_database(url)
    settings = Settings.from_env(
        {"SSCARD_DATABASE_URL": url, "SSCARD_DATA_KEY": TEST_KEY, "SSCARD_VAR_DIR": str(tmp)}
    )
    await upgrade_async(settings.database_url)
    wire()
    runtime = Runtime(settings)
    yield runtime
    await runtime.dispose()
    if url.startswith("postgresql"):
        await recreate_database(url, drop_only=True)


async def reset(runtime: Runtime) -> None:
    """Empty every table, then load the shipped reference data and calendar again. On SQLite
    the first reset of a run is kept as a copy in memory and every later one copies it back
    (the backup API, page by page: a few ms where the deletes and loads took some 70 ms)."""
    url = runtime.settings.database_url
    if url.startswith("sqlite"):
        await _restore_sqlite(runtime, make_url(url).database or "")
    else:
        await _reload(runtime)
    actors.TokenCache.shared.clear()
    cache.clear()  # reference data and keys read by an earlier test


async def _reload(runtime: Runtime) -> None:
    names = [t.name for t in reversed(metadata.sorted_tables)]
    async with runtime.unit(OPERATOR) as ctx:
        if ctx.conn.dialect.name == "postgresql":
            await _empty_postgres(ctx.conn, names)
        else:
            for name in names:
                await ctx.conn.execute(text(f"DELETE FROM {name}"))
        await load_reference_data(ctx.conn)
        await seed_calendar(ctx.conn, ctx.now)


_SQLITE_TEMPLATES: dict[str, sqlite3.Connection] = {}


async def _restore_sqlite(runtime: Runtime, path: str) -> None:
    """The reference state copied back into the file the runtime's connections share (no
    transaction is open on them between tests; the file stays in WAL mode)."""
    template = _SQLITE_TEMPLATES.get(path)
    if template is None:
        await _reload(runtime)
        template = sqlite3.connect(":memory:")
        with closing(sqlite3.connect(path)) as source:
            source.backup(template)
        _SQLITE_TEMPLATES[path] = template
        return
    with closing(sqlite3.connect(path, timeout=30)) as target:
        template.backup(target)


async def _empty_postgres(conn: AsyncConnection, names: list[str]) -> None:
    """DELETE from every table and restart the tables' own sequences, as one script sent once.
    TRUNCATE ... RESTART IDENTITY did the same, but gives each of some 50 tables new files:
    0.2-0.6 s a test, minutes over the suite. Foreign keys are not checked while the tables
    are emptied (session_replication_role, for this transaction only)."""
    owned = await conn.execute(
        text(
            "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "WHERE s.relkind = 'S' AND d.deptype IN ('a', 'i') AND t.relname = ANY(:names)"
        ),
        {"names": names},
    )
    script = [
        "SET LOCAL session_replication_role = replica",
        *(f"DELETE FROM {name}" for name in names),
        *(f"SELECT setval('{seq}', 1, false)" for seq in owned.scalars()),
        "SET LOCAL session_replication_role = DEFAULT",
    ]
    raw = await conn.get_raw_connection()
    await raw.driver_connection.execute(";\n".join(script))  # type: ignore[union-attr]


@pytest.fixture
async def clock(rt: Runtime) -> ManualClock:
    manual = ManualClock(START)
    rt.clock = manual
    await reset(rt)
    return manual


_ACTOR_ROWS: list[dict[str, object]] = []
_ACTOR_TOKENS: dict[str, str] = {}


@pytest.fixture
async def tokens(rt: Runtime, clock: ManualClock) -> dict[str, str]:
    """A token for each of ACTORS. The first test of a run creates them through the use case;
    each later one stores the same rows again in one statement (same ids, same tokens)."""
    async with rt.unit(OPERATOR) as ctx:
        if _ACTOR_ROWS:
            await ctx.conn.execute(insert(actor_table), _ACTOR_ROWS)
            return dict(_ACTOR_TOKENS)
        for key, (role, binding) in ACTORS.items():
            _, _ACTOR_TOKENS[key] = await actors.create_actor(
                ctx, actors.NewActor(role, key, **binding)
            )
        rows = await ctx.conn.execute(select(actor_table).order_by(actor_table.c.id))
        _ACTOR_ROWS.extend({k: v for k, v in r.items() if k != "id"} for r in rows.mappings())
    return dict(_ACTOR_TOKENS)


@pytest.fixture(scope="session")
def app(rt: Runtime) -> FastAPI:
    """One application for the whole run (tests.support.pages.application)."""
    return application(rt)


@pytest.fixture
async def api(app: FastAPI, rt: Runtime, tokens: dict[str, str]) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://sscard.test") as client:
        yield Api(client, tokens, rt)
