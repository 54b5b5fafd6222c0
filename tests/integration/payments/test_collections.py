"""Collections by mandate (issue 15 item 10; SPEC PAY-1): a holder signs a mandate for a payee
in the hall; the payee's debits under it go to the holder's newest active card account as
debit instructions and the bank's signed answer ends each once; a debit the card cannot pay,
over the limit, under a revoked or another payee's mandate is refused. Amounts in fen."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from sqlalchemy import select

from sscard.kernel.actor import OPERATOR
from sscard.platform.outbox.models import outbox
from sscard.platform.outbox.signing import signed_headers
from tests.integration.payments.test_batches import active_card
from tests.support.api import Api
from tests.support.bank_reports import connect

WATER = "3204-WATER"


async def payee(api: Api, code: str = WATER, kind: str = "water") -> str:
    body = {"name_zh": "常州自来水", "name_en": "Changzhou water", "kind": kind}
    r = await api.call("PUT", f"/api/v1/payees/{code}", "admin", body)
    assert r.status_code == 200, r.text
    key = f"payee:{code}"
    api.tokens[key] = r.json()["token"]
    return key


async def mandate(api: Api, holder: str, limit: int = 50_000, customer: str = "W-0001") -> str:
    body = {"payee_code": WATER, "customer_number": customer, "max_amount_fen": limit}
    r = await api.post("/api/v1/me/mandates", holder, body)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "active"
    return str(r.json()["reference"])


async def debit(api: Api, who: str, ref: str, fen: int, payee_ref: str) -> httpx.Response:
    body = {"mandate_reference": ref, "amount_fen": fen, "period": "2026-11",
            "payee_reference": payee_ref}  # fmt: skip
    return await api.post("/api/v1/debits", who, body)


async def answer(api: Api, answers: list[dict[str, Any]]) -> httpx.Response:
    secret = await connect(api, "ICBC")
    raw = orjson.dumps({"answers": answers})
    headers = {
        "Content-Type": "application/json",
        **signed_headers(secret, api.rt.clock.now(), raw),
    }
    return await api.call(
        "POST", "/api/v1/bank-debit-answers", "bank_icbc", content=raw, headers=headers
    )


async def debit_messages(api: Api) -> list[dict[str, Any]]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = select(outbox).where(outbox.c.topic == "bank.debit_instruction")
        return [dict(r._mapping) for r in await ctx.conn.execute(stmt)]


async def test_a_mandated_debit_goes_to_the_bank_and_is_answered_once(api: Api) -> None:
    """SPEC PAY-1: the debit is sent to the card's bank with the card and the mandate; the
    bank's answer ends it once; the holder sees it."""
    water = await payee(api)
    card = await active_card(api)
    holder = await api.cardholder(card["person_id"])
    ref = await mandate(api, holder)
    r = await debit(api, water, ref, 12_345, "BILL-2026-11-1")
    assert r.status_code == 201, r.text
    d = r.json()
    assert (d["status"], d["bank_code"], d["customer_number"]) == ("instructed", "ICBC", "W-0001")
    [message] = await debit_messages(api)
    assert message["recipient"] == "ICBC"
    assert message["payload"]["card_number"] == card["card_number"]
    assert (message["payload"]["amount_fen"], message["payload"]["kind"]) == (12_345, "water")
    again = await debit(api, water, ref, 12_345, "BILL-2026-11-1")
    assert again.json()["debit_id"] == d["debit_id"]
    assert len(await debit_messages(api)) == 1
    r = await debit(api, water, ref, 999, "BILL-2026-11-1")
    assert (r.status_code, r.json()["code"]) == (409, "debit_reference_reused")
    ok = [{"debit_id": d["debit_id"], "outcome": "debited"}]
    r = await answer(api, ok)
    assert (r.status_code, r.json()["recorded"]) == (200, 1), r.text
    r = await answer(api, ok)
    assert (r.status_code, r.json()["duplicates"]) == (200, 1)
    r = await answer(api, [{"debit_id": d["debit_id"], "outcome": "refused",
                            "reason": "insufficient_funds"}])  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (409, "answer_conflicts")
    r = await api.get("/api/v1/me/debits", holder)
    [mine] = r.json()
    assert (mine["status"], mine["amount_fen"]) == ("debited", 12_345)
    r = await api.get(f"/api/v1/debits/{d['debit_id']}", water)
    assert r.json()["status"] == "debited"


async def test_debits_the_mandate_or_the_card_does_not_allow_are_refused(api: Api) -> None:
    """PAY-1: over the mandate's limit, under another payee's or a revoked mandate: refused and
    nothing sent; a card whose financial function is not active: refused with the reason, kept
    for the payee, nothing sent to a bank."""
    water = await payee(api)
    gas = await payee(api, "3204-GAS", "gas")
    card = await active_card(api)
    holder = await api.cardholder(card["person_id"])
    ref = await mandate(api, holder, limit=10_000)
    r = await debit(api, water, ref, 10_001, "B1")
    assert (r.status_code, r.json()["code"]) == (422, "over_mandate_limit")
    assert "100.00" in r.json()["detail_zh"]
    r = await debit(api, gas, ref, 100, "B1")
    assert r.status_code == 404
    body = {"payee_code": WATER, "customer_number": "W-0001", "max_amount_fen": 1}
    r = await api.post("/api/v1/me/mandates", holder, body)
    assert (r.status_code, r.json()["code"]) == (409, "mandate_exists")
    r = await api.post(f"/api/v1/me/mandates/{ref}/revoke", holder)
    assert (r.status_code, r.json()["status"]) == (200, "revoked")
    r = await debit(api, water, ref, 100, "B2")
    assert (r.status_code, r.json()["code"]) == (409, "mandate_not_active")
    assert await debit_messages(api) == []

    inactive = await api.card()
    other = await api.cardholder(inactive["person_id"])
    ref2 = await mandate(api, other, customer="W-0002")
    r = await debit(api, water, ref2, 100, "B3")
    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["reason"]) == ("refused", "financial_not_active")
    assert "金融功能未激活" in r.json()["text_zh"]
    assert await debit_messages(api) == []


async def test_mandates_are_the_holders_own(api: Api) -> None:
    """Only the holder signs, revokes and reads their mandates; another holder's reference is
    not found; a bad limit or customer number is refused by name."""
    await payee(api)
    card = await active_card(api)
    holder = await api.cardholder(card["person_id"])
    ref = await mandate(api, holder)
    someone = await api.cardholder((await api.card())["person_id"])
    r = await api.post(f"/api/v1/me/mandates/{ref}/revoke", someone)
    assert r.status_code == 404
    r = await api.get("/api/v1/me/mandates", "admin")
    assert r.status_code == 403
    bad = {"payee_code": WATER, "customer_number": "W 1", "max_amount_fen": 100}
    r = await api.post("/api/v1/me/mandates", holder, bad)
    assert (r.status_code, r.json()["field"]) == (422, "customer_number")
    bad = {"payee_code": WATER, "customer_number": "W-0009", "max_amount_fen": 0}
    r = await api.post("/api/v1/me/mandates", holder, bad)
    assert (r.status_code, r.json()["field"]) == (422, "max_amount_fen")
    [m] = (await api.get("/api/v1/me/mandates", holder)).json()
    assert (m["reference"], m["payee_name_zh"]) == (ref, "常州自来水")
