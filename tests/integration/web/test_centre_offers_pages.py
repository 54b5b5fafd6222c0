"""Offers redeemed at a scene put in from the console (issue 15 item 11; SPEC PRM-1): the
form names the scene kinds whose terminals redeem the offer, as the API does; a spend-and-save
offer without one (only a tourism voucher has a default, scenic spots) is refused by that field
and nothing is saved."""

from __future__ import annotations

from typing import Any

import httpx

from sscard.kernel.actor import Role
from sscard.kernel.runtime import Runtime
from tests.support import pages
from tests.support.api import Api
from tests.support.console import make_staff

FORM = {
    "code": "SZ-MUSEUM-2026",
    "name_zh": "苏州博物馆专享",
    "name_en": "Suzhou museum voucher",
    "kind": "spend_and_save",
    "sponsor": "苏州市文旅局",
    "trigger": "card_collected",
    "bank_code": "",
    "city_code": "3205",
    "value_yuan": "20",
    "redeem_at": "scene",
    "terms_zh": "凭卡入馆抵20元",
    "terms_en": "20 yuan off at the gate",
    "effective_from": "2026-01-01",
    "effective_until": "",
    "grant_limit": "",
}


async def _post(client: httpx.AsyncClient, kinds: list[str]) -> httpx.Response:
    page = await client.get("/centre/offers")
    assert page.status_code == 200, page.text
    data: dict[str, Any] = {"csrf_token": pages.form_token(page.text), **FORM, "scene_kinds": kinds}
    return await client.post("/centre/offers", data=data)


async def test_a_scene_offer_names_the_scenes_that_redeem_it(api: Api, rt: Runtime) -> None:
    province = await make_staff(rt, "he.offers", Role.PROVINCE_ADMIN)
    async with pages.client(rt) as client:
        await pages.sign_in(client, rt, province)
        page = await client.get("/centre/offers")
        assert 'name="scene_kinds" value="museum"' in page.text
        assert "博物馆" in page.text
        refused = await _post(client, [])
        assert refused.status_code == 422, refused.text
        assert 'id="e-scene_kinds"' in refused.text
        assert "SZ-MUSEUM-2026" not in (await api.get("/api/v1/offers", "admin")).text
        saved = await _post(client, ["museum", "scenic_spot"])
    assert saved.status_code == 200, saved.text
    assert "SZ-MUSEUM-2026" in saved.text
    offers = (await api.get("/api/v1/offers", "admin")).json()
    offer = next(o for o in offers if o["code"] == "SZ-MUSEUM-2026")
    assert sorted(offer["scene_kinds"]) == ["museum", "scenic_spot"]


async def test_a_scene_kind_not_in_the_list_is_refused_by_field(api: Api, rt: Runtime) -> None:
    province = await make_staff(rt, "he.offers2", Role.PROVINCE_ADMIN)
    async with pages.client(rt, "en") as client:
        await pages.sign_in(client, rt, province)
        refused = await _post(client, ["casino"])
    assert refused.status_code == 422, refused.text
    assert 'id="e-scene_kinds"' in refused.text
    assert "choose from" in refused.text
