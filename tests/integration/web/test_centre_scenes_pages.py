"""The console registers a scene with its county-level area (SPEC SCN-1, TRN-3): Jintan's and
Liyang's bus fares are set by area, which only the API could register."""

from __future__ import annotations

from sscard.kernel.actor import Role
from sscard.kernel.runtime import Runtime
from tests.support import pages
from tests.support.api import Api
from tests.support.console import make_staff


async def test_a_transit_operator_is_registered_with_its_area_within_the_city(
    api: Api, rt: Runtime
) -> None:
    province = await make_staff(rt, "sun.scenes", Role.PROVINCE_ADMIN)
    async with pages.client(rt) as client:
        await pages.sign_in(client, rt, province)
        page = await client.get("/centre/scenes")
        assert 'id="f-area_code"' in page.text
        assert "交通运营单位" in page.text
        assert "NFC" in page.text
        form = {"csrf_token": pages.form_token(page.text), "code": "BUS3204130001",
                "name": "金坛公交", "kind": "transit", "city_code": "3204"}  # fmt: skip
        refused = await client.post("/centre/scenes", data=form | {"area_code": "320513"})
        assert refused.status_code == 422
        assert "须为该城市下的6位区县代码" in refused.text
        assert 'value="320513"' in refused.text  # what was typed is kept
        made = await client.post("/centre/scenes", data=form | {"area_code": "320413"})
        assert made.status_code == 201, made.text
        listed = await client.get("/centre/scenes")
    assert "320413" in listed.text
    r = await api.get("/api/v1/scenes/BUS3204130001", "admin")
    assert r.json()["area_code"] == "320413"
