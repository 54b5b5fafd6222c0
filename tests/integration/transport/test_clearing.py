"""The daily clearing between cities (issue 15 item 5; SPEC TRN-1, TRN-3): what each transit
operator took on a day, by the cards' city and mode, and what each city's operators collected
from other cities' cards, as a report and as a file; a city's centre sees its own city's."""

from __future__ import annotations

from tests.integration.scenes.support import scene
from tests.integration.transport.test_fares import ride, topped_up
from tests.support.api import Api


async def test_the_day_is_cleared_by_operator_and_card_city(api: Api) -> None:
    changzhou_card = await topped_up(api, 5000)
    r = await api.post("/api/v1/actors", "admin", {"role": "outlet_clerk", "display_name": "苏州",
                                                   "outlet_code": "3205-TRN-001"})  # fmt: skip
    api.tokens["suzhou_transport"] = r.json()["token"]
    bus = await scene(api, "transit", "BUS3204000010", city="3204")
    suzhou_bus = await scene(api, "transit", "BUS3205000010", city="3205")
    await ride(bus, changzhou_card, 200, 2, 1)  # 120 at Changzhou's rate
    await ride(bus, changzhou_card, 300, 3, 2, "metro")  # 285
    await ride(suzhou_bus, changzhou_card, 200, 4, 1)  # 200: another city's card in Suzhou
    r = await api.get("/api/v1/transport/clearing?day=2026-11-23", "admin")
    assert r.status_code == 200, r.text
    rows = {(x["operator_code"], x["card_city_code"], x["mode"]): (x["fares"], x["collected_fen"])
            for x in r.json()["rows"]}  # fmt: skip
    assert rows == {
        ("BUS3204000010", "3204", "bus"): (1, 120),
        ("BUS3204000010", "3204", "metro"): (1, 285),
        ("BUS3205000010", "3204", "bus"): (1, 200),
    }
    assert r.json()["between_cities"] == [
        {"collected_in": "3205", "cards_of": "3204", "fares": 1, "collected_fen": 200}
    ]
    r = await api.get("/api/v1/transport/clearing?day=2026-11-23&format=csv", "auditor")
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines()[0].startswith("operator_code,city_code,card_city_code,mode")
    assert len(r.text.splitlines()) == 4
    suzhou = await api.get("/api/v1/transport/clearing?day=2026-11-23", "admin_suzhou")
    assert {x["city_code"] for x in suzhou.json()["rows"]} == {"3205"}
    assert (await api.get("/api/v1/transport/clearing?day=2026-11-22", "admin")).json()[
        "rows"
    ] == []
    r = await api.get("/api/v1/transport/clearing?day=2026-11-24", "admin")
    assert (r.status_code, r.json()["field"]) == (422, "day")
    assert (
        await api.get("/api/v1/transport/clearing?day=2026-11-23", "hotline")
    ).status_code == 403
