"""The bank reading its queue on sscard's broker (NATS JetStream) instead of its webhook.

sscard publishes each message, signed like a webhook body, to the subject <prefix>.<CODE> of its
stream; the bank reads it through its own durable pull consumer bank-<CODE>, so what it has not
acknowledged waits on the server across restarts. A message whose signature does not verify is
terminated (redelivery cannot mend it) and logged without its body, which holds personal data;
applied or duplicate is acknowledged; rejected, or a failure of the bank, is given back with a
growing delay. The stream is sscard's: the bank waits for it rather than creating it.

The signature's timestamp is judged against the bank's clock as it read when the broker stored
the message, not when the bank reads it: a bank that was down for a day still takes what waited
for it, while a captured message published again gets a new store time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import nats
import nats.errors
import orjson
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from bank_simulator.clock import wall_now
from bank_simulator.signing import SignatureRefused, verify
from bank_simulator.wire import DeliveryResult

log = logging.getLogger("bank_simulator.broker")

ACK_WAIT_SECONDS = 60.0  # a message not acknowledged by then is given again
FETCH_BATCH = 64
FETCH_WAIT_SECONDS = 1.0  # also how soon the loop notices `stop`
RECONNECT_SECONDS = 1.0
RETRY_BASE_SECONDS = 1.0
RETRY_MAX_SECONDS = 300.0

Handler = Callable[[dict[str, Any]], Awaitable[DeliveryResult]]


def stored_moment(stored_at: datetime, bank_now: datetime, wall: datetime) -> datetime:
    """The bank's clock as it read when the broker stored the message (the broker's wall clock
    stamps it, so the wait since is measured on the wall clock)."""
    return bank_now - max(wall - stored_at, timedelta(0))


def redelivery_delay(deliveries: int) -> float:
    return min(RETRY_BASE_SECONDS * 2 ** max(deliveries - 1, 0), RETRY_MAX_SECONDS)


async def read_queue(
    nats_url: str,
    stream: str,
    subject: str,
    durable: str,
    secret: bytes,
    handle: Handler,
    stop: asyncio.Event,
    bank_now: Callable[[], datetime],
    tolerance_seconds: int,
) -> None:
    """Read one bank's queue until `stop` is set, connecting again whenever the broker is away.

    A broker or stream that is not there is said once (a demo's stream appears only when sscard
    first publishes), then looked for again every RECONNECT_SECONDS, quietly.
    """
    said: str | None = None
    while not stop.is_set():
        nc = None
        try:
            nc = await nats.connect(
                nats_url,
                allow_reconnect=False,
                max_reconnect_attempts=1,
                reconnect_time_wait=0,
                connect_timeout=2,
                error_cb=_quiet,
            )
            sub = await nc.jetstream().pull_subscribe(
                subject,
                durable=durable,
                stream=stream,
                config=ConsumerConfig(
                    ack_policy=AckPolicy.EXPLICIT,
                    deliver_policy=DeliverPolicy.ALL,
                    ack_wait=ACK_WAIT_SECONDS,
                    max_deliver=-1,  # the bank must take every message in the end
                ),
            )
            if said is not None:
                log.info("%s: reading the queue", subject)
                said = None
            while not stop.is_set():
                try:
                    msgs = await sub.fetch(FETCH_BATCH, timeout=FETCH_WAIT_SECONDS)
                except nats.errors.TimeoutError:
                    continue
                for msg in msgs:
                    await _take(msg, secret, handle, bank_now, tolerance_seconds)
        except (OSError, TimeoutError, nats.errors.Error) as exc:
            reason = type(exc).__name__
            if reason != said:
                log.warning("%s: broker or stream not there (%s); waiting", subject, reason)
                said = reason
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RECONNECT_SECONDS)
        finally:
            if nc is not None and not nc.is_closed:
                await nc.close()


async def _take(
    msg: Msg,
    secret: bytes,
    handle: Handler,
    bank_now: Callable[[], datetime],
    tolerance_seconds: int,
) -> None:
    meta = msg.metadata
    try:
        moment = stored_moment(meta.timestamp, bank_now(), wall_now())
        verify(secret, msg.headers or {}, msg.data, moment, tolerance_seconds)
        message = orjson.loads(msg.data)
        if not isinstance(message, dict):
            raise ValueError("not a JSON object")
    except (SignatureRefused, ValueError) as bad:  # orjson's decode error is a ValueError
        reason = bad.detail_en if isinstance(bad, SignatureRefused) else "not a JSON object"
        log.warning("%s: terminated message %d: %s", msg.subject, meta.sequence.stream, reason)
        await msg.term()
        return
    try:
        result = await handle(message)
    except Exception as exc:
        log.warning("%s: could not apply a message (%s)", msg.subject, type(exc).__name__)
        result = DeliveryResult.REJECTED
    if result in (DeliveryResult.APPLIED, DeliveryResult.DUPLICATE):
        await msg.ack()
    else:
        await msg.nak(delay=redelivery_delay(meta.num_delivered))


async def _quiet(exc: Exception) -> None:
    log.debug("nats connection error: %s", type(exc).__name__)
