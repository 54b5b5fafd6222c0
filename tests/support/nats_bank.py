"""A bank's side of the broker transport, for the tests: read one bank's durable queue as a bank
system would, verifying each message's signature against the moment the broker stored it.

A message whose signature does not verify is terminated (never redelivered) and logged without
its body; a valid one goes to the handler: applied or duplicate is acknowledged, rejected or an
exception is redelivered after a growing delay. Messages come in stream order, but a redelivered
one comes back after later ones: a bank orders by the message's `sequence` per card anyway.
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
import nats.js.errors
import orjson
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from sscard.kernel.clock import SystemClock
from sscard.platform.outbox import signing
from sscard.platform.outbox.nats_stream import (
    STREAM,
    SUBJECT_PREFIX,
    ensure_stream,
    subject_for,
)
from sscard.platform.outbox.protocol import DeliveryResult

# The bank side's consumer: what a bank reading its queue would set.
ACK_WAIT_SECONDS = 60.0  # an unacknowledged message is given again after this long
FETCH_BATCH = 64
FETCH_WAIT_SECONDS = 1.0  # also how soon consume() notices `stop`
RECONNECT_WAIT_SECONDS = 1.0

log = logging.getLogger("tests.nats_bank")

Handler = Callable[[dict[str, Any]], Awaitable[DeliveryResult]]


async def consume(
    nats_url: str,
    bank_code: str,
    secret: bytes,
    handle: Handler,
    stop: asyncio.Event,
    clock_now: Callable[[], datetime],
    tolerance_seconds: int = signing.DEFAULT_TOLERANCE_SECONDS,
    stream: str = STREAM,
    *,
    subject_prefix: str = SUBJECT_PREFIX,
    batch: int = FETCH_BATCH,
    retry_delay_seconds: float = 1.0,
    retry_delay_max_seconds: float = 300.0,
) -> None:
    """Read one bank's queue until `stop` is set, reconnecting whenever the broker goes away."""
    subject = subject_for(bank_code, subject_prefix)
    reader = _Reader(
        secret, handle, clock_now, tolerance_seconds, retry_delay_seconds, retry_delay_max_seconds
    )
    while not stop.is_set():
        nc: NatsClient | None = None
        try:
            nc = await nats.connect(
                nats_url,
                allow_reconnect=False,
                max_reconnect_attempts=1,  # two quick tries; this loop tries again, watching `stop`
                reconnect_time_wait=0,
                connect_timeout=2,
                error_cb=_log_connection_error,
            )
            js = nc.jetstream()
            await ensure_stream(js, stream, (f"{subject_prefix}.>",))
            sub = await js.pull_subscribe(
                subject,
                durable=f"bank-{bank_code}",
                stream=stream,
                config=ConsumerConfig(
                    ack_policy=AckPolicy.EXPLICIT,
                    deliver_policy=DeliverPolicy.ALL,
                    ack_wait=ACK_WAIT_SECONDS,
                    max_deliver=-1,  # a message is never given up: the bank must take it
                ),
            )
            while not stop.is_set():
                try:
                    msgs = await sub.fetch(batch, timeout=FETCH_WAIT_SECONDS)
                except nats.errors.TimeoutError:
                    continue
                for msg in msgs:
                    await reader.take(msg)
        except (OSError, TimeoutError, nats.errors.Error) as exc:
            log.warning("bank %s: broker unavailable (%s); retrying", bank_code, type(exc).__name__)
            await _sleep_unless(stop, RECONNECT_WAIT_SECONDS)
        finally:
            if nc is not None and not nc.is_closed:
                await nc.close()


class _Reader:
    def __init__(
        self,
        secret: bytes,
        handle: Handler,
        clock_now: Callable[[], datetime],
        tolerance_seconds: int,
        retry_delay_seconds: float,
        retry_delay_max_seconds: float,
    ) -> None:
        self.secret = secret
        self.handle = handle
        self.clock_now = clock_now
        self.tolerance_seconds = tolerance_seconds
        self.retry_delay_seconds = retry_delay_seconds
        self.retry_delay_max_seconds = retry_delay_max_seconds
        self.wall_clock = SystemClock()

    async def take(self, msg: Msg) -> None:
        meta = msg.metadata
        try:
            signing.verify(
                self.secret,
                msg.headers or {},
                msg.data,
                when_stored(meta.timestamp, self.clock_now(), self.wall_clock.now()),
                self.tolerance_seconds,
            )
            message = orjson.loads(msg.data)
            if not isinstance(message, dict):
                raise orjson.JSONDecodeError("not an object", "", 0)
        except (signing.SignatureRefused, orjson.JSONDecodeError) as exc:
            # Redelivery cannot make it valid. The reason only: the body holds personal data.
            reason = (
                exc.detail_en if isinstance(exc, signing.SignatureRefused) else "not a JSON object"
            )
            log.warning("%s: terminated message %d: %s", msg.subject, meta.sequence.stream, reason)
            await msg.term()
            return
        try:
            result = await self.handle(message)
        except Exception as exc:
            log.warning(
                "%s: handler failed on message %s (%s); redelivering",
                msg.subject,
                message.get("message_id"),
                type(exc).__name__,
            )
            result = DeliveryResult.REJECTED
        if result in (DeliveryResult.APPLIED, DeliveryResult.DUPLICATE):
            await msg.ack()
        else:
            delay = retry_delay(
                meta.num_delivered, self.retry_delay_seconds, self.retry_delay_max_seconds
            )
            await msg.nak(delay=delay)


def retry_delay(deliveries: int, base_seconds: float, max_seconds: float) -> float:
    """How long a message the bank could not apply waits before it is given again."""
    return min(base_seconds * 2 ** max(deliveries - 1, 0), max_seconds)


def when_stored(stored_at: datetime, bank_now: datetime, wall_now: datetime) -> datetime:
    """The bank's clock as it read when the broker stored the message.

    The signature's timestamp is judged against this, not against the moment of reading: a bank
    that was down for a day must still accept what waited for it, while a captured message
    published again later gets a new store time and falls outside the tolerance. The broker
    stamps with its wall clock, so the wait is measured with the wall clock too.
    """
    return bank_now - max(wall_now - stored_at, timedelta(0))


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _log_connection_error(exc: Exception) -> None:
    log.debug("nats connection error: %s", type(exc).__name__)
