"""Connect the bank simulator to this service: one bank system, secret and endpoint per bank.

`make run` (tools/devstack) calls this through `sscard banks link-simulator` before it starts the
simulator (tools/bank_simulator, its own process), so that the demo delivers production data to
the simulated banks and their reports come back. The simulator's configuration file holds each
bank's token and shared secret; it is written 0600, like the administrator's token. Linking
again keeps the secrets and the tokens that still work, so a restart changes nothing for banks.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from sscard.actors import service as actors
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.crypto import write_secret
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.kernel.runtime import Runtime
from sscard.platform.outbox.nats_stream import subject_for
from sscard.platform.outbox.protocol import Transport
from sscard.platform.outbox.service import set_endpoint
from sscard.registry.reference import repository as reference


async def link_simulator(
    rt: Runtime,
    config_path: Path,
    sim_url: str,
    sscard_url: str,
    transport: Transport = Transport.HTTP,
) -> dict[str, Any]:
    """Write the simulator's configuration and point every bank's endpoint at the simulator."""
    config = _read(config_path)
    known: dict[str, dict[str, str]] = config.get("banks", {})
    linked: dict[str, dict[str, str]] = {}
    async with rt.unit(OPERATOR) as ctx:
        for bank in await reference.list_banks(ctx.conn):
            code = bank.code
            entry = known.get(code, {})
            secret_hex = entry.get("secret_hex") or secrets.token_hex(32)
            token = entry.get("token")
            if not token or not await _token_works(ctx, token, code):
                new = actors.NewActor(
                    Role.BANK_SYSTEM, f"模拟银行 simulated {code}", bank_code=code
                )
                _, token = await actors.create_actor(ctx, new)
            await set_endpoint(
                ctx,
                code,
                transport,
                _delivery_url(transport, sim_url, code, rt.settings.nats_subject_prefix),
                f"{sim_url}/banks/{code}/statement",
                bytes.fromhex(secret_hex),
            )
            linked[code] = {"secret_hex": secret_hex, "token": token}
    s = rt.settings
    config = {
        "sscard_url": sscard_url,
        "transport": transport.value,
        "nats_url": s.nats_url,
        "nats_stream": s.nats_stream,
        "nats_subject_prefix": s.nats_subject_prefix,
        "banks": linked,
    }
    write_secret(config_path, json.dumps(config, indent=2))
    return {"banks": sorted(linked), "config": str(config_path), "transport": transport.value}


def _delivery_url(transport: Transport, sim_url: str, code: str, prefix: str) -> str:
    if transport is Transport.NATS:
        return subject_for(code, prefix)
    return f"{sim_url}/banks/{code}/webhook"


async def _token_works(ctx: Ctx, token: str, bank_code: str) -> bool:
    """Whether the token is an active bank system of this bank.

    Read in the unit's own transaction: on SQLite a second connection would wait for the write
    lock this unit holds (and give up after the busy timeout, "database is locked").
    """
    try:
        actor = await actors.authenticate(ctx.conn, token)
    except DomainError:
        return False
    return actor.role is Role.BANK_SYSTEM and actor.bank_code == bank_code


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded
