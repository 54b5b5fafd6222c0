"""HR services through the ecard (issue 14 item 6; SPEC ECARD-5, SCN-1, LOSS-5): the catalogue,
an insurance certificate anyone can check by its code (the holder masked), an unemployment
registration for the HR agency of the card's city; a lost card reaches none of them."""

from __future__ import annotations

from datetime import timedelta

from sscard.kernel.clock import ManualClock
from tests.integration.ecards.test_ecard_qr import holder_with_card
from tests.support.api import Api

CERTIFICATES = "/api/v1/me/insurance-certificates"
UNEMPLOYMENT = "/api/v1/me/unemployment-registrations"


async def test_a_certificate_is_checked_by_its_code_until_it_runs_out(
    api: Api, clock: ManualClock
) -> None:
    card, holder = await holder_with_card(api)
    r = await api.post(CERTIFICATES, holder)
    assert r.status_code == 201, r.text
    issued = r.json()
    assert issued["holder"]["social_security_number"] == card["document"]["number"]
    assert issued["insured_city_code"] == "3204"
    code = issued["code"]
    assert len(code) == 19  # four groups of four
    checked = await api.client.get(f"/api/v1/insurance-certificates/{code}")  # no token
    assert checked.status_code == 200, checked.text
    assert checked.json()["answers"] is True
    assert "*" in checked.json()["holder"]["social_security_number"]
    assert card["document"]["number"] not in checked.text
    same = await api.client.get(f"/api/v1/insurance-certificates/{code.replace('-', '').lower()}")
    assert same.json()["code"] == code
    clock.advance(timedelta(days=91))
    late = await api.client.get(f"/api/v1/insurance-certificates/{code}")
    assert late.json()["answers"] is False
    r = await api.client.get("/api/v1/insurance-certificates/AAAA-BBBB-CCCC-DDDD")
    assert (r.status_code, r.json()["field"]) == (404, "code")
    other, other_holder = await holder_with_card(api)
    r = await api.get(f"{CERTIFICATES}/{code}", other_holder)
    assert r.status_code == 404  # one holder's certificate is not another's to read in full
    del other


async def test_an_unemployment_registration_goes_to_the_cards_city(
    api: Api, clock: ManualClock
) -> None:
    _, holder = await holder_with_card(api)
    today = clock.now().date()
    body = {"reason": "contract_ended", "unemployed_since": str(today - timedelta(days=3)),
            "last_unit_code": "91320400MA1W2X3Y4K"}  # fmt: skip
    r = await api.post(UNEMPLOYMENT, holder, body)
    assert r.status_code == 201, r.text
    assert (r.json()["city_code"], r.json()["status"]) == ("3204", "submitted")
    for bad, field in (
        ({"unemployed_since": str(today + timedelta(days=1))}, "unemployed_since"),
        ({"last_unit_code": "91320400MA1W2X3Y4A"}, "last_unit_code"),
        ({"reason": "bored"}, "reason"),
    ):
        r = await api.post(UNEMPLOYMENT, holder, body | bad)
        assert (r.status_code, r.json()["field"]) == (422, field), r.text
    listed = (await api.get(UNEMPLOYMENT, holder)).json()
    assert len(listed) == 1


async def test_a_lost_card_reaches_no_hr_service_and_the_catalogue_says_where_each_is(
    api: Api,
) -> None:
    """LOSS-5, ECARD-5: the ecard is suspended with the card; SCN-1: the rest are listed."""
    card, holder = await holder_with_card(api)
    r = await api.card_post(card["card_number"], "temporary-loss", "hotline")
    assert r.status_code == 200, r.text
    r = await api.post(CERTIFICATES, holder)
    assert (r.status_code, r.json()["code"]) == (409, "ecard_not_usable")
    assert await api.count("insurance_certificates") == 0
    catalogue = (await api.get("/api/v1/me/hr-services", holder)).json()
    services = [s for a in catalogue["areas"] for s in a["services"]]
    assert {s["code"] for s in services if s["here"]} == {
        "insurance_certificate",
        "unemployment_registration",
    }
    assert len(services) > 20


async def test_a_bad_credit_code_is_named_by_the_field_that_carried_it(api: Api) -> None:
    """A refusal names the request's own field, wherever a credit code is checked."""
    bad = "91320400MA1W2X3Y4A"
    r = await api.post("/api/v1/actors", "admin",
                       {"role": "unit_agent", "display_name": "x", "unit_code": bad})  # fmt: skip
    assert (r.status_code, r.json()["field"]) == (422, "unit_code")
    r = await api.post("/api/v1/units", "clerk_instant",
                       {"credit_code": bad, "name": "某单位", "kind": "enterprise"})  # fmt: skip
    assert (r.status_code, r.json()["field"]) == (422, "credit_code")
