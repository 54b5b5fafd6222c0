"""Connect the delta simulator (tools/delta_simulator) to this service: one node per other
province, pointed at the simulator, with the token and key it uses to ask sscard.

`make run` (tools/devstack) calls this through `sscard delta link-simulator` before it starts
the simulator. The simulator's configuration file holds each node's token and key; it is written
0600, like the administrator's token. Linking again keeps what still works, so a restart
changes nothing; a node whose token was lost is renewed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sscard.actors import service as actors
from sscard.delta import service as delta
from sscard.delta.rules import PEERS
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.crypto import write_secret
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.kernel.runtime import Runtime


async def link_simulator(
    rt: Runtime, config_path: Path, sim_url: str, sscard_url: str
) -> dict[str, Any]:
    """Write the simulator's configuration and point every other province's node at it."""
    known: dict[str, dict[str, str]] = _read(config_path).get("provinces", {})
    linked: dict[str, dict[str, str]] = {}
    async with rt.unit(OPERATOR) as ctx:
        for code in sorted(PEERS):
            entry = known.get(code, {})
            works = bool(entry.get("token")) and await _token_works(ctx, entry["token"])
            node = await delta.link_node(
                ctx, code, f"{sim_url.rstrip('/')}/provinces/{code}", renew=not works
            )
            if node["token"] is not None:
                entry = {"token": node["token"], "secret_hex": node["signing_key"]}
            linked[code] = entry
    config = {"sscard_url": sscard_url, "jiangsu": "32", "provinces": linked}
    write_secret(config_path, json.dumps(config, indent=2))
    return {"provinces": sorted(linked), "config": str(config_path)}


async def _token_works(ctx: Ctx, token: str) -> bool:
    """Whether the token is an active delta node's (read in the unit's own transaction)."""
    try:
        actor = await actors.authenticate(ctx.conn, token)
    except DomainError:
        return False
    return actor.role is Role.DELTA_NODE


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded
