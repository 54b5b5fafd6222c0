"""A bank's reports through POST /api/v1/bank-reports, one per type, with real signatures.

SPEC ISS-2 (account opened), ISS-4 (financial activation, on-site visits), LOSS-1..4 (the bank's
own financial loss, formal loss and unlock at its counters), CAN-3 (account closed). The other
test modules of the inbox import the `banks` fixture and `BankSide` from here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import insert, select

from sscard.banks.models import bank_inbox
from sscard.cards.models import cards
from sscard.kernel.actor import OPERATOR
from sscard.platform.outbox.models import delivery_endpoints, outbox
from sscard.platform.outbox.signing import signed_headers
from sscard.registry.reference.models import outlets
from tests.support.api import Api
from tests.support.bank_reports import SECRETS

OCCURRED = "2026-11-23T09:30:00+08:00"
ACCOUNT = "6222020000001234"


class BankSide:
    """One bank's system as it calls us: signed POSTs, sequences it counts itself."""

    def __init__(self, api: Api, code: str = "ICBC", as_: str = "bank_icbc") -> None:
        self.api, self.code, self.as_ = api, code, as_

    def body(self, card: str, type_: str, sequence: int, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": fields.pop("message_id", f"{self.code}-{card}-{sequence}"),
            "card_number": card,
            "sequence": sequence,
            "type": type_,
            "occurred_at": OCCURRED,
            **fields,
        }

    async def post_raw(
        self, raw: bytes, *, secret: bytes | None = None, at: datetime | None = None
    ) -> httpx.Response:
        headers = signed_headers(secret or SECRETS[self.code], at or self.api.rt.clock.now(), raw)
        headers["Content-Type"] = "application/json"
        return await self.api.call(
            "POST", "/api/v1/bank-reports", self.as_, content=raw, headers=headers
        )

    async def send(self, card: str, type_: str, sequence: int, **fields: Any) -> httpx.Response:
        return await self.post_raw(orjson.dumps(self.body(card, type_, sequence, **fields)))

    async def ok(self, card: str, type_: str, sequence: int, **fields: Any) -> dict[str, Any]:
        r = await self.send(card, type_, sequence, **fields)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "applied", r.text
        body: dict[str, Any] = r.json()
        return body


@pytest.fixture
async def banks(api: Api) -> dict[str, BankSide]:
    """ICBC and Bank of Suzhou connected: their endpoints hold the shared signing keys."""
    now = api.rt.clock.now()
    rows = [
        {
            "recipient": code,
            "transport": "http",
            "url": f"http://bank.test/{code.lower()}",
            "secret_enc": api.rt.vault.encrypt(secret),
            "enabled": True,
            "consecutive_failures": 0,
            "updated_at": now,
        }
        for code, secret in SECRETS.items()
    ]
    async with api.rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(insert(delivery_endpoints), rows)
    return {"ICBC": BankSide(api), "SZB": BankSide(api, "SZB", "bank_szb")}


async def history(api: Api, card: str) -> list[dict[str, Any]]:
    r = await api.get(f"/api/v1/cards/{card}/history", "admin")
    assert r.status_code == 200, r.text
    rows: list[dict[str, Any]] = r.json()
    return rows


async def outlet_id(api: Api, code: str) -> int:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = select(outlets.c.id).where(outlets.c.code == code)
        return int((await ctx.conn.execute(stmt)).scalar_one())


async def bank_messages(api: Api, card: str) -> list[dict[str, Any]]:
    """The card-status messages queued for banks about this card, oldest first."""
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = select(outbox).where(outbox.c.topic == "bank.card_status_changed")
        rows = (await ctx.conn.execute(stmt.order_by(outbox.c.id))).mappings().all()
    return [dict(r) for r in rows if r["payload"]["card_number"] == card]


async def opened(bank: BankSide, card: str, active: bool = True) -> int:
    """The account opened (and activated); returns the last sequence used."""
    await bank.ok(card, "account_opened", 1, account_number=ACCOUNT)
    if not active:
        return 1
    await bank.ok(card, "financial_activated", 2)
    return 2


async def test_account_opened_is_recorded_masked_encrypted_and_indexed(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """SPEC ISS-2 / ID-6: the number comes back; kept encrypted, indexed, shown masked only."""
    n = (await api.card())["card_number"]

    body = await banks["ICBC"].ok(n, "account_opened", 1, account_number=ACCOUNT)

    assert body["message_id"] == f"ICBC-{n}-1"
    assert body["card"]["financial_status"] == "account_opened"
    assert body["card"]["account"] == "6222********1234"
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        card = (await ctx.conn.execute(select(cards).where(cards.c.card_number == n))).one()
        entry = (await ctx.conn.execute(select(bank_inbox))).one()
    assert card.account_index == api.rt.vault.index(ACCOUNT)
    assert api.rt.vault.decrypt(card.account_number_enc) == ACCOUNT
    assert ACCOUNT not in orjson.dumps(entry.payload).decode()
    assert api.rt.vault.decrypt(entry.account_number_enc) == ACCOUNT
    (last,) = (await history(api, n))[-1:]
    assert (last["event"], last["channel"], last["role"]) == (
        "financial_account_opened",
        "system",
        "bank_system",
    )


async def test_financial_activation_at_the_counter_and_on_site(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """SPEC ISS-4 / CH-1: activated by the holder at a bank outlet, or on a visit at home."""
    icbc = banks["ICBC"]
    counter = (await api.card())["card_number"]
    visit = (await api.card())["card_number"]
    for n in (counter, visit):
        await opened(icbc, n, active=False)

    await icbc.ok(counter, "financial_activated", 2, outlet_code="3201-BANK-003")
    r = await icbc.ok(visit, "financial_activated", 2, channel="onsite", reason="行动不便")

    assert r["card"]["financial_status"] == "active"
    last = (await history(api, counter))[-1]
    assert (last["event"], last["channel"], last["outlet_id"]) == (
        "financial_activated",
        "bank_outlet",
        await outlet_id(api, "3201-BANK-003"),
    )
    last = (await history(api, visit))[-1]
    assert (last["event"], last["channel"], last["reason"]) == (
        "financial_activated",
        "onsite",
        "行动不便",
    )


async def test_formal_loss_at_the_banks_counter_covers_both_and_unlock_lifts_both(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """SPEC LOSS-2/3: taken at the bank, hr and financial together; unlocked at the bank."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    seq = await opened(icbc, n)

    r = await icbc.ok(n, "formal_loss", seq + 1, outlet_code="3201-BANK-001", reason="遗失")

    assert (r["card"]["hr_status"], r["card"]["financial_status"]) == ("formally_lost", "lost")
    assert r["card"]["loss"]["channel"] == "bank_outlet"
    loss = (await history(api, n))[-1]
    assert (loss["event"], loss["channel"], loss["outlet_id"], loss["reason"]) == (
        "report_formal_loss",
        "bank_outlet",
        await outlet_id(api, "3201-BANK-001"),
        "遗失",
    )
    r = await api.get(f"/api/v1/cards/{n}/may-use?use=medical", "admin")
    assert r.json()["allowed"] is False  # SPEC LOSS-5

    # The card's city (Changzhou) lets any outlet of the same bank unlock it.
    r = await icbc.ok(n, "formal_loss_lifted", seq + 2, outlet_code="3201-BANK-002")

    assert (r["card"]["hr_status"], r["card"]["financial_status"]) == ("active", "active")
    assert r["card"]["loss"] is None


async def test_suzhou_bank_unlock_only_at_the_outlet_that_took_the_loss(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """SPEC LOSS-3 / CITY-3: Suzhou's policy holds for the bank's system as for its clerks."""
    icbc = banks["ICBC"]
    n = (await api.card("clerk_suzhou_icbc", "ICBC", city_code="3205"))["card_number"]
    await icbc.ok(n, "formal_loss", 1, outlet_code="3205-BANK-002")

    r = await icbc.send(n, "formal_loss_lifted", 2, outlet_code="3201-BANK-001")

    assert r.status_code == 403, r.text
    assert (r.json()["code"], r.json()["rule"], r.json()["status"]) == (
        "unlock_by_taking_channel",
        "LOSS-3",
        403,
    )
    assert (await api.card_state(n))["hr_status"] == "formally_lost"
    r = await icbc.ok(n, "formal_loss_lifted", 3, outlet_code="3205-BANK-002")
    assert r["card"]["hr_status"] == "active"


async def test_another_banks_outlet_is_refused_and_the_card_stays(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """SPEC LOSS-2 / [004]: an outlet of the card's bank; Bank of Suzhou's outlet is not ICBC's."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    before = await api.card_state(n)

    r = await icbc.send(n, "formal_loss", 1, outlet_code="3205-BANK-001")

    assert r.status_code == 403, r.text
    assert (r.json()["code"], r.json()["field"]) == ("not_the_cards_bank", "outlet_code")
    assert r.json()["detail_zh"]
    assert r.json()["detail_en"]
    assert await api.card_state(n) == before
    r = await icbc.send(n, "formal_loss", 2, outlet_code="3204-HR-001")  # not a bank outlet
    assert r.json()["code"] == "not_the_cards_bank"


async def test_on_site_formal_loss_is_the_outlets_act_with_the_visit_noted(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """SPEC LOSS-2 / CH-1: the lifecycle takes it at a bank outlet; the visit shows in the why."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]

    r = await icbc.ok(n, "formal_loss", 1, outlet_code="3204-BANK-001", channel="onsite")

    assert r["card"]["hr_status"] == "formally_lost"
    last = (await history(api, n))[-1]
    assert last["channel"] == "bank_outlet"
    assert "上门服务" in last["reason"]


async def test_the_banks_own_financial_loss_touches_only_the_financial_function(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """SPEC LOSS-1: a financial temporary loss follows the bank's rules; hr stays active."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    seq = await opened(icbc, n)

    r = await icbc.ok(n, "financial_loss", seq + 1)
    assert (r["card"]["hr_status"], r["card"]["financial_status"]) == ("active", "lost")
    r = await icbc.ok(n, "financial_loss_lifted", seq + 2)
    assert (r["card"]["hr_status"], r["card"]["financial_status"]) == ("active", "active")
    assert await bank_messages(api, n) == []  # nothing the bank does not already know


async def test_a_hotline_temporary_loss_unlocked_at_the_banks_counter(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """SPEC LOSS-3: a temporary loss is unlocked by 12333 or at any outlet of the card's bank."""
    n = (await api.card())["card_number"]
    assert (await api.card_post(n, "temporary-loss", "hotline")).status_code == 200

    r = await banks["ICBC"].ok(n, "formal_loss_lifted", 1, outlet_code="3201-BANK-004")

    assert r["card"]["hr_status"] == "active"
    messages = [m["payload"]["event"] for m in await bank_messages(api, n)]
    assert messages == ["report_temporary_loss"]  # the unlock came from the bank itself


async def test_no_unlock_at_the_bank_once_a_replacement_is_applied_for(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """SPEC LOSS-4: the replacement kills the old card; the bank's unlock is refused."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    await icbc.ok(n, "formal_loss", 1, outlet_code="3204-BANK-001")
    r = await api.card_post(n, "replacement", "clerk_instant", {})
    assert r.status_code == 201, r.text

    r = await icbc.send(n, "formal_loss_lifted", 2, outlet_code="3204-BANK-001")

    assert r.status_code == 409, r.text
    assert (r.json()["code"], r.json()["status"]) == ("card_transition_refused", 409)
    assert (await api.card_state(n))["hr_status"] == "superseded"


async def test_account_closed_after_the_cancellation(api: Api, banks: dict[str, BankSide]) -> None:
    """SPEC CAN-3: hr cancelled at the HR outlet, then the bank closes the account."""
    icbc = banks["ICBC"]
    card = await api.card()
    n = card["card_number"]
    seq = await opened(icbc, n)
    body = {
        "reason": "transfer_out_of_province",
        "card_presented": True,
        "transfer_certificate_number": "ZY320400202611230001",
        "holder_document": card["document"],
    }
    r = await api.post(f"/api/v1/cards/{n}/cancel", "clerk_instant", body)
    assert r.status_code in (200, 201), r.text

    r = await icbc.ok(n, "account_closed", seq + 1)

    assert (r["card"]["hr_status"], r["card"]["financial_status"]) == ("cancelled", "closed")
    assert (await history(api, n))[-1]["event"] == "financial_closed"
