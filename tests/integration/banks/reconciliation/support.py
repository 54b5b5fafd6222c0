"""What the reconciliation tests share: statements, a signed statement server, direct reads."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select, update

from sscard.banks.protocol import AS_OF_HEADER, STATEMENT_COLUMNS
from sscard.cards.models import cards
from sscard.kernel.actor import OPERATOR
from sscard.kernel.masking import mask_account
from sscard.platform.outbox import signing
from sscard.platform.outbox.models import delivery_endpoints, outbox
from sscard.platform.outbox.signing import SignatureRefused
from tests.support.api import Api
from tests.support.serving import serving as serve_asgi

SECRET = bytes(range(40, 72))
ACCOUNT = "6222020000001234"
RUNS = "/api/v1/banks/ICBC/reconciliations"
Line = tuple[str, str, str]


def statement(*lines: Line) -> bytes:
    rows = [",".join(STATEMENT_COLUMNS), *(",".join(line) for line in lines)]
    return ("\n".join(rows) + "\n").encode()


async def upload(
    api: Api,
    body: bytes,
    bank: str = "ICBC",
    as_: str = "admin",
    as_of: datetime | None = None,
) -> httpx.Response:
    params = {"as_of": as_of.isoformat()} if as_of else {}
    return await api.post(
        f"/api/v1/banks/{bank}/reconciliations",
        as_,
        content=body,
        headers={"Content-Type": "text/csv"},
        params=params,
    )


async def reconciled(api: Api, *lines: Line, bank: str = "ICBC") -> dict[str, Any]:
    """Upload a statement of these lines; the finished run with all its differences."""
    r = await upload(api, statement(*lines), bank)
    assert r.status_code == 201, r.text
    run: dict[str, Any] = r.json()
    assert run["status"] == "finished", run
    run["found"] = await differences(api, run["id"])
    return run


async def differences(api: Api, run_id: int, **params: Any) -> list[dict[str, Any]]:
    r = await api.get(f"/api/v1/reconciliations/{run_id}", "admin", params=params)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["differences_page"]["items"]
    return items


def kinds(run: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """card number -> (kind, repair), for runs with one difference per card."""
    return {d["card_number"]: (d["kind"], d["repair"]) for d in run["found"]}


async def card_row(api: Api, number: str) -> dict[str, Any]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        row = (await ctx.conn.execute(select(cards).where(cards.c.card_number == number))).one()
    return dict(row._mapping)


async def set_card(api: Api, number: str, **values: Any) -> None:
    async with api.rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(update(cards).where(cards.c.card_number == number).values(values))


async def open_account(
    api: Api, number: str, account: str, status: str = "active", *, indexed: bool = True
) -> None:
    """The card's account as the bank integration records it (indexed) or older rows did."""
    vault = api.rt.vault
    await set_card(
        api,
        number,
        financial_status=status,
        account_number_enc=vault.encrypt(account),
        account_masked=mask_account(account),
        account_index=vault.index(account) if indexed else None,
    )


async def outbox_rows(api: Api, topic: str) -> list[dict[str, Any]]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = select(outbox).where(outbox.c.topic == topic).order_by(outbox.c.id)
        return [dict(r._mapping) for r in await ctx.conn.execute(stmt)]


async def deliver_everything(api: Api) -> None:
    """As if the dispatcher had delivered every waiting message."""
    async with api.rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(update(outbox).values(status="delivered", delivered_at=ctx.now))


async def history(api: Api, number: str) -> list[dict[str, Any]]:
    r = await api.get(f"/api/v1/cards/{number}/history", "admin")
    assert r.status_code == 200, r.text
    rows: list[dict[str, Any]] = r.json()
    return rows


async def set_statement_endpoint(api: Api, bank: str, url: str, secret: bytes = SECRET) -> None:
    async with api.rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(
            delivery_endpoints.insert().values(
                recipient=bank,
                transport="http",
                url="http://127.0.0.1:9/webhook",
                statement_url=url,
                secret_enc=api.rt.vault.encrypt(secret),
                enabled=True,
                consecutive_failures=0,
                updated_at=ctx.now,
            )
        )


# ---- a bank's statement API on a real port ----

Scope = dict[str, Any]
Message = dict[str, Any]


class StatementServer:
    """GET answers the statement, signed; a request not signed with the secret gets 401."""

    def __init__(self, now: Callable[[], datetime], secret: bytes = SECRET) -> None:
        self.now = now
        self.secret = secret
        self.sign_with = secret  # another key makes every answer's signature wrong
        self.body = statement()
        self.as_of: datetime | None = None  # default: the moment of the request
        self.down = False
        self.requests = 0
        self.refused = 0

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            return
        self.requests += 1
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        status, body, extra = 200, self.body, {}
        try:
            signing.verify(self.secret, headers, b"", self.now())
        except SignatureRefused:
            self.refused += 1
            status, body = 401, b"unsigned"
        if self.down:
            status, body = 503, b"down"
        if status == 200:
            extra = {
                **signing.signed_headers(self.sign_with, self.now(), body),
                AS_OF_HEADER: (self.as_of or self.now()).isoformat(),
            }
        raw = [(b"content-type", b"text/csv")]
        raw += [(k.encode(), v.encode()) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """Serve an ASGI app on a free 127.0.0.1 port; yields its base URL + /statement."""
    async with serve_asgi(app) as base:
        yield f"{base}/statement"
