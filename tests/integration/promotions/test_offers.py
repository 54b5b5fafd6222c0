"""Promotions (issue 15 item 11; SPEC PRM-1): offers as data with effective dates, granted by
rule on card events — a first financial activation at ICBC in Nanjing grants the gift once —
visible to the holder, and redeemed once where the offer says: at a counter of its bank, or at
a terminal of the scene kinds it names, within its city when it has one."""

from __future__ import annotations

from typing import Any

import httpx

from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import CHINA
from sscard.promotions.service import load_shipped_offers
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
    r = await api.post("/api/v1/offer-redemptions", NANJING_ICBC_CLERK, {"voucher_code": voucher})
    assert r.status_code == 200, r.text
    r = await api.post(
        "/api/v1/offer-redemptions", "clerk_nanjing_bank2", {"voucher_code": voucher}
    )
    assert (r.status_code, r.json()["code"]) == (409, "already_redeemed")
    assert r.json()["detail_en"].startswith("This voucher was redeemed at 2026-")
    when = api.rt.clock.now().astimezone(CHINA)
    assert f"已于北京时间{when:%Y-%m-%d %H:%M}使用" in r.json()["detail_zh"], r.text
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
    assert (ticket["redeem_at"], ticket["scene_kinds"]) == ("scene", ["scenic_spot"])
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


async def refused_here(r: httpx.Response) -> dict[str, Any]:
    """A refusal of the voucher at this counter or terminal, as problem+json (PRM-1)."""
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert (body["code"], body["field"], body["rule"]) == (
        "not_redeemed_here",
        "voucher_code",
        "PRM-1",
    )
    return body


async def test_a_scene_voucher_is_redeemed_only_by_the_scene_kinds_it_names(api: Api) -> None:
    """PRM-1 (adversarial review A): the shipped 4A+ scenic spot voucher JS-TOUR-2026 is not
    taken by a bus reader nor a top-up kiosk, nor by a museum it does not name: refused by name
    and the voucher stays unused; a scenic spot takes it."""
    async with api.rt.unit(OPERATOR) as ctx:
        await load_shipped_offers(ctx.conn, ctx.now)
    card = await api.card()
    holder = await api.cardholder(card["person_id"])
    mine = (await api.get("/api/v1/me/offers", holder)).json()["granted"]
    [ticket] = [g for g in mine if g["offer_code"] == "JS-TOUR-2026"]
    body = {"voucher_code": ticket["voucher_code"]}
    for kind, code in (
        ("transit", "BUS3204000091"),
        ("top_up_kiosk", "TOP3204000091"),
        ("museum", "MUS3204000091"),
    ):
        gate = await scene(api, kind, code, city="3204")
        refused = await refused_here(await gate.post("/api/v1/scene-uses/offer-redemptions", body))
        assert "景区" in refused["detail_zh"]
        assert "scenic spot" in refused["detail_en"]
    [still] = [
        g
        for g in (await api.get("/api/v1/me/offers", holder)).json()["granted"]
        if g["offer_code"] == "JS-TOUR-2026"
    ]
    assert (still["status"], still["redeemed_at"]) == ("granted", None)
    listed = {o["code"]: o for o in (await api.get("/api/v1/offers", "auditor")).json()}
    assert listed["JS-TOUR-2026"]["redeemed"] == 0
    spot = await scene(api, "scenic_spot", "SPT3204000091", city="3204")
    r = await spot.post("/api/v1/scene-uses/offer-redemptions", body)
    assert (r.status_code, r.json()["status"]) == (200, "redeemed"), r.text


async def test_a_city_offer_is_redeemed_only_in_its_city(api: Api) -> None:
    """PRM-1 (adversarial review A): an offer of one city is redeemed only there — a Nanjing
    voucher not at a Suzhou scenic spot; the ICBC Nanjing gift not at ICBC's Changzhou or
    Suzhou counters, nor at another bank's — and nothing is changed by a refusal."""
    nanjing_tour = {
        "kind": "tourism_voucher",
        "trigger": "card_collected",
        "bank_code": None,
        "city_code": "3201",
        "redeem_at": "scene",
        "scene_kinds": ["scenic_spot"],
        "value_fen": 2000,
    }
    assert (await put_offer(api, "NJ-TOUR-T", **nanjing_tour)).status_code == 200
    assert (await put_offer(api, GIFT)).status_code == 200
    card = await nanjing_card(api)
    await activate(api, card["card_number"])
    holder = await api.cardholder(card["person_id"])
    vouchers = {
        g["offer_code"]: g["voucher_code"]
        for g in (await api.get("/api/v1/me/offers", holder)).json()["granted"]
    }
    tour = {"voucher_code": vouchers["NJ-TOUR-T"]}
    suzhou = await scene(api, "scenic_spot", "SPT3205000092", city="3205")
    refused = await refused_here(await suzhou.post("/api/v1/scene-uses/offer-redemptions", tour))
    assert "南京" in refused["detail_zh"]
    assert "Nanjing" in refused["detail_en"]
    gift = {"voucher_code": vouchers[GIFT]}
    for clerk in ("clerk_changzhou_icbc", "clerk_suzhou_icbc", "clerk_suzhou_szb"):
        refused = await refused_here(await api.post("/api/v1/offer-redemptions", clerk, gift))
        assert "中国工商银行" in refused["detail_zh"]
        assert "Nanjing" in refused["detail_en"]
    assert await api.count("offer_grants") == 2
    listed = {o["code"]: o for o in (await api.get("/api/v1/offers", "auditor")).json()}
    assert (listed["NJ-TOUR-T"]["redeemed"], listed[GIFT]["redeemed"]) == (0, 0)
    nanjing = await scene(api, "scenic_spot", "SPT3201000092", city="3201")
    r = await nanjing.post("/api/v1/scene-uses/offer-redemptions", tour)
    assert (r.status_code, r.json()["status"]) == (200, "redeemed"), r.text
    r = await api.post("/api/v1/offer-redemptions", NANJING_ICBC_CLERK, gift)
    assert (r.status_code, r.json()["status"]) == (200, "redeemed"), r.text


async def test_an_offer_names_where_it_is_redeemed(api: Api) -> None:
    """PRM-1 (adversarial review A): a scene offer names the scene kinds that redeem it (a
    tourism voucher left without: the scenic spots); a counter offer names its bank; an
    unknown kind is refused by name."""
    spend = {
        "kind": "spend_and_save",
        "trigger": "card_collected",
        "bank_code": None,
        "city_code": None,
        "redeem_at": "scene",
    }
    r = await put_offer(api, "SPEND-T", **spend)
    assert (r.status_code, r.json()["field"]) == (422, "scene_kinds")
    r = await put_offer(api, "SPEND-T", **spend, scene_kinds=["museum", "library"])
    assert (r.status_code, r.json()["scene_kinds"]) == (200, ["library", "museum"]), r.text
    r = await put_offer(api, "SPEND-T", **spend, scene_kinds=["casino"])
    assert (r.status_code, r.json()["field"]) == (422, "scene_kinds.0")
    tour = {**spend, "kind": "tourism_voucher"}
    r = await put_offer(api, "TOUR-T", **tour)
    assert (r.status_code, r.json()["scene_kinds"]) == (200, ["scenic_spot"]), r.text
    r = await put_offer(api, "NOBANK-T", bank_code=None)
    assert (r.status_code, r.json()["field"]) == (422, "bank_code")
    r = await put_offer(api, "GIFT-T", scene_kinds=["scenic_spot"])
    assert (r.status_code, r.json()["scene_kinds"]) == (200, [])  # a counter's: no scene
