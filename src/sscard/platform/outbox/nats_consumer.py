"""The bank's side of the broker transport: one durable queue per bank on the JetStream stream.

A bank reads its subject (sscard.banks.<CODE>) through a durable pull consumer named
bank-<CODE>, so what it has not acknowledged stays on the server across its restarts and ours.
Each message is one outbound message (Outgoing.as_json()), signed like a webhook body. A message
whose signature does not verify is terminated (never redelivered) and logged without its body; a
valid one goes to the handler: applied or duplicate is acknowledged, rejected or an exception is
redelivered after a growing delay.

Messages come in stream order, which for one connection is publish order, but a redelivered
message comes back after later ones: the bank orders by the message's `sequence` per card anyway
(protocol.py), as it must for HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import nats
import nats.errors
import nats.js.errors
import orjson
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)

from sscard.kernel.clock import SystemClock
from sscard.platform.outbox import signing
from sscard.platform.outbox.protocol import DeliveryResult

log = logging.getLogger("sscard.banks.nats")

STREAM = "SSCARD_BANKS"
SUBJECT_PREFIX = "sscard.banks"

# Long enough to cover a dispatcher killed after publishing (its lease, 15 s) and the first
# retries after a lost PubAck (backoff 1+2+...+256 s); a later repeat is still dropped by the
# bank's inbox, which keys on message_id. The server holds every id of the window in memory.
DUPLICATE_WINDOW_SECONDS = 600.0
# A province's banks: a bank that stops reading may queue this many messages (about a week of
# a large bank's traffic) before publishes for it are refused and wait in the outbox instead.
MAX_MESSAGES_PER_BANK = 2_000_000
MAX_STREAM_BYTES = 16 * 1024**3
MAX_MESSAGE_BYTES = 256 * 1024  # one outbound message is a few hundred bytes

ACK_WAIT_SECONDS = 60.0  # an unacknowledged message is given again after this long
FETCH_BATCH = 64
FETCH_WAIT_SECONDS = 1.0  # also how soon consume() notices `stop`
RECONNECT_WAIT_SECONDS = 1.0


def subject_for(bank_code: str, prefix: str = SUBJECT_PREFIX) -> str:
    """The subject (and so the queue) of one bank; an endpoint's url for the nats transport."""
    return f"{prefix}.{bank_code}"


def stream_config(stream: str, subjects: Sequence[str]) -> StreamConfig:
    """The stream every bank's queue lives in.

    Work-queue retention: a message leaves the stream when its bank acknowledges (or terminates)
    it, so the stream holds only what banks have not taken. No maximum age: nothing a bank has
    not taken may expire. When a limit is reached the stream refuses new messages (discard new,
    per bank) rather than dropping old ones: the refused publish stays pending in the outbox.
    """
    return StreamConfig(
        name=stream,
        description="sscard -> cooperating banks, one subject per bank",
        subjects=list(subjects),
        retention=RetentionPolicy.WORK_QUEUE,
        storage=StorageType.FILE,
        discard=DiscardPolicy.NEW,
        discard_new_per_subject=True,
        max_msgs_per_subject=MAX_MESSAGES_PER_BANK,
        max_bytes=MAX_STREAM_BYTES,
        max_msg_size=MAX_MESSAGE_BYTES,
        max_age=0,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )


async def ensure_stream(
    js: JetStreamContext, stream: str = STREAM, subjects: Sequence[str] = (f"{SUBJECT_PREFIX}.>",)
) -> None:
    """Create the stream unless it exists; an existing stream's configuration is left alone."""
    try:
        await js.stream_info(stream)
        return
    except nats.js.errors.NotFoundError:
        pass
    try:
        await js.add_stream(stream_config(stream, subjects))
    except nats.js.errors.BadRequestError:
        # Another process created it between the two calls; anything else fails here again.
        await js.stream_info(stream)


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
