"""`python -m bank_simulator` as its own process over real HTTP, calling back a real HTTP
receiver. SPEC ISS-2, ISS-4, LOSS-2; the wire follows sscard.banks.protocol."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bank_simulator.rules import luhn_valid
from sscard.banks.protocol import AS_OF_HEADER, Topic
from sscard.platform.outbox.signing import signed_headers, verify
from tests.support.bank_sim import (
    Receiver,
    free_port,
    message,
    results,
    signed_batch,
    start_sim_process,
    stop_process,
    write_config,
)

SECRET = bytes.fromhex("5a" * 32)
TOKEN = "token-icbc-process"
CARD = "C00000001"


@dataclass
class Served:
    client: httpx.AsyncClient
    receiver: Receiver
    db: Path


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    receiver = Receiver({TOKEN: SECRET})
    config = write_config(
        tmp_path / "bank-sim.json",
        receiver.url,
        {"ICBC": {"secret_hex": SECRET.hex(), "token": TOKEN}},
        transport="http",
        retry_base_seconds=0.05,
        retry_max_seconds=0.3,
        poll_seconds=0.05,
    )
    port = free_port()
    db = tmp_path / "bank-sim.db"
    proc = await start_sim_process(config, db, port, tmp_path / "bank-sim.log")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield Served(client, receiver, db)
    finally:
        await stop_process(proc)
        await receiver.stop()


def _now() -> datetime:
    return datetime.now(UTC)


async def _send(served: Served, *messages: object, now: datetime | None = None) -> httpx.Response:
    body, headers = signed_batch(SECRET, now or _now(), list(messages))  # type: ignore[arg-type]
    return await served.client.post("/banks/ICBC/webhook", content=body, headers=headers)


async def test_served_simulator_opens_an_account_and_calls_back_until_heard(
    served: Served,
) -> None:
    # SPEC ISS-2: production data in, the account number back; the receiver is down at first.
    opened = message(
        Topic.ACCOUNT_REQUESTED, CARD, 7, {"card_number": CARD, "name": "李四"}, _now()
    )
    response = await _send(served, opened)
    assert response.status_code == 200, response.text
    assert results(response) == ["applied"]
    assert results(await _send(served, opened)) == ["duplicate"]
    activated = await served.client.post(
        f"/banks/ICBC/teller/cards/{CARD}/activate", json={"outlet_code": "3204-BANK-001"}
    )
    assert activated.status_code == 200, activated.text
    async with asyncio.timeout(5):
        for _ in range(100):
            pending = await _reports(served, "pending")
            if pending and pending[0]["attempts"]:
                break
            await asyncio.sleep(0.05)
    assert pending[0]["last_error"] == "ConnectError"
    assert pending[1]["attempts"] == 0
    await served.receiver.start()
    got = await served.receiver.wait_for(2)
    assert [(r["sequence"], r["type"]) for r in got] == [
        (1, "account_opened"),
        (2, "financial_activated"),
    ]
    assert luhn_valid(got[0]["account_number"])
    assert got[1]["outlet_code"] == "3204-BANK-001"
    assert all(r.signature_ok and r.token == TOKEN for r in served.receiver.received)


async def test_served_statement_is_signed_and_the_cli_writes_the_same_file(
    served: Served,
) -> None:
    for n, card in enumerate(("C00000001", "C00000002"), start=1):
        m = message(Topic.ACCOUNT_REQUESTED, card, n, {"card_number": card}, _now())
        assert results(await _send(served, m)) == ["applied"]
    loss = await served.client.post(
        "/banks/ICBC/teller/cards/C00000002/formal-loss", json={"outlet_code": "3204-BANK-001"}
    )
    assert loss.status_code == 200
    response = await served.client.get(
        "/banks/ICBC/statement", headers=signed_headers(SECRET, _now(), b"")
    )
    assert response.status_code == 200, response.text
    verify(SECRET, response.headers, response.content, _now())
    assert datetime.fromisoformat(response.headers[AS_OF_HEADER]) <= _now()
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["card_number"], r["financial_status"]) for r in rows] == [
        ("C00000001", "account_opened"),
        ("C00000002", "lost"),
    ]
    assert all(luhn_valid(r["account_number"]) for r in rows)
    cli = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bank_simulator", "statement"),
        *("--bank", "ICBC", "--db", str(served.db)),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await cli.communicate()
    assert cli.returncode == 0
    assert out == response.content


async def test_served_outage_signature_and_clock_controls(served: Served) -> None:
    m = message(Topic.ACCOUNT_REQUESTED, CARD, 1, {"card_number": CARD}, _now())
    down = await served.client.post("/control/outage", json={"bank": "ICBC", "down": True})
    assert down.status_code == 200
    assert (await _send(served, m)).status_code == 503
    await served.client.post("/control/outage", json={"bank": "ICBC", "down": False})
    body, headers = signed_batch(bytes(32), _now(), [m])
    wrong = await served.client.post("/banks/ICBC/webhook", content=body, headers=headers)
    assert wrong.status_code == 401
    # An hour ahead on the simulator's clock: today's stamps are too old, and its own are ahead.
    clock = await served.client.post("/control/clock", json={"offset_seconds": 3600})
    assert clock.json()["offset_seconds"] == 3600
    assert (await _send(served, m)).status_code == 401
    ahead = datetime.fromtimestamp(time.time() + 3600, UTC)
    assert results(await _send(served, m, now=ahead)) == ["applied"]
    await served.receiver.start()
    [report] = await served.receiver.wait_for(1)
    assert report["type"] == "account_opened"
    assert served.receiver.received[0].timestamp >= int(time.time()) + 3500
    stats = (await served.client.get("/banks/ICBC/stats")).json()
    assert stats["batches"] == {"unavailable": 1, "signature_refused": 2, "accepted": 1}
    health = (await served.client.get("/health")).json()
    assert health["banks"] == ["ICBC"]


async def _reports(served: Served, status: str) -> list[dict[str, object]]:
    response = await served.client.get("/banks/ICBC/reports", params={"status": status})
    items: list[dict[str, object]] = response.json()["items"]
    return items
