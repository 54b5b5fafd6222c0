"""Collections by mandate (issue 15 item 10; SPEC PAY-1): a holder signs a mandate for a payee
in the hall; the payee's debits under it go to the holder's newest active card account as
debit instructions and the bank's signed answer ends each once; a debit the card cannot pay,
over the mandate's limit for its period, under a revoked or another payee's mandate is
refused. Amounts in fen."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import orjson
from sqlalchemy import select

from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import business_date
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


async def debit(
    api: Api, who: str, ref: str, fen: int, payee_ref: str, period: str = "2026-11"
) -> httpx.Response:
    body = {"mandate_reference": ref, "amount_fen": fen, "period": period,
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
    assert (r.status_code, r.json()["duplicate"]) == (201, False), r.text
    d = r.json()
    assert (d["status"], d["bank_code"], d["customer_number"]) == ("instructed", "ICBC", "W-0001")
    [message] = await debit_messages(api)
    assert message["recipient"] == "ICBC"
    assert message["payload"]["card_number"] == card["card_number"]
    assert (message["payload"]["amount_fen"], message["payload"]["kind"]) == (12_345, "water")
    again = await debit(api, water, ref, 12_345, "BILL-2026-11-1")
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
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


def over_limit(r: httpx.Response, left_fen: int) -> dict[str, Any]:
    """A debit refused by the mandate's limit for its period, saying what is left (PAY-1)."""
    assert r.status_code == 422, r.text
    body: dict[str, Any] = r.json()
    assert (body["code"], body["field"], body["rule"]) == (
        "over_mandate_limit",
        "amount_fen",
        "PAY-1",
    )
    assert body["left_fen"] == left_fen
    left = f"{left_fen // 100}.{left_fen % 100:02d}"
    assert f"本期还可扣{left}元" in body["detail_zh"]
    assert f"{left} yuan is left" in body["detail_en"]
    return body


async def test_a_mandate_s_limit_is_per_period(api: Api) -> None:
    """PAY-1 (adversarial review B): under a mandate of 50 yuan, five debits of 50 yuan for
    2026-11 with new references: the first is sent, the other four refused by name with what
    is left (nothing) and nothing sent; the next period has its own 50 yuan."""
    water = await payee(api)
    card = await active_card(api)
    ref = await mandate(api, await api.cardholder(card["person_id"]), limit=5_000)
    answers = [await debit(api, water, ref, 5_000, f"NOV-{i}") for i in range(5)]
    assert (answers[0].status_code, answers[0].json()["status"]) == (201, "instructed")
    for r in answers[1:]:
        assert over_limit(r, 0)["period"] == "2026-11"
    assert len(await debit_messages(api)) == 1
    r = await debit(api, water, ref, 5_000, "DEC-1", period="2026-12")
    assert (r.status_code, r.json()["status"]) == (201, "instructed"), r.text


async def test_the_debits_of_a_period_count_together_unless_refused(api: Api) -> None:
    """PAY-1: 30 yuan of a 50-yuan mandate taken, 25 more is refused with 20 left and 20 fits;
    once the bank refuses the 30, they no longer count."""
    water = await payee(api)
    card = await active_card(api)
    ref = await mandate(api, await api.cardholder(card["person_id"]), limit=5_000)
    first = await debit(api, water, ref, 3_000, "B1")
    assert first.status_code == 201, first.text
    over_limit(await debit(api, water, ref, 2_500, "B2"), 2_000)
    assert (await debit(api, water, ref, 2_000, "B3")).status_code == 201
    over_limit(await debit(api, water, ref, 1, "B4"), 0)
    refused = [
        {"debit_id": first.json()["debit_id"], "outcome": "refused", "reason": "insufficient_funds"}
    ]
    assert (await answer(api, refused)).status_code == 200
    r = await debit(api, water, ref, 3_000, "B5")
    assert (r.status_code, r.json()["status"]) == (201, "instructed"), r.text


async def test_debits_asked_at_once_do_not_pass_the_limit_together(api: Api) -> None:
    """PAY-1: four debits of the whole limit asked at the same moment under one mandate: one
    is sent, three are refused (the mandate's row is locked while the period is counted)."""
    water = await payee(api)
    card = await active_card(api)
    ref = await mandate(api, await api.cardholder(card["person_id"]), limit=5_000)
    rs = await asyncio.gather(*(debit(api, water, ref, 5_000, f"AT-ONCE-{i}") for i in range(4)))
    assert sorted(r.status_code for r in rs) == [201, 422, 422, 422], [r.text for r in rs]
    assert len(await debit_messages(api)) == 1


async def test_a_debit_sent_again_answers_as_a_duplicate(api: Api) -> None:
    """PAY-1 (adversarial review C): as a payment batch does, the same debit sent again is 200
    with duplicate true and the first debit; the first time 201 with duplicate false; the
    OpenAPI document says so."""
    water = await payee(api)
    card = await active_card(api)
    ref = await mandate(api, await api.cardholder(card["person_id"]))
    first = await debit(api, water, ref, 1_000, "BILL-DUP")
    assert (first.status_code, first.json()["duplicate"]) == (201, False), first.text
    assert first.headers["Location"] == f"/api/v1/debits/{first.json()['debit_id']}"
    again = await debit(api, water, ref, 1_000, "BILL-DUP")
    assert (again.status_code, again.json()["duplicate"]) == (200, True), again.text
    assert {**again.json(), "duplicate": False} == first.json()
    assert len(await debit_messages(api)) == 1
    doc = (await api.client.get("/openapi.json")).json()
    operation = doc["paths"]["/api/v1/debits"]["post"]
    for status in ("200", "201"):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/DebitRequested")
    assert "duplicate" in doc["components"]["schemas"]["DebitRequested"]["required"]
    assert "200, duplicate true" in operation["description"]


async def test_revoking_a_revoked_mandate_says_it_is_revoked_already(api: Api) -> None:
    """PAY-1 (adversarial review D): a second revocation is refused saying the mandate was
    revoked already and when, not that nothing may be debited."""
    await payee(api)
    card = await active_card(api)
    holder = await api.cardholder(card["person_id"])
    ref = await mandate(api, holder)
    assert (await api.post(f"/api/v1/me/mandates/{ref}/revoke", holder)).status_code == 200
    r = await api.post(f"/api/v1/me/mandates/{ref}/revoke", holder)
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        409,
        "mandate_already_revoked",
        "reference",
    )
    today = business_date(api.rt.clock.now()).isoformat()
    assert r.json()["detail_zh"] == f"代扣协议{ref}已于{today}解约，无需再次解约"
    assert "already revoked" in r.json()["detail_en"]
    assert "扣款" not in r.json()["detail_zh"]
    assert "debit" not in r.json()["detail_en"]


async def test_a_payee_finds_the_mandate_of_its_customer(api: Api) -> None:
    """SPEC PAY-1: the payee's system learns the mandate reference to debit under from the
    mandates signed with it, by its customer's number; it sees its own payee's only, pages
    through them, and a city's centre sees none (payees collect province-wide)."""
    water = await payee(api)
    gas = await payee(api, "3204-GAS", "gas")
    first = await api.cardholder((await active_card(api))["person_id"])
    second = await api.cardholder((await active_card(api))["person_id"])
    one = await mandate(api, first, customer="W-0001")
    two = await mandate(api, second, customer="W-0002")
    r = await api.get("/api/v1/mandates?customer_number=w-0002", water)
    assert r.status_code == 200, r.text
    [found] = r.json()
    assert (found["reference"], found["status"]) == (two, "active")
    assert await debit(api, water, found["reference"], 100, "FOUND-1") is not None
    page = (await api.get("/api/v1/mandates?limit=1", water)).json()
    assert [m["reference"] for m in page] == [two]
    after = page[0]["mandate_id"]
    rest = (await api.get(f"/api/v1/mandates?limit=1&after_id={after}", water)).json()
    assert [m["reference"] for m in rest] == [one]
    assert (await api.get("/api/v1/mandates", gas)).json() == []
    assert (await api.get("/api/v1/mandates", "admin_suzhou")).status_code == 403
    assert (await api.get("/api/v1/debits", "admin_suzhou")).status_code == 403
    r = await api.get("/api/v1/mandates?limit=501", water)
    assert (r.status_code, r.json()["field"]) == (422, "limit"), r.text
