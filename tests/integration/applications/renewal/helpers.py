"""Shared steps of the replacement/exchange/upgrade tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.api import Api


async def change_policy(api: Api, city: str, effective_from: str, **rules: Any) -> None:
    """Put a new policy in force for the city, copying the current one with some rules changed."""
    r = await api.get(f"/api/v1/cities/{city}/policies", "admin")
    current = dict(r.json()[-1]["rules"])
    current.update(rules)
    r = await api.post(
        f"/api/v1/cities/{city}/policies",
        "admin",
        {"effective_from": effective_from, "rules": current},
    )
    assert r.status_code == 201, r.text


async def exchange(
    api: Api, number: str, reason: str, as_: str = "clerk_instant", **extra: Any
) -> httpx.Response:
    body = {"reason": reason, "old_card_returned": True, **extra}
    return await api.card_post(number, "exchange", as_, body)


async def collect(
    api: Api, reference: str, doc: dict[str, Any], as_: str = "clerk_instant"
) -> dict[str, Any]:
    """Produce (if a fast outlet) and collect; returns the application view."""
    r = await api.get(f"/api/v1/applications/{reference}", "admin")
    if r.json()["status"] == "accepted":
        for action in ("start-production", "finish-production", "deliver-to-outlet"):
            assert (await api.step(reference, action)).status_code == 200
    r = await api.post(f"/api/v1/applications/{reference}/collect", as_, {"document": doc})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def outbox_topics(api: Api) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from sscard.kernel.actor import OPERATOR
    from sscard.platform.outbox.models import outbox

    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        rows = await ctx.conn.execute(
            select(outbox.c.topic, outbox.c.recipient).order_by(outbox.c.id)
        )
        return [(r.topic, r.recipient) for r in rows]
