"""The broker transport against the real NATS JetStream server on this machine.

Each test has a stream and subjects of its own (SSCARD_TEST_<id>, sscard.test.<id>.<BANK>), deleted
at its end, so runs do not see each other or the service's own SSCARD_BANKS stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import nats
import nats.js.errors
import orjson
import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from sscard.banks.protocol import Topic
from sscard.platform.outbox import signing
from sscard.platform.outbox.nats_sender import NatsSender
from sscard.platform.outbox.nats_stream import ensure_stream, subject_for
from sscard.platform.outbox.protocol import (
    DeliveryResult,
    Endpoint,
    EndpointUnavailable,
    Outgoing,
    Transport,
)
from tests.support.nats_bank import consume

NATS_URL = os.environ.get("SSCARD_TEST_NATS_URL", "nats://127.0.0.1:4222")
HOW_TO_START = (
    "start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server"
    " -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log"
)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SECRET = b"s" * signing.SECRET_BYTES
WRONG_SECRET = b"w" * signing.SECRET_BYTES


@dataclass
class Broker:
    nc: NatsClient
    js: JetStreamContext
    stream: str
    prefix: str
    senders: list[NatsSender] = field(default_factory=list)

    def endpoint(self, bank: str = "ICBC", secret: bytes = SECRET) -> Endpoint:
        return Endpoint(bank, Transport.NATS, subject_for(bank, self.prefix), secret)

    def sender(self, url: str = NATS_URL) -> NatsSender:
        sender = NatsSender(url, self.stream, subjects=(f"{self.prefix}.>",), timeout_seconds=5)
        self.senders.append(sender)
        return sender

    async def stored(self) -> int:
        return (await self.js.stream_info(self.stream)).state.messages

    def bank(
        self,
        handle: Callable[[dict[str, Any]], Awaitable[DeliveryResult]],
        *,
        bank: str = "ICBC",
        secret: bytes = SECRET,
        clock_now: Callable[[], datetime] = lambda: NOW,
        tolerance_seconds: int = 300,
        batch: int = 64,
    ) -> Bank:
        stop = asyncio.Event()
        task = asyncio.create_task(
            consume(
                NATS_URL,
                bank,
                secret,
                handle,
                stop,
                clock_now,
                tolerance_seconds,
                self.stream,
                subject_prefix=self.prefix,
                batch=batch,
                retry_delay_seconds=0.2,
            )
        )
        return Bank(stop, task)


@dataclass
class Bank:
    stop: asyncio.Event
    task: asyncio.Task[None]

    async def __aenter__(self) -> Bank:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 5)


class Recorder:
    """A bank's handler: records every message it is given and answers `answer`."""

    def __init__(self, answer: Callable[[dict[str, Any], int], DeliveryResult] | None = None):
        self.handled: list[dict[str, Any]] = []
        self.answer = answer or (lambda message, times: DeliveryResult.APPLIED)

    async def __call__(self, message: dict[str, Any]) -> DeliveryResult:
        self.handled.append(message)
        times = sum(1 for m in self.handled if m["message_id"] == message["message_id"])
        return self.answer(message, times)

    def ids(self) -> list[str]:
        return [m["message_id"] for m in self.handled]


@pytest.fixture
async def broker() -> AsyncIterator[Broker]:
    try:
        nc = await nats.connect(
            NATS_URL,
            allow_reconnect=False,
            max_reconnect_attempts=1,
            reconnect_time_wait=0,
            connect_timeout=2,
        )
    except Exception as exc:
        pytest.fail(f"NATS is not reachable at {NATS_URL} ({type(exc).__name__}); {HOW_TO_START}")
    js = nc.jetstream()
    try:
        await js.account_info()
    except Exception as exc:
        await nc.close()
        pytest.fail(f"NATS at {NATS_URL} has no JetStream ({type(exc).__name__}); {HOW_TO_START}")
    run = uuid.uuid4().hex[:12]
    b = Broker(nc, js, f"SSCARD_TEST_{run.upper()}", f"sscard.test.{run}")
    await ensure_stream(js, b.stream, (f"{b.prefix}.>",))
    yield b
    for sender in b.senders:
        await sender.close()
    with contextlib.suppress(nats.js.errors.NotFoundError):
        await js.delete_stream(b.stream)
    await nc.close()


def batch(n: int, card: str = "320400000000000001") -> list[Outgoing]:
    return [
        Outgoing(
            message_id=str(uuid.uuid4()),
            sequence=100 + i,
            topic=Topic.CARD_STATUS_CHANGED,
            card_number=card,
            occurred_at=NOW,
            payload={"status": "hr_temporary_loss", "n": i},
        )
        for i in range(n)
    ]


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 10) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


def running_clock(start: datetime) -> Callable[[], datetime]:
    """A clock that starts at `start` and runs at real speed, as a bank's would."""
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


async def test_batch_reaches_the_bank_once_in_order_with_a_verified_signature(
    broker: Broker,
) -> None:
    # SPEC ISS-2: production data and status changes reach the bank in real time, in order
    messages = batch(30)
    outcomes = await broker.sender().send(broker.endpoint(), messages, NOW)
    assert [(o.message_id, o.result) for o in outcomes] == [
        (m.message_id, DeliveryResult.APPLIED) for m in messages
    ]
    assert await broker.stored() == 30  # stored before the bank reads anything

    bank = Recorder()
    async with broker.bank(bank):

        async def all_taken() -> bool:
            return len(bank.handled) >= 30 and await broker.stored() == 0

        await eventually(all_taken)
        await asyncio.sleep(0.3)  # nothing comes a second time
    assert bank.ids() == [m.message_id for m in messages]
    assert bank.handled[0] == orjson.loads(orjson.dumps(messages[0].as_json()))


async def test_messages_carry_the_message_id_and_a_signature_of_their_body(
    broker: Broker,
) -> None:
    [message] = batch(1)
    await broker.sender().send(broker.endpoint(), [message], NOW)
    sub = await broker.js.pull_subscribe(
        subject_for("ICBC", broker.prefix), durable="inspect", stream=broker.stream
    )
    [msg] = await sub.fetch(1, timeout=2)
    assert msg.headers is not None
    assert msg.headers["Nats-Msg-Id"] == message.message_id
    signing.verify(SECRET, msg.headers, msg.data, NOW)
    with pytest.raises(signing.SignatureRefused):
        signing.verify(WRONG_SECRET, msg.headers, msg.data, NOW)
    await msg.ack()


async def test_publishing_a_batch_again_is_duplicate_and_the_bank_sees_it_once(
    broker: Broker,
) -> None:
    # the dispatcher killed between publishing and marking delivered publishes the batch again
    messages = batch(10)
    sender = broker.sender()
    await sender.send(broker.endpoint(), messages, NOW)
    again = await sender.send(broker.endpoint(), messages, NOW + timedelta(seconds=20))
    assert {o.result for o in again} == {DeliveryResult.DUPLICATE}
    assert [o.message_id for o in again] == [m.message_id for m in messages]
    assert await broker.stored() == 10

    bank = Recorder()
    async with broker.bank(bank):

        async def all_taken() -> bool:
            return await broker.stored() == 0

        await eventually(all_taken)
        # taken and acknowledged: a third publish is still a duplicate, not a new message
        third = await broker.sender().send(broker.endpoint(), messages[:3], NOW)
        assert {o.result for o in third} == {DeliveryResult.DUPLICATE}
        await asyncio.sleep(0.5)
    assert bank.ids() == [m.message_id for m in messages]


async def test_a_bank_with_the_wrong_secret_terminates_the_messages_unhandled(
    broker: Broker,
) -> None:
    # a wrong signature is refused
    await broker.sender().send(broker.endpoint(), batch(5), NOW)
    impostor = Recorder()
    async with broker.bank(impostor, secret=WRONG_SECRET):

        async def all_refused() -> bool:
            return await broker.stored() == 0

        await eventually(all_refused)
    assert impostor.handled == []

    bank = Recorder()  # terminated means gone: the right key does not bring them back
    async with broker.bank(bank):
        await asyncio.sleep(1.5)
    assert bank.handled == []


async def test_a_message_the_bank_rejects_is_given_to_it_again_later(broker: Broker) -> None:
    messages = batch(3)

    def reject_the_middle_one_once(message: dict[str, Any], times: int) -> DeliveryResult:
        if message["message_id"] == messages[1].message_id and times == 1:
            return DeliveryResult.REJECTED
        return DeliveryResult.APPLIED

    await broker.sender().send(broker.endpoint(), messages, NOW)
    bank = Recorder(reject_the_middle_one_once)
    async with broker.bank(bank):

        async def all_applied() -> bool:
            return len(bank.handled) >= 4 and await broker.stored() == 0

        await eventually(all_applied)
    ids = [m.message_id for m in messages]
    assert bank.ids() == [ids[0], ids[1], ids[2], ids[1]]


async def test_a_handler_that_fails_gets_the_message_again(broker: Broker) -> None:
    [message] = batch(1)
    calls = 0

    async def flaky(body: dict[str, Any]) -> DeliveryResult:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("bank core system timeout")
        return DeliveryResult.DUPLICATE

    await broker.sender().send(broker.endpoint(), [message], NOW)
    async with broker.bank(flaky):

        async def acknowledged() -> bool:
            return calls >= 2 and await broker.stored() == 0

        await eventually(acknowledged)
    assert calls == 2


async def test_each_bank_reads_only_its_own_queue(broker: Broker) -> None:
    icbc, szb = batch(2), batch(3, card="320500000000000002")
    sender = broker.sender()
    await sender.send(broker.endpoint("ICBC"), icbc, NOW)
    await sender.send(broker.endpoint("SZB"), szb, NOW)
    at_szb = Recorder()
    async with broker.bank(at_szb, bank="SZB"):

        async def szb_done() -> bool:
            return len(at_szb.handled) >= 3

        await eventually(szb_done)
        await asyncio.sleep(0.3)
    assert at_szb.ids() == [m.message_id for m in szb]
    assert await broker.stored() == 2  # ICBC's wait for ICBC


async def test_a_bank_back_after_longer_than_the_tolerance_takes_what_waited(
    broker: Broker,
) -> None:
    # the bank is down for a while: every event arrives after it returns
    clock = running_clock(NOW)
    await broker.sender().send(broker.endpoint(), batch(2), clock())
    await asyncio.sleep(2.5)
    bank = Recorder()
    async with broker.bank(bank, clock_now=clock, tolerance_seconds=1):

        async def all_taken() -> bool:
            return len(bank.handled) >= 2 and await broker.stored() == 0

        await eventually(all_taken)


async def test_a_captured_message_published_again_later_is_refused(broker: Broker) -> None:
    clock = running_clock(NOW)
    [message] = batch(1)
    body = orjson.dumps(message.as_json())
    captured = signing.signed_headers(SECRET, clock(), body)
    await asyncio.sleep(2.5)
    # a new Nats-Msg-Id gets past the stream's duplicate check; the store time gives it away
    await broker.js.publish(
        subject_for("ICBC", broker.prefix),
        body,
        headers={**captured, "Nats-Msg-Id": str(uuid.uuid4())},
    )
    bank = Recorder()
    async with broker.bank(bank, clock_now=clock, tolerance_seconds=1):

        async def refused() -> bool:
            return await broker.stored() == 0

        await eventually(refused)
    assert bank.handled == []


async def test_a_message_larger_than_the_stream_allows_is_rejected_alone(broker: Broker) -> None:
    small, big = batch(2)
    big = Outgoing(
        big.message_id, big.sequence, big.topic, big.card_number, NOW, {"blob": "x" * 300_000}
    )
    outcomes = await broker.sender().send(broker.endpoint(), [small, big], NOW)
    results = {o.message_id: o for o in outcomes}
    assert results[small.message_id].result is DeliveryResult.APPLIED
    assert results[big.message_id].result is DeliveryResult.REJECTED
    assert results[big.message_id].error


async def test_an_unreachable_broker_makes_the_endpoint_unavailable_quickly(
    broker: Broker,
) -> None:
    sender = broker.sender("nats://127.0.0.1:1")
    started = time.monotonic()
    with pytest.raises(EndpointUnavailable) as refused:
        await sender.send(broker.endpoint(), batch(3), NOW)
    assert time.monotonic() - started < 3
    assert "127.0.0.1" not in refused.value.reason


async def test_the_sender_connects_again_after_its_connection_is_lost(broker: Broker) -> None:
    sender = broker.sender()
    await sender.send(broker.endpoint(), batch(1), NOW)
    assert sender._link is not None
    await sender._link.nc.close()  # as when the broker restarts
    outcomes = await sender.send(broker.endpoint(), batch(1), NOW)
    await sender.close()
    outcomes += await sender.send(broker.endpoint(), batch(1), NOW)
    assert [o.result for o in outcomes] == [DeliveryResult.APPLIED] * 2
    assert await broker.stored() == 3


async def test_a_bank_that_restarts_resumes_where_it_stopped(broker: Broker) -> None:
    messages = batch(5)
    await broker.sender().send(broker.endpoint(), messages, NOW)

    def stop_after_two(message: dict[str, Any], times: int) -> DeliveryResult:
        if len(first.handled) == 2:
            bank.stop.set()
        return DeliveryResult.APPLIED

    first = Recorder(stop_after_two)
    bank = broker.bank(first, batch=1)  # one at a time, so it stops right after the second
    await asyncio.wait_for(bank.task, 10)
    assert first.ids() == [m.message_id for m in messages[:2]]

    second = Recorder()
    async with broker.bank(second):

        async def rest_taken() -> bool:
            return len(second.handled) >= 3 and await broker.stored() == 0

        await eventually(rest_taken)
    assert second.ids() == [m.message_id for m in messages[2:]]


async def test_a_bank_waiting_for_an_unreachable_broker_stops_when_told() -> None:
    stop = asyncio.Event()
    bank = Recorder()
    task = asyncio.create_task(
        consume("nats://127.0.0.1:1", "ICBC", SECRET, bank, stop, lambda: NOW)
    )
    await asyncio.sleep(0.5)
    assert not task.done()
    stop.set()
    await asyncio.wait_for(task, 3)


async def test_a_stream_removed_under_the_sender_is_made_again_on_the_next_send(
    broker: Broker,
) -> None:
    sender = broker.sender()
    await sender.send(broker.endpoint(), batch(1), NOW)
    await broker.js.delete_stream(broker.stream)
    with pytest.raises(EndpointUnavailable) as refused:
        await sender.send(broker.endpoint(), batch(1), NOW)
    assert "no stream" in refused.value.reason
    outcomes = await sender.send(broker.endpoint(), batch(2), NOW)
    assert [o.result for o in outcomes] == [DeliveryResult.APPLIED] * 2
    assert await broker.stored() == 2
