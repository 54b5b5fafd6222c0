"""Use cases of the HTTP plumbing's own records: idempotency keys age out (issue 11)."""

from __future__ import annotations

from datetime import timedelta

from sscard.kernel.ctx import Ctx
from sscard.platform.http import repository as repo

KEEP_DAYS = 7  # days: a client retries within minutes; a week covers an outage and a weekend


async def forget_old_keys(ctx: Ctx) -> int:
    """Delete every Idempotency-Key (and its kept answer) made more than KEEP_DAYS ago, sealed
    answers and the clear ones of before 2026-11-30 alike; how many went."""
    return await repo.forget_keys_before(ctx.conn, ctx.now - timedelta(days=KEEP_DAYS))
