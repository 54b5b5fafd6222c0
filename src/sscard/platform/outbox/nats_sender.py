"""Delivery over a message broker: NATS JetStream, one subject (and so one queue) per bank.

Why JetStream rather than RabbitMQ, both running here:
- A JetStream publish is answered (PubAck) only after the stream has stored the message, with
  the sequence it is stored at; a publish without an answer is simply sent again. (RabbitMQ's
  publisher confirms give the same, for a persistent message once it is on disk: on one machine
  a stronger promise than JetStream's periodic sync, see below.)
- A message published with a Nats-Msg-Id the stream has seen within its duplicate window is not
  stored again, and its PubAck says `duplicate`. The dispatcher may publish a batch, be killed
  before marking it delivered, and publish it again after its lease: the stream still holds each
  message once. RabbitMQ has no built-in deduplication (only a community plugin): every repeat
  would reach the bank's queue.
- Subjects sscard.banks.<CODE> and a durable pull consumer per bank (explicit ack, redelivery,
  nak with a delay) give each bank its own queue that survives restarts of either side, in one
  stream with one set of limits, without declaring an exchange, queue and binding per bank.

What "delivered" means on this transport: the broker stored the message. Whether the bank
applied it is its own business from then on (the bank's consumer: acknowledged when applied or a
duplicate, redelivered when rejected), reported back through its own reports and
reconciliation. The file store leaves writes to the operating system and forces them to disk
every `sync_interval` of the server: a stored message survives the broker's process dying, but
only `sync_interval: always` or a replicated stream survives the machine losing power right
after a PubAck.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

import nats
import nats.errors
import nats.js.errors
import orjson
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import Header

from sscard.platform.outbox import signing
from sscard.platform.outbox.nats_stream import STREAM, SUBJECT_PREFIX, ensure_stream
from sscard.platform.outbox.protocol import (
    DeliveryResult,
    Endpoint,
    EndpointUnavailable,
    Outcome,
    Outgoing,
    message_body,
)

log = logging.getLogger("sscard.outbox.nats")

MSG_ID_HEADER = "Nats-Msg-Id"
EXPECTED_STREAM_HEADER = "Nats-Expected-Stream"
# Failures that say nothing about the message itself: the broker or its stream is not there,
# so the message waits in the outbox and goes again.
_UNAVAILABLE = (OSError, TimeoutError, nats.errors.Error)


class NatsSender:
    """Publishes each message of a batch to the endpoint's subject and awaits the PubAcks."""

    def __init__(
        self,
        nats_url: str,
        stream: str = STREAM,
        *,
        subjects: Sequence[str] = (f"{SUBJECT_PREFIX}.>",),
        timeout_seconds: float = 10.0,
        max_in_flight: int = 1000,
    ) -> None:
        self.nats_url = nats_url
        self.stream = stream
        self.subjects = tuple(subjects)
        self.timeout_seconds = timeout_seconds
        self.max_in_flight = max_in_flight
        self._link: _Link | None = None
        self._connecting = asyncio.Lock()

    async def send(
        self, endpoint: Endpoint, batch: Sequence[Outgoing], now: datetime
    ) -> list[Outcome]:
        """Outcomes for the messages the broker stored (or refused for good); the rest go again.

        Raises EndpointUnavailable when not one message got an outcome.
        """
        if not batch:
            return []
        try:
            link = await self._connected()
        except _UNAVAILABLE as exc:
            # The class name only: the URL may carry credentials.
            raise EndpointUnavailable(f"broker unavailable: {type(exc).__name__}") from exc
        outcomes: list[Outcome] = []
        failure: str | None = None
        for start in range(0, len(batch), self.max_in_flight):
            window = batch[start : start + self.max_in_flight]
            got, failure = await link.publish(
                endpoint, window, now, self.stream, self.timeout_seconds
            )
            outcomes.extend(got)
            if failure is not None:
                break  # the rest of the batch waits for the next round, still in order
        if failure is not None:
            log.warning(
                "nats: %d of %d not stored: %s", len(batch) - len(outcomes), len(batch), failure
            )
            if not outcomes:
                # The next send connects afresh and makes sure of the stream again. No drain:
                # the broker is not answering, and a drain would wait for it.
                if self._link is link:
                    self._link = None
                await link.nc.close()
                raise EndpointUnavailable(failure)
        return outcomes

    async def close(self) -> None:
        """Flush what is on its way and close the connection."""
        link, self._link = self._link, None
        if link is not None:
            await link.close()

    async def _connected(self) -> _Link:
        """A live connection, made (again) if there is none."""
        async with self._connecting:
            if self._link is not None and self._link.nc.is_connected:
                return self._link
            if self._link is not None:
                await self._link.close()
                self._link = None
            # No automatic reconnection and no retry loop at connect (nats-py would otherwise try
            # 60 times, 2 s apart): a send on a lost connection fails at once and the next one
            # connects afresh, so the dispatcher's backoff paces the retries.
            nc = await nats.connect(
                self.nats_url,
                allow_reconnect=False,
                max_reconnect_attempts=1,
                reconnect_time_wait=0,
                connect_timeout=max(1, int(self.timeout_seconds)),
                error_cb=_log_connection_error,
            )
            try:
                await ensure_stream(
                    nc.jetstream(timeout=self.timeout_seconds), self.stream, self.subjects
                )
                self._link = await _Link.open(nc)
            except BaseException:
                await nc.close()
                raise
            return self._link


class _Link:
    """One connection and the inbox its PubAcks come back to.

    Pipelined publishing done here rather than with JetStreamContext.publish_async: in nats-py
    2.16 a publish the stream refuses leaves that call's future pending forever (nats.py#985).
    """

    def __init__(self, nc: NatsClient, prefix: str) -> None:
        self.nc = nc
        self.prefix = prefix
        self.waiting: dict[str, asyncio.Future[Msg]] = {}
        self.tokens = itertools.count()

    @classmethod
    async def open(cls, nc: NatsClient) -> _Link:
        link = cls(nc, nc.new_inbox() + ".")
        await nc.subscribe(link.prefix + "*", cb=link._answered)
        return link

    async def _answered(self, msg: Msg) -> None:
        future = self.waiting.pop(msg.subject[len(self.prefix) :], None)
        if future is not None and not future.done():
            future.set_result(msg)

    async def publish(
        self,
        endpoint: Endpoint,
        batch: Sequence[Outgoing],
        now: datetime,
        stream: str,
        wait_seconds: float,
    ) -> tuple[list[Outcome], str | None]:
        """Publish in order, then await every answer; the outcomes and why some have none."""
        sent: list[tuple[str, asyncio.Future[Msg]]] = []
        outcomes: list[Outcome] = []
        failure: str | None = None
        loop = asyncio.get_running_loop()
        # One message after the other on one connection: the stream stores them in this order.
        for message in batch:
            body = message_body(message)
            headers = {
                MSG_ID_HEADER: message.message_id,
                EXPECTED_STREAM_HEADER: stream,
                **signing.signed_headers(endpoint.secret, now, body),
            }
            token = str(next(self.tokens))
            future: asyncio.Future[Msg] = loop.create_future()
            self.waiting[token] = future
            try:
                await self.nc.publish(
                    endpoint.url, body, reply=self.prefix + token, headers=headers
                )
            except nats.errors.MaxPayloadError:
                self.waiting.pop(token, None)
                too_large = "larger than the broker's maximum payload"
                outcomes.append(Outcome(message.message_id, DeliveryResult.REJECTED, too_large))
                continue
            except _UNAVAILABLE as exc:
                self.waiting.pop(token, None)
                failure = f"broker unavailable: {type(exc).__name__}"
                break
            sent.append((message.message_id, future))
        if not sent:
            return outcomes, failure
        done, _ = await asyncio.wait([future for _, future in sent], timeout=wait_seconds)
        for message_id, future in sent:
            if future not in done:
                future.cancel()
                failure = failure or "no acknowledgment from the broker in time"
                continue
            answer = future.result()
            outcome, reason = ack_outcome(message_id, answer.headers, answer.data)
            if outcome is not None:
                outcomes.append(outcome)
            failure = failure or reason
        for token in [t for t, f in self.waiting.items() if f.done()]:
            del self.waiting[token]
        return outcomes, failure

    async def close(self) -> None:
        if self.nc.is_closed:
            return
        try:
            await self.nc.drain()
        except _UNAVAILABLE:
            await self.nc.close()


def ack_outcome(
    message_id: str, headers: Mapping[str, str] | None, data: bytes
) -> tuple[Outcome | None, str | None]:
    """The outcome in one answer to a publish, or why there is none (the message goes again)."""
    if headers and headers.get(Header.STATUS) == "503":
        return None, "no stream stores this subject (JetStream down or subject outside it)"
    try:
        ack = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None, "an acknowledgment that is not JSON"
    if not isinstance(ack, dict):
        return None, "an acknowledgment that is not a JSON object"
    error = ack.get("error")
    if isinstance(error, dict):
        code, err_code = error.get("code"), error.get("err_code")
        reason = f"broker refused: {error.get('description')} ({code}/{err_code})"
        if code in (500, 503):  # storage full or unavailable: try again later
            return None, reason
        # The stream refused this message itself (too large, subject of another stream):
        # sending it again cannot help, so it is failed after the dispatcher's attempts.
        return Outcome(message_id, DeliveryResult.REJECTED, reason), None
    if "seq" not in ack:
        return None, "an acknowledgment without a sequence"
    result = DeliveryResult.DUPLICATE if ack.get("duplicate") else DeliveryResult.APPLIED
    return Outcome(message_id, result), None


async def _log_connection_error(exc: Exception) -> None:
    log.debug("nats connection error: %s", type(exc).__name__)
