"""The delta exchange as the tests drive it: sscard served over HTTP, the three other
provinces' simulated nodes served beside it and linked, their clocks at the tests' moment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from delta_simulator.app import Province, Simulator
from delta_simulator.app import create_app as simulator_app
from delta_simulator.cards import generate
from sscard.delta import service as delta
from sscard.kernel.actor import OPERATOR
from tests.support.api import Api
from tests.support.serving import serving


class Delta:
    """The simulated nodes, reachable at `url`, and their controls."""

    def __init__(self, sim: Simulator, url: str, linked: dict[str, dict[str, Any]]) -> None:
        self.sim, self.url, self.linked = sim, url, linked

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        async with httpx.AsyncClient(base_url=self.url, trust_env=False, timeout=10) as http:
            r = await http.request(method, f"/control{path}", json=body)
        assert r.status_code == 200, r.text
        return r.json()

    def card(self, province: str, status: str = "normal", filed: bool | None = None) -> str:
        """A generated card of `province` in `status` (and with or without a filing for 32)."""
        for c in self.sim.provinces[province].cards.values():
            if c.status.value == status and (filed is None or ("32" in c.filing_to) == filed):
                return c.number
        raise AssertionError(f"no {status} card in {province}")

    async def ask(self, province: str, **question: Any) -> dict[str, Any]:
        """A question of a node about a Jiangsu card, over the wire, as its scene would ask."""
        return dict(await self.control("POST", f"/provinces/{province}/ask", question))


@asynccontextmanager
async def delta_nodes(api: Api, app: FastAPI, cards: int = 60) -> AsyncIterator[Delta]:
    """Serve sscard and the simulator, and link the three nodes to it."""
    async with serving(app) as sscard_url:
        offset = api.rt.clock.now() - datetime.now(UTC)
        sim = Simulator(sscard_url, {}, None, offset)
        async with serving(simulator_app(sim)) as url:
            linked = {}
            async with api.rt.unit(OPERATOR) as ctx:
                for code in ("31", "33", "34"):
                    base = f"{url}/provinces/{code}"
                    linked[code] = await delta.link_node(ctx, code, base, renew=True)
            for code, node in linked.items():
                secret = bytes.fromhex(node["signing_key"])
                sim.provinces[code] = Province(code, node["token"], secret,
                                               generate(code, cards, 7))  # fmt: skip
            yield Delta(sim, url, linked)
