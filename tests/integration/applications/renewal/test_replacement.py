"""Replacement after formal loss (SPEC REP-1, REP-1a, REP-5, APP-8)."""

from __future__ import annotations

from sscard.kernel.clock import ManualClock
from tests.integration.applications.renewal.helpers import (
    change_policy,
    collect,
    exchange,
    outbox_topics,
)
from tests.support.api import Api
from tests.support.bank_reports import bank_report


async def test_replacement_needs_a_formal_loss_first(api: Api) -> None:
    """SPEC REP-1: an active or temporarily lost card is not replaced."""
    card = await api.card()
    n = card["card_number"]
    r = await api.card_post(n, "replacement", "clerk_instant", {})
    assert r.status_code == 409
    assert r.json()["code"] == "formal_loss_first"
    await api.card_post(n, "temporary-loss", "hotline")
    r = await api.card_post(n, "replacement", "clerk_instant", {})
    assert r.status_code == 409
    assert r.json()["rule"] == "REP-1"


async def test_replacement_follows_the_application_process_to_a_new_card(api: Api) -> None:
    """SPEC REP-1 / APP-1: made on the spot at an instant outlet, collected, hr active again."""
    card = await api.card()
    n = card["card_number"]
    await api.card_post(n, "formal-loss", "clerk_nanjing_bank")

    r = await api.card_post(n, "replacement", "clerk_instant", {})

    assert r.status_code == 201, r.text
    app = r.json()
    assert (app["kind"], app["status"], app["bank_code"]) == (
        "replacement",
        "ready_for_collection",
        "ICBC",
    )
    collected = await collect(api, app["reference"], card["document"])
    new = collected["card"]
    assert new["hr_status"] == "active"
    assert new["card_number"] != n
    assert (await api.card_state(n))["hr_status"] == "superseded"
    assert ("bank.card_superseded", "ICBC") in await outbox_topics(api)


async def test_replacement_fee_follows_the_city_policy_in_force(api: Api) -> None:
    """SPEC APP-8: a city policy with an effective date decides the fee; default free."""
    card = await api.card()
    await api.card_post(card["card_number"], "formal-loss", "clerk_nanjing_bank")
    await change_policy(api, "3204", "2026-11-23", fees_fen={"replacement": 2000})

    r = await api.card_post(card["card_number"], "replacement", "clerk_instant", {})

    assert r.status_code == 201, r.text
    assert r.json()["fee_fen"] == 2000


async def test_replacement_in_another_city_needs_the_account_closed_first(api: Api) -> None:
    """SPEC REP-1a: the financial account cannot move between cities."""
    card = await api.card()
    n = card["card_number"]
    await bank_report(
        api,
        n,
        "bank_icbc",
        {"event": "account_opened", "account_number": "6222020000005678"},
    )
    await api.card_post(n, "formal-loss", "clerk_nanjing_bank")

    r = await api.card_post(n, "replacement", "clerk_nanjing_bank", {})
    assert r.status_code == 409
    assert r.json()["code"] == "other_city_account_open"
    await bank_report(api, n, "bank_icbc", {"event": "closed"})
    r = await api.card_post(n, "replacement", "clerk_nanjing_bank", {})
    assert r.status_code == 201, r.text
    assert r.json()["city_code"] == "3201"


async def test_replacement_with_another_bank_only_where_the_city_allows(api: Api) -> None:
    """SPEC REP-6: Changzhou does not allow changing bank for personal reasons."""
    card = await api.card()
    await api.card_post(card["card_number"], "formal-loss", "clerk_nanjing_bank")
    r = await api.card_post(
        card["card_number"], "replacement", "clerk_instant", {"bank_code": "ABC"}
    )
    assert r.status_code == 409
    assert r.json()["code"] == "bank_change_not_allowed"


async def test_more_than_three_in_a_month_sends_an_sms_reminder(
    api: Api, clock: ManualClock
) -> None:
    """SPEC REP-5: the fourth replacement/exchange within a month queues an SMS; not before."""
    card = await api.card()
    number = card["card_number"]
    for i in range(4):
        if i == 3:
            assert await api.count("notifications") == 0
        r = await exchange(api, number, "damage")
        assert r.status_code == 201, r.text
        number = (await collect(api, r.json()["reference"], card["document"]))["card"][
            "card_number"
        ]
    r = await api.get(f"/api/v1/notifications?person_id={card['person_id']}", "admin")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["template"] for i in items] == ["repeat_exchange_reminder"]


async def test_malicious_case_in_the_credit_record_is_seen_by_later_business(api: Api) -> None:
    """SPEC REP-5: the centre records a malicious repeat case; the next application shows it."""
    card = await api.card()
    r = await exchange(api, card["card_number"], "damage")
    assert r.json()["credit_warnings"] == []
    new = (await collect(api, r.json()["reference"], card["document"]))["card"]["card_number"]
    path = f"/api/v1/persons/{card['person_id']}/credit-record"
    r = await api.post(path, "admin", {"kind": "malicious_repeat_exchange", "note": "反复换卡"})
    assert r.status_code == 201, r.text

    r = await exchange(api, new, "damage")

    assert r.status_code == 201, r.text
    assert [w["kind"] for w in r.json()["credit_warnings"]] == ["malicious_repeat_exchange"]
    assert r.json()["credit_warnings"][0]["rule"] == "REP-5"
