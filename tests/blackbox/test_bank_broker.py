"""Delivery to banks through the real broker (NATS JetStream on this machine), end to end.

The service publishes to the bank's queue; the simulated bank reads it, opens the account and
reports back over HTTP. SPEC ISS-2.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import date

import httpx
import nats
import pytest

from tests.blackbox.bank_stack import Stack, bank_stack, produced_card, wait_for

NATS_URL = "nats://127.0.0.1:4222"


async def _delete_stream(name: str) -> None:
    nc = await nats.connect(NATS_URL, max_reconnect_attempts=1)
    try:
        await nc.jetstream().delete_stream(name)
    except nats.js.errors.NotFoundError:
        pass
    finally:
        await nc.close()


@pytest.fixture(scope="module")
def broker_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tag = uuid.uuid4().hex[:8]
    stream = f"SSCARD_BB_{tag}"
    env = {"SSCARD_NATS_STREAM": stream, "SSCARD_NATS_SUBJECT_PREFIX": f"sscard.bb{tag}"}
    try:
        with bank_stack(tmp_path_factory.mktemp("broker"), "nats", env) as running:
            yield running
    finally:
        asyncio.run(_delete_stream(stream))


def test_production_data_goes_through_the_broker_and_the_account_comes_back(
    broker_stack: Stack,
) -> None:
    stack = broker_stack
    clerk = stack.token("outlet_clerk", "--outlet", "3204-HR-001")
    with httpx.Client(base_url=stack.base, timeout=10) as http:
        endpoint = next(
            e
            for e in http.get("/api/v1/delivery-endpoints", headers=stack.admin).json()
            if e["recipient"] == "ICBC"
        )
        assert endpoint["transport"] == "nats"
        number = produced_card(stack, http, clerk, date(1986, 9, 10))["card"]["card_number"]
        card = wait_for(
            lambda: (c := stack.card(http, number))["financial_status"] == "account_opened" and c,
            what="the account opened through the broker",
        )
        assert "*" in card["account"]
        stats = stack.sim_stats()
        assert stats["batches"].get("broker_messages", 0) >= 1
        assert stats["messages"]["applied"] >= 1
