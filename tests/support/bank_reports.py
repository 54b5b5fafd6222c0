"""A bank telling sscard about a card's financial function, the only way it can: a signed,
sequenced report to POST /api/v1/bank-reports (issue 11 removed the unsigned route)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import orjson
from sqlalchemy import insert, select

from sscard.banks.models import bank_card_sequences
from sscard.banks.protocol import FINANCIAL_REPORTS
from sscard.cards.models import cards
from sscard.kernel.actor import OPERATOR
from sscard.platform.outbox.models import delivery_endpoints
from sscard.platform.outbox.signing import signed_headers
from tests.support.api import Api

BANK_OF_TOKEN = {"bank_icbc": "ICBC", "bank_szb": "SZB"}
REPORT_OF_EVENT = {event.value: report.value for report, event in FINANCIAL_REPORTS.items()}
_ids = itertools.count(1)


SECRETS = {
    "ICBC": b"icbc-shared-secret-for-tests-0001",
    "SZB": b"szb-shared-secret-for-tests-00001",
}


def secret_of(bank: str) -> bytes:
    return SECRETS[bank]


async def bank_report(api: Api, card_number: str, as_: str, body: dict[str, Any]) -> httpx.Response:
    """`as_` reports `body` ({"event": ..., "account_number": ...}, the mirror's words) about the
    card as the bank's signed report with the card's next sequence."""
    bank = BANK_OF_TOKEN.get(as_, "ICBC")
    secret = await connect(api, bank)
    report = {
        "message_id": f"{bank}-{card_number}-support-{next(_ids)}",
        "card_number": card_number,
        "sequence": await _next_sequence(api, bank, card_number),
        "type": REPORT_OF_EVENT[body["event"]],
        "occurred_at": api.rt.clock.now().isoformat(),
        **({"account_number": body["account_number"]} if body.get("account_number") else {}),
    }
    raw = orjson.dumps(report)
    headers = signed_headers(secret, api.rt.clock.now(), raw)
    headers["Content-Type"] = "application/json"
    return await api.call("POST", "/api/v1/bank-reports", as_, content=raw, headers=headers)


async def connect(api: Api, bank: str) -> bytes:
    """The bank's signing key: the one its delivery endpoint holds, or a new endpoint's."""
    async with api.rt.unit(OPERATOR) as ctx:
        stmt = select(delivery_endpoints.c.secret_enc).where(delivery_endpoints.c.recipient == bank)
        sealed = (await ctx.conn.execute(stmt)).scalar_one_or_none()
        if sealed is not None:
            return api.rt.vault.decrypt_bytes(sealed)
        row = {
            "recipient": bank,
            "transport": "http",
            "url": f"http://bank.test/{bank.lower()}",
            "secret_enc": api.rt.vault.encrypt(secret_of(bank)),
            "enabled": True,
            "consecutive_failures": 0,
            "updated_at": ctx.now,
        }
        await ctx.conn.execute(insert(delivery_endpoints), [row])
    return secret_of(bank)


async def _next_sequence(api: Api, bank: str, card_number: str) -> int:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = (
            select(bank_card_sequences.c.last_sequence)
            .select_from(
                bank_card_sequences.join(cards, cards.c.id == bank_card_sequences.c.card_id)
            )
            .where(bank_card_sequences.c.bank_code == bank, cards.c.card_number == card_number)
        )
        last = (await ctx.conn.execute(stmt)).scalar_one_or_none()
    return (last or 0) + 1
