"""Count a client's knock at a door, or refuse it (platform.throttle.rules)."""

from __future__ import annotations

from sscard.kernel.ctx import Ctx
from sscard.platform.throttle import repository as repo
from sscard.platform.throttle.rules import LIMITS, Door, refusal


async def admit(ctx: Ctx, door: Door, client: str | None) -> None:
    """Count one knock at `door` from the client address `client` (the peer's, or the one
    the trusted proxy forwarded) in the unit of work; TooManyRequests (429) when the client
    has used up the door's limit, which counts nothing. A call with no address (a process of
    our own, a test client without one) is not counted."""
    if not client:
        return
    index = ctx.vault.index(f"client:{client}")
    await repo.forget_before(ctx.conn, door.value, index, ctx.now - LIMITS[door].window)
    refused = refusal(door, await repo.knocks(ctx.conn, door.value, index), ctx.now)
    if refused is not None:
        raise refused
    await repo.knock(ctx.conn, door.value, index, ctx.now)
