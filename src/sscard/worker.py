"""The service's own background work, each context's tasks: delivery to banks, the 7-day lift,
SMS, daily reconciliation, large unit batches, forgetting used ecard codes.

Runs beside the API (SSCARD_WORKER=1, the default for `sscard serve`) or alone (`sscard worker`).
Several copies may run at once: delivery takes a lease per bank, the sweep and SMS delivery claim
their rows, and reconciliation runs once per bank and day.
"""

from __future__ import annotations

import asyncio

from sscard.banks.reconciliation import tasks as reconciliation
from sscard.cards.loss import tasks as loss
from sscard.delta import tasks as delta
from sscard.ecards import tasks as ecards
from sscard.kernel.files import private_database, private_files
from sscard.kernel.runtime import Runtime
from sscard.payments import tasks as payments
from sscard.platform.http import tasks as idempotency
from sscard.platform.jobs import every
from sscard.platform.notify import tasks as notify
from sscard.platform.outbox import tasks as outbox
from sscard.scenes import tasks as scenes
from sscard.transport import tasks as transport
from sscard.units import tasks as units
from sscard.wiring import wire

JOBS = (
    loss.SWEEP,
    notify.SMS,
    reconciliation.DAILY,
    idempotency.FORGET_KEYS,
    units.JUDGE_BATCHES,
    ecards.FORGET_USED_CODES,
    scenes.FORGET_OLD_REQUESTS,
    delta.FORGET_OLD_REQUESTS,
    transport.REVERSE_UNCONFIRMED,
    payments.RELEASE_PAYABLE_HELD,
    payments.TELL_HOLDERS_OF_HELD,
)


async def run_worker(rt: Runtime, stop: asyncio.Event) -> None:
    """Every job in its own loop until `stop` is set; one job's failure never stops another.

    The jobs write the database and notification files: those are made private first (issue 11).
    """
    private_files()
    private_database(rt.settings.database_url)
    wire()
    await asyncio.gather(outbox.deliver(rt, stop), *(every(rt, stop, job) for job in JOBS))
