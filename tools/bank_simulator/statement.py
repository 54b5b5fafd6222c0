"""The bank's statement for reconciliation: one CSV line per account it holds (wire.py)."""

from __future__ import annotations

import csv
import io

from sqlalchemy.ext.asyncio import AsyncEngine

from bank_simulator import store
from bank_simulator.db import transaction
from bank_simulator.sealing import Vault
from bank_simulator.wire import STATEMENT_COLUMNS


def statement_csv(rows: list[tuple[str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATEMENT_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


async def statement(engine: AsyncEngine, vault: Vault, bank_code: str) -> bytes:
    """Every account of the bank as it stands now, by card number."""
    async with transaction(engine, readonly=True) as conn:
        return statement_csv(await store.statement_rows(conn, vault, bank_code))
