"""The service clock's use cases: read it; move it forward in demo and test mode.

Time comes from one injectable clock (kernel/clock.py). With SSCARD_CLOCK=adjustable an
administrator may move it forward; the offset is kept in the database so every process (and a
restart) agrees. A clock that is not adjustable refuses to move, whoever asks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sscard.kernel.actor import authorize
from sscard.kernel.clock import Clock, business_date
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.kernel.runtime import save_clock_offset
from sscard.platform.clock.permissions import MOVE_CLOCK


class ClockNotAdjustable(DomainError):
    code = "clock_not_adjustable"
    status = 409
    message_zh = "服务未以可调时钟模式运行（SSCARD_CLOCK=adjustable）"
    message_en = "The service does not run with an adjustable clock (SSCARD_CLOCK=adjustable)"


def read_clock(ctx: Ctx, clock: Clock, adjustable: bool) -> dict[str, Any]:
    """The moment of `ctx`, its Beijing business date, and how far the clock has been moved."""
    return _view(ctx.now, _offset(clock), adjustable)


async def advance_clock(
    ctx: Ctx, clock: Clock, adjustable: bool, delta: timedelta
) -> dict[str, Any]:
    """Move the clock forward by `delta` (administrators, adjustable mode only).

    Raises Forbidden for another role, then ClockNotAdjustable if the clock cannot move.
    """
    authorize(ctx.actor, MOVE_CLOCK)  # who may, before whether it can
    if not adjustable:
        raise ClockNotAdjustable()
    # The unit has just read the stored offset into the clock; ctx.now is that moment.
    offset = _offset(clock) + delta
    await save_clock_offset(ctx.conn, offset)
    return _view(ctx.now + delta, offset, adjustable)


def _offset(clock: Clock) -> timedelta:
    offset = getattr(clock, "offset", timedelta(0))
    return offset if isinstance(offset, timedelta) else timedelta(0)


def _view(now: datetime, offset: timedelta, adjustable: bool) -> dict[str, Any]:
    return {
        "now": now,
        "business_date": business_date(now),
        "adjustable": adjustable,
        "offset_seconds": offset.total_seconds(),
    }
