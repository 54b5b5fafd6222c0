"""The transport wallet (issue 15 items 1, 2, 4; SPEC TRN-1, TRN-2, TRN-4, LOSS-6, REP-4): the
anonymous purse loaded at a transport outlet, topped up in two steps (never lost, never
doubled), refunded and closed at the operator's outlet, and in the way of an exchange while it
holds money. Amounts in fen."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from sscard.kernel.clock import ManualClock
from sscard.transport.tasks import reverse_unconfirmed
from tests.integration.applications.renewal.helpers import exchange
from tests.integration.scenes.support import scene
from tests.support.api import Api

CLERK = "clerk_transport"  # Changzhou's citizen-card company's own outlet: cap 1,000 yuan


async def loaded(api: Api) -> str:
    n = (await api.card())["card_number"]
    r = await api.post("/api/v1/transport/purses", CLERK, {"card_number": n})
    assert r.status_code == 201, r.text
    return str(n)


async def authorise(api: Api, n: str, fen: int, ref: str) -> httpx.Response:
    body = {"card_number": n, "amount_fen": fen, "channel": "outlet", "reference": ref}
    return await api.post("/api/v1/transport/top-ups", CLERK, body)


async def confirm(api: Api, ref: str, counter: int) -> httpx.Response:
    return await api.post(f"/api/v1/transport/top-ups/{ref}/confirm", CLERK, {"counter": counter})


async def purse(api: Api, n: str, who: str = CLERK) -> dict[str, Any]:
    r = await api.get(f"/api/v1/transport/purses/{n}", who)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_the_purse_is_loaded_at_a_transport_outlet_once(api: Api) -> None:
    """SPEC TRN-1: a transport outlet loads it; an HR outlet that does not offer it is refused;
    a second load is refused; the purse is anonymous (nothing of the holder in it)."""
    n = (await api.card())["card_number"]
    r = await api.post("/api/v1/transport/purses", "clerk_instant", {"card_number": n})
    assert (r.status_code, r.json()["code"]) == (403, "outlet_does_not_offer")
    r = await api.post("/api/v1/transport/purses", CLERK, {"card_number": n})
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["balance_fen"], body["cap_fen"], body["aid"]) == (0, 100000, "A000000632010105")
    assert "测试人" not in r.text
    r = await api.post("/api/v1/transport/purses", CLERK, {"card_number": n})
    assert (r.status_code, r.json()["code"]) == (409, "purse_already_loaded")
    assert await api.count("transport_purses") == 1


async def test_a_top_up_counts_only_once_written(api: Api) -> None:
    """SPEC TRN-2: authorised, it is not in the balance; confirmed with the card's counter it
    is, once; the same reference again is the same top-up; another top-up under it is refused;
    the cap counts pending top-ups."""
    n = await loaded(api)
    r = await authorise(api, n, 50000, "T-0001")
    assert r.status_code == 201, r.text
    assert (r.json()["state"], r.json()["balance_fen"]) == ("authorised", 0)
    assert (await authorise(api, n, 50000, "T-0001")).json()["state"] == "authorised"
    r = await authorise(api, n, 40000, "T-0001")
    assert (r.status_code, r.json()["code"]) == (409, "reference_reused")
    r = await authorise(api, n, 60000, "T-0002")
    assert (r.status_code, r.json()["code"], r.json()["rule"]) == (409, "top_up_not_allowed",
                                                                   "TRN-2")  # fmt: skip
    assert "500.00" in r.json()["detail_zh"]
    assert await api.count("transport_top_ups") == 1
    r = await confirm(api, "T-0001", 1)
    assert (r.status_code, r.json()["balance_fen"]) == (200, 50000), r.text
    r = await confirm(api, "T-0001", 2)
    assert (r.status_code, r.json()["code"]) == (409, "top_up_not_pending")
    assert (await purse(api, n))["balance_fen"] == 50000


async def test_concurrent_confirmations_credit_once(api: Api) -> None:
    """SPEC TRN-2: the same write confirmed by eight terminals at once is in the balance once."""
    n = await loaded(api)
    assert (await authorise(api, n, 10000, "T-0100")).status_code == 201
    answers = await asyncio.gather(*(confirm(api, "T-0100", 5) for _ in range(8)))
    assert sorted(r.status_code for r in answers).count(200) == 1
    assert (await purse(api, n))["balance_fen"] == 10000
    assert await api.count("transport_ledger") == 1


async def test_an_unconfirmed_top_up_is_reversed_never_lost_never_doubled(
    api: Api, clock: ManualClock
) -> None:
    """SPEC TRN-2: a top-up no terminal confirmed within 10 minutes is reversed by the worker;
    a late confirmation is then refused (the card is put right at an outlet); a terminal's own
    reversal of a failed write likewise; the counter of a write seen or older is refused."""
    n = await loaded(api)
    assert (await authorise(api, n, 2000, "T-0200")).status_code == 201
    clock.advance(timedelta(minutes=9))
    assert await reverse_unconfirmed(api.rt) == 0
    clock.advance(timedelta(minutes=2))
    assert await reverse_unconfirmed(api.rt) == 1
    r = await confirm(api, "T-0200", 1)
    assert (r.status_code, r.json()["code"]) == (409, "top_up_not_pending")
    assert (await authorise(api, n, 3000, "T-0201")).status_code == 201
    r = await api.post("/api/v1/transport/top-ups/T-0201/reverse", CLERK)
    assert (r.status_code, r.json()["state"]) == (200, "reversed")
    assert (await authorise(api, n, 1000, "T-0202")).status_code == 201
    assert (await confirm(api, "T-0202", 7)).status_code == 200
    assert (await authorise(api, n, 1000, "T-0203")).status_code == 201
    r = await confirm(api, "T-0203", 7)
    assert (r.status_code, r.json()["code"]) == (409, "counter_refused")
    r = await confirm(api, "T-0203", 3)
    assert (r.status_code, r.json()["code"]) == (409, "counter_refused")
    assert (await confirm(api, "T-0203", 8)).status_code == 200
    assert (await purse(api, n))["balance_fen"] == 2000


async def test_the_refund_closes_the_purse_and_lets_the_exchange_go_on(api: Api) -> None:
    """SPEC REP-4, TRN-4: with money in the purse the card is not exchanged, and the refusal
    says where to go; the operator's outlet refunds it (not while a top-up waits) and closes
    the purse; then the exchange goes on, and the closed purse takes no top-up."""
    n = await loaded(api)
    assert (await authorise(api, n, 1234, "T-0300")).status_code == 201
    r = await api.post(f"/api/v1/transport/purses/{n}/refund", CLERK)
    assert (r.status_code, r.json()["code"]) == (409, "refund_not_allowed")
    assert (await confirm(api, "T-0300", 1)).status_code == 200
    r = await exchange(api, n, "damage")
    assert (r.status_code, r.json()["code"], r.json()["rule"]) == (409, "transport_balance_held",
                                                                   "REP-4")  # fmt: skip
    assert "12.34" in r.json()["detail_zh"]
    assert "退值" in r.json()["detail_zh"]
    r = await api.post(f"/api/v1/transport/purses/{n}/refund", CLERK)
    assert (r.status_code, r.json()["refunded_fen"], r.json()["status"]) == (200, 1234, "closed")
    r = await api.post(f"/api/v1/transport/purses/{n}/refund", CLERK)
    assert r.status_code == 409
    r = await authorise(api, n, 100, "T-0301")
    assert (r.status_code, r.json()["code"]) == (409, "purse_closed")
    r = await api.post("/api/v1/transport/purses", CLERK, {"card_number": n})
    assert (r.status_code, r.json()["code"]) == (409, "purse_closed")
    r = await exchange(api, n, "damage")
    assert r.status_code == 201, r.text


async def test_a_lost_card_leaves_the_purse_as_it_is(api: Api) -> None:
    """SPEC LOSS-6: the purse cannot be reported lost; a loss of the card changes nothing in
    it, and the holder reading it is told why."""
    n = await loaded(api)
    assert (await authorise(api, n, 500, "T-0400")).status_code == 201
    assert (await confirm(api, "T-0400", 1)).status_code == 200
    r = await api.card_post(n, "temporary-loss", "hotline", {"reason": "丢失"})
    assert r.status_code == 200, r.text
    view = await purse(api, n, "hotline")
    assert (view["balance_fen"], view["status"]) == (500, "open")
    assert "不能挂失" in view["loss_notice_zh"]


async def test_at_once_the_cap_holds_and_a_refund_leaves_nothing_pending(api: Api) -> None:
    """SPEC TRN-2, TRN-4 (the adversarial review, on PostgreSQL): ten top-ups authorised at
    once stay within the cap; the same top-up sent eight times at once is one top-up; a refund
    racing a top-up never leaves a closed purse with a top-up waiting."""
    n = await loaded(api)
    tries = await asyncio.gather(*(authorise(api, n, 30000, f"CAP-{i:04}") for i in range(10)))
    assert sorted(r.status_code for r in tries).count(201) == 3
    same = await asyncio.gather(*(authorise(api, n, 100, "SAME-0001") for _ in range(8)))
    assert {r.status_code for r in same} == {201}
    assert await api.count("transport_top_ups") == 4
    other = await loaded(api)
    assert (await authorise(api, other, 500, "RF-0001")).status_code == 201
    assert (await confirm(api, "RF-0001", 1)).status_code == 200
    await asyncio.gather(
        authorise(api, other, 700, "RF-0002"),
        api.post(f"/api/v1/transport/purses/{other}/refund", CLERK),
    )
    view = await purse(api, other)
    assert not (view["status"] == "closed" and view["pending_top_ups"])


async def test_only_the_purses_city_tops_up_and_refunds_it(api: Api) -> None:
    """SPEC TRN-2, TRN-4: Suzhou's citizen-card outlet neither refunds a Changzhou purse nor
    confirms or reverses a top-up Changzhou's clerk authorised; the hall's page is the holder's
    own (403 for staff)."""
    r = await api.post("/api/v1/actors", "admin", {"role": "outlet_clerk", "display_name": "苏州",
                                                   "outlet_code": "3205-TRN-001"})  # fmt: skip
    assert r.status_code == 201, r.text
    api.tokens["suzhou_transport"] = r.json()["token"]
    n = await loaded(api)
    assert (await authorise(api, n, 1000, "XC-0001")).status_code == 201
    r = await api.post("/api/v1/transport/top-ups/XC-0001/confirm", "suzhou_transport",
                       {"counter": 1})  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (403, "not_this_outlet")
    r = await api.post("/api/v1/transport/top-ups/XC-0001/reverse", "suzhou_transport")
    assert r.status_code == 403
    r = await api.post(f"/api/v1/transport/purses/{n}/refund", "suzhou_transport")
    assert (r.status_code, r.json()["code"]) == (403, "not_this_outlet")
    body = {"card_number": n, "amount_fen": 100, "channel": "outlet", "reference": "XC-0002"}
    r = await api.post("/api/v1/transport/top-ups", "suzhou_transport", body)
    assert r.status_code == 403
    assert (await api.get("/api/v1/me/transport", "hotline")).status_code == 403
    assert (await purse(api, n))["pending_top_ups"][0]["reference"] == "XC-0001"


async def test_nantong_top_ups_paid_with_its_rural_commercial_bank_cost_95_percent(
    api: Api,
) -> None:
    """SPEC TRN-3, CITY-3: in Nantong, a top-up paid from a Nantong Rural Commercial Bank card
    account, or at its outlet, costs 95 % of the value written; paid otherwise, or to a purse
    of another city, the full value; an unknown bank is refused by name."""
    n = (await api.card("clerk_nantong", city_code="3206"))["card_number"]
    r = await api.post("/api/v1/transport/purses", "clerk_nantong_transport", {"card_number": n})
    assert r.status_code == 201, r.text

    async def top_up(who: str, ref: str, bank: str | None) -> httpx.Response:
        body = {"card_number": n, "amount_fen": 10000, "channel": "outlet", "reference": ref}
        if bank:
            body["paid_with_bank"] = bank
        return await api.post("/api/v1/transport/top-ups", who, body)

    r = await top_up("clerk_nantong_transport", "NT-1", "NTRCB")
    assert (r.status_code, r.json()["paid_fen"], r.json()["amount_fen"]) == (201, 9500, 10000)
    r = await top_up("clerk_nantong_ntrcb", "NT-2", None)
    assert (r.json()["paid_fen"], r.json()["paid_with_bank"]) == (9500, "NTRCB")
    r = await top_up("clerk_nantong_transport", "NT-3", "ICBC")
    assert r.json()["paid_fen"] == 10000
    r = await top_up("clerk_nantong_transport", "NT-4", "NOBANK")
    assert (r.status_code, r.json()["field"]) == (422, "paid_with_bank")
    changzhou = await loaded(api)
    body = {"card_number": changzhou, "amount_fen": 10000, "channel": "outlet",
            "reference": "CZ-1", "paid_with_bank": "NTRCB"}  # fmt: skip
    r = await api.post("/api/v1/transport/top-ups", CLERK, body)
    assert r.json()["paid_fen"] == 10000


async def test_kiosks_and_phones_top_up_as_signing_terminals(api: Api) -> None:
    """SPEC TRN-2: a self-service kiosk and a phone app over NFC are terminals of their own
    kinds: each authorises a top-up and confirms or reverses its own write; another kiosk,
    another city's, or a bus reader cannot."""
    n = await loaded(api)
    kiosk = await scene(api, "top_up_kiosk", "KIOSK3204000001", city="3204")
    phone = await scene(api, "nfc_app", "NFCAPP3204000001", city="3204")
    other = await scene(api, "top_up_kiosk", "KIOSK3204000001", city="3204", terminal="T2")
    suzhou = await scene(api, "top_up_kiosk", "KIOSK3205000001", city="3205")
    bus = await scene(api, "transit", "BUS3204000401", city="3204")
    body = {"card_number": n, "amount_fen": 5000, "reference": "KI-0001"}
    r = await kiosk.post("/api/v1/scene-uses/top-ups", body)
    assert (r.status_code, r.json()["channel"], r.json()["state"]) == (200, "kiosk", "authorised")
    r = await other.post("/api/v1/scene-uses/top-ups/writes", {"reference": "KI-0001",
                                                              "counter": 1})  # fmt: skip
    assert r.status_code == 403, r.text
    r = await kiosk.post("/api/v1/scene-uses/top-ups/writes", {"reference": "KI-0001",
                                                              "counter": 1})  # fmt: skip
    assert (r.status_code, r.json()["balance_fen"]) == (200, 5000), r.text
    r = await phone.post("/api/v1/scene-uses/top-ups", body | {"reference": "NF-0001"})
    assert r.json()["channel"] == "nfc"
    r = await phone.post("/api/v1/scene-uses/top-ups/writes", {"reference": "NF-0001"})
    assert (r.status_code, r.json()["state"]) == (200, "reversed")
    r = await suzhou.post("/api/v1/scene-uses/top-ups", body | {"reference": "SZ-0001"})
    assert r.status_code == 403, r.text
    r = await bus.post("/api/v1/scene-uses/top-ups", body | {"reference": "BU-0001"})
    assert (r.status_code, r.json()["field"]) == (422, "terminal")
    assert (await purse(api, n))["balance_fen"] == 5000


async def test_refusals_of_a_top_up_name_their_rule_in_plain_words(api: Api) -> None:
    """SPEC TRN-2 (issue 15 review): a confirmed top-up "cannot be reversed" (no made-up word);
    another clerk's confirmation of a top-up is refused under TRN-2 (top-up), a refund by
    another city's outlet under TRN-4 (refund); the counter of the last write, used again, is
    said to be used, not older."""
    r = await api.post("/api/v1/actors", "admin", {"role": "outlet_clerk", "display_name": "苏州",
                                                   "outlet_code": "3205-TRN-001"})  # fmt: skip
    api.tokens["suzhou_transport"] = r.json()["token"]
    n = await loaded(api)
    assert (await authorise(api, n, 1000, "TX-0001")).status_code == 201
    r = await api.post("/api/v1/transport/top-ups/TX-0001/confirm", "suzhou_transport",
                       {"counter": 1})  # fmt: skip
    assert (r.status_code, r.json()["code"], r.json()["rule"]) == (403, "not_this_outlet",
                                                                   "TRN-2")  # fmt: skip
    r = await api.post(f"/api/v1/transport/purses/{n}/refund", "suzhou_transport")
    assert (r.status_code, r.json()["rule"]) == (403, "TRN-4")
    assert (await confirm(api, "TX-0001", 1)).status_code == 200
    r = await api.post("/api/v1/transport/top-ups/TX-0001/reverse", CLERK)
    assert (r.status_code, r.json()["code"]) == (409, "top_up_not_pending")
    assert r.json()["detail_en"].endswith("it cannot be reversed")
    assert (await authorise(api, n, 1000, "TX-0002")).status_code == 201
    r = await confirm(api, "TX-0002", 1)
    assert (r.status_code, r.json()["code"]) == (409, "counter_refused")
    assert "used by the last write" in r.json()["detail_en"]
    assert "older" not in r.json()["detail_en"]
