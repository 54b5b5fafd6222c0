"""Test databases on the PostgreSQL server the suite is given."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url


async def recreate_database(
    url: str, *, drop_only: bool = False, connect_seconds: float = 60
) -> None:
    """The database `url` names dropped (its sessions ended) and created again empty; with
    `drop_only`, just dropped. `connect_seconds` to reach the server, else TimeoutError;
    OSError or asyncpg.PostgresError when it cannot be reached or refuses."""
    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password,
        database="postgres", timeout=connect_seconds,
    )  # fmt: skip
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)')
        if not drop_only:
            await conn.execute(f'CREATE DATABASE "{u.database}"')
    finally:
        await conn.close()
