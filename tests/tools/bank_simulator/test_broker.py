"""The bank simulator reading its queue on the real NATS JetStream server of this machine.

Each test has its own stream (made by sscard's ensure_stream, as the service makes it) and
subjects, deleted at its end. SPEC ISS-2; sscard's banks/protocol.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nats
import nats.js.errors
import orjson
import pytest
from nats.js import JetStreamContext

from bank_simulator.app import Simulator, create_app
from bank_simulator.config import BankConfig, SimConfig
from sscard.banks.protocol import Topic
from sscard.platform.outbox.nats_stream import ensure_stream
from sscard.platform.outbox.signing import signed_headers
from tests.support.bank_sim import message

NATS_URL = os.environ.get("SSCARD_TEST_NATS_URL", "nats://127.0.0.1:4222")
SECRET = bytes.fromhex("33" * 32)
CARD = "D00000001"


@dataclass
class Queue:
    js: JetStreamContext
    prefix: str
    sim: Simulator
    client: httpx.AsyncClient

    async def publish(self, *messages: Any, secret: bytes = SECRET) -> None:
        for m in messages:
            body = orjson.dumps(m.as_json())
            headers = signed_headers(secret, self.sim.clock.now(), body)
            await self.js.publish(f"{self.prefix}.ICBC", body, headers=headers)

    async def account(self, card: str) -> dict[str, Any] | None:
        """The simulator's account for the card, once it has one (at most 10 s)."""
        async with asyncio.timeout(10):
            for _ in range(500):
                response = await self.client.get(f"/banks/ICBC/accounts/{card}")
                if response.status_code == 200:
                    found: dict[str, Any] = response.json()
                    return found
                await asyncio.sleep(0.02)
        return None


@pytest.fixture
async def queue(tmp_path: Path) -> AsyncIterator[Queue]:
    try:
        nc = await nats.connect(NATS_URL, allow_reconnect=False, connect_timeout=2)
    except Exception as exc:
        pytest.fail(f"NATS is not reachable at {NATS_URL} ({type(exc).__name__})")
    js = nc.jetstream()
    run = uuid.uuid4().hex[:12]
    stream, prefix = f"SSCARD_SIMTEST_{run.upper()}", f"sscard.simtest.{run}"
    await ensure_stream(js, stream, (f"{prefix}.>",))
    config = SimConfig(
        sscard_url="http://127.0.0.1:9",
        banks={"ICBC": BankConfig(secret_hex=SECRET.hex(), token="t")},
        transport="nats",
        nats_url=NATS_URL,
        nats_stream=stream,
        nats_subject_prefix=prefix,
        send_reports=False,
    )
    sim = await Simulator.open(config, str(tmp_path / "sim.db"))
    sim.start()
    transport = httpx.ASGITransport(app=create_app(sim))
    async with httpx.AsyncClient(transport=transport, base_url="http://bank-sim.test") as client:
        yield Queue(js, prefix, sim, client)
    await sim.close()
    with contextlib.suppress(nats.js.errors.NotFoundError):
        await js.delete_stream(stream)
    await nc.close()


async def test_a_queued_account_request_opens_the_account(queue: Queue) -> None:
    # SPEC ISS-2: over the broker as over the webhook
    now = queue.sim.clock.now()
    opened = message(Topic.ACCOUNT_REQUESTED, CARD, 1, {"card_number": CARD}, now)
    await queue.publish(opened, opened)
    account = await queue.account(CARD)
    assert account is not None
    assert account["financial_status"] == "account_opened"
    stats = (await queue.client.get("/banks/ICBC/stats")).json()
    assert stats["messages"]["applied"] == 1


async def test_a_wrongly_signed_queued_message_is_not_applied(queue: Queue) -> None:
    now = queue.sim.clock.now()
    forged = message(Topic.ACCOUNT_REQUESTED, CARD, 1, {"card_number": CARD}, now)
    real = message(Topic.ACCOUNT_REQUESTED, "D00000002", 2, {"card_number": "D00000002"}, now)
    await queue.publish(forged, secret=bytes(32))
    await queue.publish(real)
    assert await queue.account("D00000002") is not None
    assert (await queue.client.get(f"/banks/ICBC/accounts/{CARD}")).status_code == 404


async def test_a_bank_down_takes_its_queue_when_it_is_back(queue: Queue) -> None:
    await queue.client.post("/control/outage", json={"bank": "ICBC", "down": True})
    now = queue.sim.clock.now()
    await queue.publish(message(Topic.ACCOUNT_REQUESTED, CARD, 1, {"card_number": CARD}, now))
    await asyncio.sleep(0.3)
    assert (await queue.client.get(f"/banks/ICBC/accounts/{CARD}")).status_code == 404
    await queue.client.post("/control/outage", json={"bank": "ICBC", "down": False})
    assert await queue.account(CARD) is not None
