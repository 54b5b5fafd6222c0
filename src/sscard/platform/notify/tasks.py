"""Notification delivery as a background job (SPEC REP-5, ISS-7): every 5 s, until none waits."""

from __future__ import annotations

from sscard.kernel.runtime import Runtime
from sscard.platform.jobs import Job
from sscard.platform.notify.delivery import deliver_pending
from sscard.platform.notify.senders import sender_from_settings


async def deliver_waiting(rt: Runtime) -> None:
    """Delivery passes until a pass finds its batch not full."""
    sender = sender_from_settings(rt.settings)
    while (await deliver_pending(rt, sender)).more:
        pass


SMS = Job("sms", 5.0, deliver_waiting)
