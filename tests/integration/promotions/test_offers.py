"""Promotions (issue 15 item 11; SPEC PRM-1): offers as data with effective dates, granted by
rule on card events — a first financial activation at ICBC in Nanjing grants the gift once —
visible to the holder, and redeemed once at the offer's bank or at a scene."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.scenes.support import scene
from tests.support.api import Api
from tests.support.bank_reports import bank_report

GIFT = "ICBC-NJ-ACT-T"
NANJING_ICBC_CLERK = "clerk_nanjing_bank"  # 3201-BANK-001


def offer(**over: Any) -> dict[str, Any]:
    body = {
        "name_zh": "工行南京激活礼", "name_en": "ICBC Nanjing gift", "kind": "activation_gift",
        "sponsor": "工行南京分行", "trigger": "first_financial_activation", "bank_code": "ICBC",
        "city_code": "3201", "value_fen": 3000, "redeem_at": "bank_outlet",
        "terms_zh": "首次激活送30元话费", "terms_en": "30 yuan of phone credit",
        "effective_from": "2026-01-01", "effective_until": "2026-12-31", "grant_limit": None,
    }  # fmt: skip
    return {**body, **over}


async def put_offer(api: Api, code: str, **over: Any) -> httpx.Response:
    return await api.call("PUT", f"/api/v1/offers/{code}", "admin", offer(**over))


async def activate(api: Api, n: str) -> None:
    opened = {"event": "account_opened", "account_number": "62220200" + n[1:] + "0001"}
    assert (await bank_report(api, n, "bank_icbc", opened)).status_code == 200
    assert (await bank_report(api, n, "bank_icbc", {"event": "activated"})).status_code == 200


async def nanjing_card(api: Api) -> dict[str, Any]:
    return await api.card("clerk_nanjing_bank", "ICBC", city_code="3201")


async def test_a_first_activation_in_nanjing_at_icbc_grants_the_gift_once(api: Api) -> None:
    """PRM-1: the holder activating at ICBC in Nanjing gets the gift; a Changzhou card does
    not; the gift is granted once per person, also after a loss is lifted."""
    assert (await put_offer(api, GIFT)).status_code == 200
    card = await nanjing_card(api)
    holder = await api.cardholder(card["person_id"])
    mine = (await api.get("/api/v1/me/offers", holder)).json()
    assert ([o["code"] for o in mine["open"]], mine["granted"]) == ([GIFT], [])
    await activate(api, card["card_number"])
    mine = (await api.get("/api/v1/me/offers", holder)).json()
    [gift] = mine["granted"]
    assert (gift["offer_code"], gift["status"], gift["value_fen"]) == (GIFT, "granted", 3000)
    assert len(gift["voucher_code"]) == 12
    assert mine["open"] == []
    changzhou = await api.card()
    await activate(api, changzhou["card_number"])
    assert await api.count("offer_grants") == 1
    n = card["card_number"]
    assert (await bank_report(api, n, "bank_icbc", {"event": "reported_lost"})).status_code == 200
    assert (await bank_report(api, n, "bank_icbc", {"event": "loss_lifted"})).status_code == 200
    assert await api.count("offer_grants") == 1
    listed = {o["code"]: o for o in (await api.get("/api/v1/offers", "auditor")).json()}
    assert (listed[GIFT]["granted"], listed[GIFT]["redeemed"]) == (1, 0)


async def test_a_voucher_is_redeemed_once_where_the_offer_says(api: Api) -> None:
    """PRM-1: an activation gift at a counter of its bank, once; elsewhere refused; a tourism
    voucher at a scene's terminal."""
    await put_offer(api, GIFT)
    card = await nanjing_card(api)
    await activate(api, card["card_number"])
    holder = await api.cardholder(card["person_id"])
    voucher = (await api.get("/api/v1/me/offers", holder)).json()["granted"][0]["voucher_code"]
    r = await api.post(
        "/api/v1/offer-redemptions", "clerk_changzhou_icbc", {"voucher_code": voucher}
    )
    assert r.status_code == 200, r.text  # an ICBC counter in another city still is ICBC's
    r = await api.post("/api/v1/offer-redemptions", NANJING_ICBC_CLERK, {"voucher_code": voucher})
    assert (r.status_code, r.json()["code"]) == (409, "already_redeemed")
    r = await api.post(
        "/api/v1/offer-redemptions", "clerk_suzhou_szb", {"voucher_code": "ZZZZZZZZZZZZ"}
    )
    assert r.status_code == 404

    tour = "JS-TOUR-T"
    scenic = {"kind": "tourism_voucher", "trigger": "card_collected", "bank_code": None,
              "city_code": None, "redeem_at": "scene", "value_fen": 2000}  # fmt: skip
    r = await put_offer(api, tour, **scenic)
    assert r.status_code == 200, r.text
    other = await api.card()
    holder2 = await api.cardholder(other["person_id"])
    [ticket] = (await api.get("/api/v1/me/offers", holder2)).json()["granted"]
    r = await api.post("/api/v1/offer-redemptions", "clerk_changzhou_icbc",
                       {"voucher_code": ticket["voucher_code"]})  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (403, "not_redeemed_here")
    gate = await scene(api, "scenic_spot", "SPT3204000301", city="3204")
    r = await gate.post("/api/v1/scene-uses/offer-redemptions",
                        {"voucher_code": ticket["voucher_code"]})  # fmt: skip
    assert (r.status_code, r.json()["status"]) == (200, "redeemed"), r.text


async def test_an_offer_is_data_with_dates_and_a_limit(api: Api) -> None:
    """PRM-1: an offer not yet in force grants nothing; a limit stops grants; bad terms are
    refused by name and nothing is kept."""
    r = await put_offer(api, "LATE-T", effective_from="2027-01-01", effective_until=None)
    assert r.status_code == 200
    r = await put_offer(api, "LIMIT-T", grant_limit=1)
    assert r.status_code == 200
    for _ in range(2):
        await activate(api, (await nanjing_card(api))["card_number"])
    listed = {o["code"]: o for o in (await api.get("/api/v1/offers", "auditor")).json()}
    assert (listed["LATE-T"]["granted"], listed["LATE-T"]["in_force"]) == (0, False)
    assert listed["LIMIT-T"]["granted"] == 1
    r = await put_offer(api, "BAD-T", effective_until="2025-01-01")
    assert (r.status_code, r.json()["field"]) == (422, "effective_until")
    r = await put_offer(api, "BAD-T", bank_code="NOBANK")
    assert (r.status_code, r.json()["field"]) == (422, "bank_code")
    r = await api.call("PUT", "/api/v1/offers/BAD-T", "auditor", offer())
    assert r.status_code == 403
    assert "BAD-T" not in {o["code"] for o in (await api.get("/api/v1/offers", "admin")).json()}
