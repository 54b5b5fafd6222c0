"""Exchange by reason, each with its preconditions (SPEC REP-2 a-e, REP-3, REP-6, JUR-3, ISS-7)."""

from __future__ import annotations

from datetime import timedelta

from sscard.kernel.clock import ManualClock
from tests.integration.applications.renewal.helpers import collect, exchange
from tests.support.api import Api
from tests.support.bank_reports import bank_report


async def test_damage_exchange_where_the_city_says(api: Api) -> None:
    """SPEC REP-2a: Changzhou exchanges damaged cards at HR outlets, not at bank outlets."""
    card = await api.card()
    r = await exchange(api, card["card_number"], "damage", "clerk_changzhou_icbc")
    assert r.status_code == 409
    assert r.json()["code"] == "exchange_not_at_this_outlet"
    r = await exchange(api, card["card_number"], "damage")
    assert r.status_code == 201, r.text
    assert (r.json()["kind"], r.json()["fee_fen"]) == ("exchange", 0)


async def test_suzhou_exchanges_damaged_cards_at_bank_outlets(api: Api) -> None:
    """SPEC REP-2a / CITY-3: Suzhou's policy sends damage exchanges to the bank outlets."""
    card = await api.card("clerk_suzhou_icbc", "ICBC", city_code="3205")
    r = await exchange(api, card["card_number"], "quality_fault", "clerk_suzhou")
    assert r.status_code in (403, 409), r.text  # its HR outlet does not offer exchange at all
    r = await exchange(api, card["card_number"], "quality_fault", "clerk_suzhou_icbc")
    assert r.status_code == 201, r.text


async def test_old_card_is_taken_back_and_superseded(api: Api) -> None:
    """SPEC REP-3: the old card is handed in; the hr function moves to the new card."""
    card = await api.card()
    n = card["card_number"]
    r = await api.card_post(
        n, "exchange", "clerk_instant", {"reason": "damage", "old_card_returned": False}
    )
    assert r.status_code == 422
    assert r.json()["code"] == "old_card_not_returned"
    assert (await api.card_state(n))["hr_status"] == "active"

    r = await exchange(api, n, "damage")
    new = (await collect(api, r.json()["reference"], card["document"]))["card"]
    assert (await api.card_state(n))["hr_status"] == "superseded"
    assert new["hr_status"] == "active"
    overview = (await api.get(f"/api/v1/persons/{card['person_id']}", "admin")).json()
    assert sorted(c["hr_status"] for c in overview["cards"]) == ["active", "superseded"]


async def test_lost_card_is_replaced_not_exchanged(api: Api) -> None:
    """SPEC REP-2 / LOSS-5: an exchange starts from an active card."""
    card = await api.card()
    await api.card_post(card["card_number"], "temporary-loss", "hotline")
    r = await exchange(api, card["card_number"], "damage")
    assert r.status_code == 409
    assert r.json()["code"] == "card_transition_refused"


async def test_base_data_exchange_after_the_registry_is_corrected(
    api: Api, clock: ManualClock
) -> None:
    """SPEC REP-2b / JUR-3: first the base-data window (police certificate), then exchange."""
    card = await api.card()
    clock.advance(timedelta(days=30))
    r = await exchange(api, card["card_number"], "base_data_change")
    assert r.status_code == 409
    assert r.json()["code"] == "no_base_data_correction"
    path = f"/api/v1/persons/{card['person_id']}/base-data-corrections"
    r = await api.post(path, "clerk_instant", {"name": "改名人"})
    assert r.status_code == 422  # the certificate is required
    r = await api.post(
        path, "clerk_instant", {"name": "改名人", "certificate_number": "GA2026-0001"}
    )
    assert r.status_code == 201, r.text
    assert r.json()["corrected"] == ["name"]
    assert (await api.card_state(card["card_number"]))["hr_status"] == "active"  # JUR-3

    r = await exchange(api, card["card_number"], "base_data_change")
    assert r.status_code == 201, r.text


async def test_new_photo_exchange_needs_a_photo_taken_since_the_card(
    api: Api, clock: ManualClock
) -> None:
    """SPEC REP-2a: a new-photo exchange needs the new photo first."""
    card = await api.card()
    r = await exchange(api, card["card_number"], "new_photo")
    assert r.status_code == 409
    assert r.json()["code"] == "no_new_photo"
    clock.advance(timedelta(minutes=5))
    assert (await api.put_photo(card["person_id"])).status_code == 200
    assert (await exchange(api, card["card_number"], "new_photo")).status_code == 201


async def test_bank_change_refused_where_the_city_forbids_it(api: Api) -> None:
    """SPEC REP-6 / REP-2c: Changzhou forbids changing bank for personal reasons."""
    card = await api.card()
    r = await exchange(api, card["card_number"], "bank_change", bank_code="ABC")
    assert r.status_code == 409
    assert r.json()["code"] == "bank_change_not_allowed"


async def test_bank_changes_only_through_a_bank_change_exchange(api: Api) -> None:
    """SPEC JUR-3: printed data (the bank) changes only through its own exchange kind."""
    card = await api.card()
    r = await exchange(api, card["card_number"], "damage", bank_code="ABC")
    assert r.status_code == 422
    assert r.json()["code"] == "bank_change_needs_its_own_exchange"


async def test_suzhou_bank_change_after_the_old_bank_closed_the_account(api: Api) -> None:
    """SPEC REP-2c: where allowed (Suzhou), the old bank's function is lost or closed first."""
    card = await api.card("clerk_suzhou_icbc", "ICBC", city_code="3205")
    n = card["card_number"]
    await bank_report(
        api,
        n,
        "bank_icbc",
        {"event": "account_opened", "account_number": "6222020000009999"},
    )
    r = await exchange(api, n, "bank_change", "clerk_suzhou_szb", bank_code="SZB")
    assert r.status_code == 409
    assert r.json()["code"] == "old_bank_not_settled"
    r = await exchange(api, n, "bank_change", "clerk_suzhou_szb", bank_code="ICBC")
    assert r.status_code == 422
    assert r.json()["code"] == "bank_unchanged"

    await bank_report(api, n, "bank_icbc", {"event": "closed"})
    r = await exchange(api, n, "bank_change", "clerk_suzhou_szb", bank_code="SZB")
    assert r.status_code == 201, r.text
    assert r.json()["bank_code"] == "SZB"


async def test_expiry_exchange_opens_ninety_days_before_ten_years(
    api: Api, clock: ManualClock
) -> None:
    """SPEC REP-2e / ISS-7: exchange for expiry near the end of the 10-year validity."""
    card = await api.card()
    n = card["card_number"]
    r = await exchange(api, n, "expiry")
    assert r.status_code == 409
    assert r.json()["code"] == "not_yet_expiring"
    expiry = (await api.card_state(n))["expiry_date"]
    assert expiry == "2036-11-23"
    clock.advance(timedelta(days=3653 - 91))
    r = await exchange(api, n, "expiry")
    assert r.status_code == 409
    clock.advance(timedelta(days=1))
    r = await exchange(api, n, "expiry")
    assert r.status_code == 201, r.text
