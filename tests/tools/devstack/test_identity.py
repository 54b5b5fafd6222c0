"""devstack's check that the process on the simulator's port is the simulator it started: its
own computation of the proof against the simulator's (two implementations of one scheme), and
answers a foreign or stale process could give."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bank_simulator.app import Simulator, create_app
from bank_simulator.config import BankConfig, SimConfig
from devstack import identity
from tests.support.serving import serving

KEYS = {"ICBC": bytes.fromhex("11" * 32), "SZB": bytes.fromhex("22" * 32)}
NONCE = "ab" * 32


async def _check(url: str, nonce: str = NONCE, keys: dict[str, bytes] = KEYS) -> None:
    await asyncio.to_thread(identity.check, url, nonce, keys)


@pytest.fixture
async def simulator(tmp_path: Path) -> Any:
    config = SimConfig(
        sscard_url="http://127.0.0.1:9",
        banks={code: BankConfig(secret_hex=key.hex(), token=code) for code, key in KEYS.items()},
        send_reports=False,
    )
    sim = await Simulator.open(config, str(tmp_path / "sim.db"), instance_nonce=NONCE)
    async with serving(create_app(sim)) as url:
        yield url
    await sim.close()


async def test_the_simulator_started_with_the_nonce_passes(simulator: str) -> None:
    await _check(simulator)


async def test_another_instance_of_the_same_simulator_does_not(simulator: str) -> None:
    # The same configuration and secrets, but not the nonce of this start: e.g. a simulator
    # left running by an earlier start of the same checkout.
    with pytest.raises(identity.NotOurSimulator, match="ICBC"):
        await _check(simulator, nonce="cd" * 32)


async def test_a_simulator_of_other_secrets_does_not(simulator: str) -> None:
    other = {**KEYS, "SZB": bytes(32)}
    with pytest.raises(identity.NotOurSimulator, match="SZB"):
        await _check(simulator, keys=other)


async def test_a_simulator_missing_a_bank_does_not(simulator: str) -> None:
    with pytest.raises(identity.NotOurSimulator, match="configured banks"):
        await _check(simulator, keys={**KEYS, "ABC": bytes(32)})


def _foreign(answer: Any, status: int = 200) -> Starlette:
    async def prove(request: Request) -> JSONResponse:
        return JSONResponse(answer, status_code=status)

    return Starlette(routes=[Route("/control/identity", prove, methods=["POST"])])


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ({"proofs": {"ICBC": "hmac-sm3=00", "SZB": "hmac-sm3=00"}}, 200),  # made-up proofs
        ({"proofs": {"ICBC": 1, "SZB": None}}, 200),
        ({"proofs": "yes"}, 200),
        (["not", "an", "object"], 200),
        ({"code": "not_found"}, 404),  # anything else that answers HTTP
    ],
)
async def test_a_foreign_server_does_not(answer: Any, status: int) -> None:
    async with serving(_foreign(answer, status)) as url:
        with pytest.raises(identity.NotOurSimulator):
            await _check(url)


async def test_nothing_listening_does_not() -> None:
    with pytest.raises(identity.NotOurSimulator):
        await _check("http://127.0.0.1:9")


def test_the_scheme_is_the_simulator_s() -> None:
    from bank_simulator.identity import proof

    for code, key in KEYS.items():
        assert identity.expected(key, NONCE, "c0" * 32, code) == proof(key, NONCE, "c0" * 32, code)
    assert identity.NONCE_ENV == "BANK_SIM_INSTANCE_NONCE"
