"""The Yangtze River Delta exchange (SPEC YRD-1..3, LOSS-5, MED-1): other provinces' nodes ask
sscard about Jiangsu cards and are told of the changes of those they asked about; Jiangsu's
scenes ask theirs about their cards. Every party is a real HTTP server here."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from sscard.delta.models import delta_followed_cards
from sscard.kernel.actor import OPERATOR
from sscard.platform.outbox.dispatcher import Senders, dispatch_once
from sscard.platform.outbox.signing import signed_headers
from tests.integration.delta.support import Delta, delta_nodes
from tests.integration.scenes.support import scene
from tests.support.api import Api
from tests.support.serving import serving


@pytest.fixture
async def nodes(api: Api, app: FastAPI) -> Any:
    async with delta_nodes(api, app) as linked:
        yield linked


async def test_a_node_gets_the_cards_one_answer_masked(api: Api, nodes: Delta) -> None:
    """SPEC YRD-1, LOSS-5: Shanghai's scene asks about a Jiangsu card: allowed, masked; after a
    loss the same question is refused with the card's own reason, signed back."""
    n = (await api.card())["card_number"]
    q = {"card_number": n, "issuer_region": "320400", "use": "identity", "place_code": "3101"}
    asked = await nodes.ask("31", **q)
    assert (asked["status_code"], asked["signature_holds"]) == (200, True), asked
    a = asked["answer"]
    assert (a["known"], a["allowed"], a["code"], a["province_code"]) == (True, True, "ok", "32")
    assert n not in str(a)
    assert a["card_number_masked"].startswith(n[:3])
    assert "*" in a["holder_name_masked"]
    r = await api.card_post(n, "temporary-loss", "hotline", {"reason": "丢失"})
    assert r.status_code == 200, r.text
    lost = (await nodes.ask("31", **q))["answer"]
    assert (lost["allowed"], lost["code"], lost["rule"]) == (False, "card_lost", "LOSS-5")
    unknown = (await nodes.ask("33", **q | {"card_number": "Z00000000", "place_code": "3301"}))[
        "answer"
    ]
    assert (unknown["known"], unknown["allowed"], unknown["code"]) == (False, False, "unknown_card")


async def test_medical_in_another_province_needs_a_filing_for_it(api: Api, nodes: Delta) -> None:
    """SPEC MED-1, YRD-1: a Jiangsu card at a Shanghai hospital is usable under a filing in
    force for Shanghai (31), not without one; a filing for Zhejiang does not cover it."""
    card = await api.card()
    q = {"card_number": card["card_number"], "issuer_region": "320400", "use": "medical",
         "place_code": "3101"}  # fmt: skip
    missing = (await nodes.ask("31", **q))["answer"]
    assert (missing["allowed"], missing["code"], missing["rule"]) == (False, "filing_missing",
                                                                      "MED-1")  # fmt: skip
    holder = await api.cardholder(card["person_id"])
    today = api.rt.clock.now().date()
    filing = {"destination_code": "31", "reason": "temporary", "valid_from": str(today),
              "valid_until": str(today + timedelta(days=30))}  # fmt: skip
    r = await api.post("/api/v1/me/medical/filings", holder, filing)
    assert r.status_code == 201, r.text
    assert (await nodes.ask("31", **q))["answer"]["allowed"] is True
    zhejiang = (await nodes.ask("33", **q | {"place_code": "3301"}))["answer"]
    assert zhejiang["code"] == "filing_missing"


async def test_a_followed_cards_changes_reach_the_nodes_that_asked(api: Api, nodes: Delta) -> None:
    """SPEC YRD-3, LOSS-5: the card Shanghai asked about is followed there: its loss reaches
    Shanghai's node through the outbox, once; Zhejiang, which never asked, hears nothing, and
    a card nobody asked about is told to no node."""
    asked, quiet = (await api.card())["card_number"], (await api.card())["card_number"]
    q = {"card_number": asked, "issuer_region": "320400", "use": "entry", "place_code": "3101"}
    assert (await nodes.ask("31", **q))["answer"]["allowed"] is True
    for n in (asked, quiet):
        r = await api.card_post(n, "temporary-loss", "hotline", {"reason": "丢失"})
        assert r.status_code == 200, r.text
    senders = Senders(api.rt.settings)
    try:
        for _ in range(3):
            await dispatch_once(api.rt, "test", senders)
    finally:
        await senders.close()
    told = await nodes.control("GET", "/provinces/31/status-changes")
    assert [(m["card_number"], m["event"], m["card_status"]) for m in told] == [
        (asked, "report_temporary_loss", "temporarily_lost")
    ]
    assert told[0]["standard"] == "yrd-card-status/1"
    assert await nodes.control("GET", "/provinces/33/status-changes") == []
    async with api.rt.unit(OPERATOR) as ctx:
        followed = (await ctx.conn.execute(select(delta_followed_cards))).all()
    assert len(followed) == 1


async def test_a_shanghai_card_at_a_jiangsu_hotel_is_asked_of_shanghai(
    api: Api, nodes: Delta
) -> None:
    """SPEC YRD-1..3: a Shanghai card shown at a Nanjing hotel: Shanghai's node answers; a lost
    one is refused with its reason; the use is recorded as Shanghai's card, no card of ours."""
    hotel = await scene(api, "hotel", "HT3201000001", city="3201")
    good, lost = nodes.card("31"), nodes.card("31", "temporarily_lost")
    ok = await hotel.identity(card_number=good, issuer_region="310100")
    assert (ok["allowed"], ok["card_province_code"], ok["credential"]) == (True, "31", "card")
    assert ok["holder"]["social_security_number"] is None
    assert "*" in ok["holder"]["name"]
    refused = await hotel.identity(card_number=lost, issuer_region="310100")
    assert (refused["allowed"], refused["code"], refused["rule"]) == (False, "card_lost", "LOSS-5")
    assert refused["reason"] == "上海市社保卡节点答复：卡片已临时挂失"
    await nodes.control("POST", f"/provinces/31/cards/{good}", {"status": "cancelled"})
    dead = await hotel.identity(card_number=good, issuer_region="310100")
    assert (dead["allowed"], dead["code"]) == (False, "card_dead")
    r = await api.get("/api/v1/scenes/HT3201000001/uses?since=2026-11-23", "admin")
    assert {c["card_city_code"] for c in r.json()["counts"]} == {None}


async def test_what_the_delta_does_not_carry_is_refused_plainly(api: Api, nodes: Delta) -> None:
    """SPEC YRD-1: a card from outside the delta, a node that is not linked or cannot answer,
    and a settlement with another province's card are refusals, never allowances."""
    hotel = await scene(api, "hotel", "HT3201000002", city="3201")
    far = await hotel.identity(card_number="A12345678", issuer_region="440100")
    assert (far["allowed"], far["code"], far["rule"]) == (False, "outside_delta", "YRD-1")
    hospital = await scene(api, "hospital", "HS3201000001", city="3201")
    visit = {"card_number": nodes.card("33"), "issuer_region": "330100",
             "settlement_ref": "V1", "total_fen": 1000, "fund_fen": 500}  # fmt: skip
    r = await hospital.post("/api/v1/scene-uses/medical", visit)
    assert r.status_code == 200, r.text
    assert (r.json()["allowed"], r.json()["code"]) == (False, "not_exchanged")
    async with api.rt.unit(OPERATOR) as ctx:  # Anhui's node moves to where nothing answers
        from sscard.delta import service as delta

        await delta.link_node(ctx, "34", "http://127.0.0.1:9/provinces/34")
    down = await hotel.identity(card_number=nodes.card("34"), issuer_region="340100")
    assert (down["allowed"], down["code"], down["rule"]) == (False, "delta_unreachable", "YRD-3")


async def test_an_answer_not_signed_with_the_pairs_key_is_not_believed(
    api: Api, nodes: Delta
) -> None:
    """SPEC YRD-3: Zhejiang's node answering with another key is unreachable, not allowed."""
    nodes.sim.provinces["33"].secret = b"\x01" * 32
    hotel = await scene(api, "hotel", "HT3201000003", city="3201")
    said = await hotel.identity(card_number=nodes.card("33"), issuer_region="330100")
    assert (said["allowed"], said["code"]) == (False, "delta_unreachable")


async def _counts(api: Api) -> tuple[int, int, int]:
    return (
        await api.count("delta_followed_cards"),
        await api.count("delta_questions"),
        await api.count("delta_requests"),
    )


async def test_a_question_sscard_cannot_take_changes_nothing(api: Api, nodes: Delta) -> None:
    """SPEC YRD-3: unsigned, signed with another key, replayed, from a token that is no node,
    about a place outside the asking province or with a field the standard does not have: a
    clear refusal naming the field, and nothing recorded."""
    n = (await api.card())["card_number"]
    node = nodes.linked["31"]
    api.tokens["node31"] = node["token"]
    secret = bytes.fromhex(node["signing_key"])
    q = {"standard": "yrd-card-status/1", "request_id": "req-00000001", "asking_province": "31",
         "card_number": n, "issuer_region": "320400", "use": "entry",
         "place_code": "3101"}  # fmt: skip

    async def send(body: dict[str, Any], key: bytes = secret, who: str = "node31") -> Any:
        raw = orjson.dumps(body)
        headers = {"Content-Type": "application/json",
                   **signed_headers(key, api.rt.clock.now(), raw)}  # fmt: skip
        return await api.call("POST", "/api/v1/delta/card-status", who, content=raw,
                              headers=headers)  # fmt: skip

    r = await api.call("POST", "/api/v1/delta/card-status", "node31", json=q)
    assert (r.status_code, r.json()["code"]) == (401, "signature_refused")
    assert (await send(q, key=b"\x02" * 32)).status_code == 401
    assert (await send(q, who="hotline")).status_code == 403
    for bad, field in [
        ({"place_code": "3201"}, "place_code"),
        ({"issuer_region": "310100"}, "issuer_region"),
        ({"use": "withdrawal"}, "use"),
        ({"standard": "yrd-card-status/2"}, "standard"),
        ({"holder": "x"}, "holder"),
        ({"asking_province": "33"}, "asking_province"),  # a node speaks for its own province
    ]:
        r = await send(q | bad | {"request_id": f"bad-question-{field}"})
        assert (r.status_code, r.json()["field"]) == (422, field), r.text
        assert r.json()["detail_zh"]
        assert r.json()["detail_en"]
    assert await _counts(api) == (0, 0, 0)
    first = await send(q)
    assert first.status_code == 200, first.text
    again = await send(q)
    assert (again.status_code, again.json()["code"]) == (409, "request_replayed")
    assert await _counts(api) == (1, 1, 1)


async def test_the_province_links_nodes_and_sees_what_crossed(api: Api, nodes: Delta) -> None:
    """SPEC YRD-3: the province re-points a node (its token and key kept), renews one (the old
    token stops working), and reads what crossed, counted; a city's centre reads, only the
    province links, and a province outside the delta is refused."""
    r = await api.call(
        "PUT", "/api/v1/delta/nodes/31", "admin", json={"base_url": nodes.url + "/provinces/31/"}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["token"], r.json()["base_url"]) == (None, nodes.url + "/provinces/31")
    r = await api.call("PUT", "/api/v1/delta/nodes/44", "admin", json={"base_url": nodes.url})
    assert (r.status_code, r.json()["field"]) == (422, "province_code")
    r = await api.call("PUT", "/api/v1/delta/nodes/33", "admin", json={"base_url": "ftp://x"})
    assert (r.status_code, r.json()["field"]) == (422, "base_url")
    r = await api.call(
        "PUT", "/api/v1/delta/nodes/33", "admin_suzhou", json={"base_url": nodes.url}
    )
    assert r.status_code == 403
    n = (await api.card())["card_number"]
    q = {"card_number": n, "issuer_region": "320400", "use": "entry", "place_code": "3301"}
    assert (await nodes.ask("33", **q))["answer"]["allowed"] is True
    hotel = await scene(api, "hotel", "HT3201000009", city="3201")
    await hotel.identity(card_number=nodes.card("34"), issuer_region="340100")
    r = await api.get("/api/v1/delta", "admin_suzhou")
    assert r.status_code == 200, r.text
    seen = {(c["province_code"], c["direction"], c["use"], c["answer_code"]): c["questions"]
            for c in r.json()["questions"]}  # fmt: skip
    assert seen == {("33", "asked_us", "entry", "ok"): 1, ("34", "we_asked", "identity", "ok"): 1}
    assert r.json()["followed_cards"] == {"33": 1}
    assert n not in r.text
    body = {"base_url": nodes.url + "/provinces/33", "renew": True}
    renewed = await api.call("PUT", "/api/v1/delta/nodes/33", "admin", json=body)
    assert renewed.json()["token"]
    assert renewed.json()["signing_key"]
    old = await nodes.ask("33", **q)
    assert old["status_code"] == 401


class _SlowNode:
    """A node that answers nothing for a long while, or trickles, or answers another
    question, signed with the pair's key (the adversarial review's nodes)."""

    def __init__(self, key: bytes, mode: str) -> None:
        self.key, self.mode = key, mode

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        if self.mode == "hang":
            await asyncio.sleep(30)
        body = orjson.dumps({"standard": "yrd-card-status/1", "request_id": "another-one",
                             "province_code": "34", "known": True, "use": "identity",
                             "allowed": True, "code": "ok", "card_number_masked": "Z99****99",
                             "holder_name_masked": "黑*"})  # fmt: skip
        head = signed_headers(self.key, datetime.now(UTC) + OFFSET[0], body)
        headers = [(k.lower().encode(), v.encode()) for k, v in head.items()]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


OFFSET: list[timedelta] = [timedelta(0)]


async def test_a_slow_node_holds_no_lock_and_a_forged_answer_is_not_believed(
    api: Api, nodes: Delta, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPEC YRD-3 (the adversarial review): the node is asked with no transaction open, within
    one deadline, so a node that never answers stalls nothing else: a Jiangsu card's loss is
    reported while the hotel waits, and the hotel is then told the card cannot be checked; an
    answer signed with the pair's key but to another question is not believed either."""
    from sscard.delta import client

    monkeypatch.setattr(client, "ASK_TIMEOUT_SECONDS", 1.0)
    OFFSET[0] = api.rt.clock.now() - datetime.now(UTC)
    key = bytes.fromhex(nodes.linked["34"]["signing_key"])
    hotel = await scene(api, "hotel", "HT3201000077", city="3201")
    n = (await api.card())["card_number"]
    async with serving(_SlowNode(key, "hang")) as slow:
        await api.call("PUT", "/api/v1/delta/nodes/34", "admin", json={"base_url": slow})
        done: list[str] = []

        async def waiting() -> dict[str, Any]:
            said = await hotel.identity(card_number=nodes.card("34"), issuer_region="340100")
            done.append("hotel")
            return said

        async def meanwhile() -> None:
            await asyncio.sleep(0.2)
            r = await api.card_post(n, "temporary-loss", "hotline", {"reason": "丢失"})
            assert r.status_code == 200, r.text
            done.append("loss")

        said, _ = await asyncio.gather(waiting(), meanwhile())
    assert done == ["loss", "hotel"]
    assert (said["allowed"], said["code"]) == (False, "delta_unreachable")
    async with serving(_SlowNode(key, "other")) as forged:
        await api.call("PUT", "/api/v1/delta/nodes/34", "admin", json={"base_url": forged})
        said = await hotel.identity(card_number=nodes.card("34"), issuer_region="340100")
    assert (said["allowed"], said["code"]) == (False, "delta_unreachable")


@pytest.mark.parametrize(
    "url",
    [
        "http://user:secret@127.0.0.1:9/yrd",  # credentials would be shown and logged
        "http://example.com:abc",
        "http://example.com:99999",
        "http://example.com/node#frag",
        "http://example.com/node?q=1",
        "http://example.com/" + "x" * 240,
    ],
)
async def test_a_node_address_sscard_could_not_use_safely_is_refused(api: Api, url: str) -> None:
    r = await api.call("PUT", "/api/v1/delta/nodes/34", "admin", json={"base_url": url})
    assert (r.status_code, r.json()["field"]) == (422, "base_url"), r.text
    assert await api.count("delta_nodes") == 0


async def test_what_is_refused_before_asking_names_the_cards_province(
    api: Api, nodes: Delta
) -> None:
    """SPEC YRD-1, CUL-1: another province's card at a ticketed gate is refused (no ticket is
    sold to it here), with its own province in the answer; at a library's gate its node is
    asked."""
    spot = await scene(api, "scenic_spot", "SS3201000077", city="3201")
    r = await spot.post("/api/v1/scene-uses/entry",
                        {"card_number": nodes.card("31"), "issuer_region": "310100"})  # fmt: skip
    said = r.json()
    shown = (said["allowed"], said["code"], said["card_province_code"])
    assert shown == (False, "not_exchanged", "31")
    library = await scene(api, "library", "LB3201000077", city="3201")
    shanghai = {"card_number": nodes.card("31"), "issuer_region": "310100"}
    r = await library.post("/api/v1/scene-uses/entry", shanghai)
    assert (r.json()["allowed"], r.json()["card_province_code"]) == (True, "31")
