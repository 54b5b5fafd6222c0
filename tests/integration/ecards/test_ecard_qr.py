"""The ecard's dynamic QR code (issue 14 items 3-4; SPEC ECARD-3, LOSS-5, SCN-1): shown by the
holder, signed by the platform's SM2 key, good for 60 seconds and one use; a counter checks it;
the published key verifies it with no call; keys rotate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import base45
import pytest

from sscard.ecards import qr, signing
from sscard.ecards.tasks import forget_used_codes
from sscard.kernel.clock import ManualClock
from tests.support.api import Api

SHOW = "/api/v1/me/ecard/qr"
CHECK = "/api/v1/ecard-qr/checks"


async def holder_with_card(api: Api) -> tuple[dict[str, Any], str]:
    card = await api.card()
    return card, await api.cardholder(card["person_id"])


async def shown(api: Api, holder: str, scope: str = "identity") -> str:
    r = await api.post(SHOW, holder, {"scope": scope})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    assert body["qr"].startswith("SC1:")
    return str(body["qr"])


async def test_a_code_is_checked_once_and_opens_the_record_as_the_document_shown(
    api: Api,
) -> None:
    """SCN-1: the ecard is an identity credential; ECARD-3: not replayable."""
    card, holder = await holder_with_card(api)
    code = await shown(api, holder)
    assert len(code) < 160  # QR version 6 at level M holds 154 alphanumeric characters
    before = await api.counts()
    r = await api.post(CHECK, "clerk_other", {"qr": code})
    assert r.status_code == 200, r.text
    checked = r.json()
    assert checked["valid"] is True
    assert checked["person_id"] == card["person_id"]
    assert checked["social_security_number"] == card["document"]["number"]
    assert checked["name"] == "测试人"
    # the record is open at this counter now, as after the document was shown (issue 11)
    r = await api.get(f"/api/v1/persons/{card['person_id']}", "clerk_other")
    assert r.status_code == 200, r.text
    again = await api.post(CHECK, "clerk_other", {"qr": code})
    assert (again.status_code, again.json()["code"]) == (422, "qr_refused")
    assert "used before" in again.json()["detail_en"]
    assert (await api.counts())["cards"] == before["cards"]


async def test_a_code_is_good_for_sixty_seconds(api: Api, clock: ManualClock) -> None:
    _, holder = await holder_with_card(api)
    code = await shown(api, holder, "entry")
    clock.advance(timedelta(seconds=61))
    r = await api.post(CHECK, "clerk_other", {"qr": code})
    assert (r.status_code, r.json()["code"]) == (422, "qr_expired")
    fresh = await shown(api, holder, "entry")
    r = await api.post(CHECK, "clerk_other", {"qr": fresh})
    assert r.status_code == 200, r.text
    assert r.json()["person_id"] is None  # not the identity scope: masked, no record opened
    assert "*" in r.json()["social_security_number"]


@pytest.mark.parametrize(
    "change",
    ["scope", "ecard", "signature", "prefix", "truncated", "not base45"],
)
async def test_a_code_changed_in_any_byte_is_refused(api: Api, change: str) -> None:
    _, holder = await holder_with_card(api)
    code = await shown(api, holder)
    raw = bytearray(base45.b45decode(code[4:]))
    where = {"scope": 11, "ecard": 5, "signature": 60}
    if change in where:
        raw[where[change]] ^= 0x01
        code = "SC1:" + base45.b45encode(bytes(raw)).decode()
    elif change == "prefix":
        code = "SC2:" + code[4:]
    elif change == "truncated":
        code = code[:-3]
    else:
        code = code[:-1] + "~"
    r = await api.post(CHECK, "clerk_other", {"qr": code})
    assert r.status_code == 422, r.text
    assert r.json()["code"] in {"qr_refused", "qr_unreadable"}
    assert r.json()["field"] == "qr"


async def test_a_lost_card_stops_its_ecard_codes(api: Api) -> None:
    """LOSS-5: shown before the loss, refused after; none shown during it."""
    card, holder = await holder_with_card(api)
    code = await shown(api, holder)
    r = await api.card_post(card["card_number"], "temporary-loss", "hotline")
    assert r.status_code == 200, r.text
    r = await api.post(CHECK, "clerk_other", {"qr": code})
    assert (r.status_code, r.json()["code"]) == (409, "ecard_not_usable")
    r = await api.post(SHOW, holder, {"scope": "identity"})
    assert (r.status_code, r.json()["code"]) == (409, "ecard_not_usable")
    assert "暂停" in r.json()["detail_zh"]
    r = await api.card_post(card["card_number"], "unlock", "hotline")
    assert r.status_code == 200, r.text
    r = await api.post(CHECK, "clerk_other", {"qr": code})  # unused, still in its minute
    assert r.status_code == 200, r.text


async def test_medical_settlement_is_not_offered_without_the_ecard_password(api: Api) -> None:
    _, holder = await holder_with_card(api)
    r = await api.post(SHOW, holder, {"scope": "medical"})
    assert (r.status_code, r.json()["field"]) == (422, "scope")


async def test_the_published_key_verifies_a_code_offline_and_keys_rotate(api: Api) -> None:
    _, holder = await holder_with_card(api)
    code = await shown(api, holder)
    published = await api.client.get("/api/v1/ecard-keys")  # no token
    assert published.status_code == 200, published.text
    keys = {k["key_id"]: k for k in published.json()["keys"]}
    read = qr.decode(code)
    public = bytes.fromhex(keys[read.body.key_id]["public_key_hex"])
    assert signing.verify(signing.verifying_key(public), read.signed, read.signature)

    r = await api.post("/api/v1/ecard-keys/rotation", "admin")
    assert r.status_code == 201, r.text
    rotated = {k["key_id"]: k for k in r.json()["keys"]}
    assert set(rotated) == {read.body.key_id, read.body.key_id + 1}
    assert rotated[read.body.key_id]["retired_at"] is not None
    newer = qr.decode(await shown(api, holder))
    assert newer.body.key_id == read.body.key_id + 1
    r = await api.post(CHECK, "clerk_other", {"qr": code})  # signed by the retired key
    assert r.status_code == 200, r.text


async def test_used_codes_are_forgotten_once_they_could_no_longer_be_shown(
    api: Api, clock: ManualClock
) -> None:
    """The worker's job keeps the single-use records only while they matter, the offline
    gates' upload window (a day): after it, the old code is still refused, by its time."""
    _, holder = await holder_with_card(api)
    code = await shown(api, holder)
    assert (await api.post(CHECK, "clerk_other", {"qr": code})).status_code == 200
    assert await api.count("ecard_qr_uses") == 1
    clock.advance(timedelta(hours=23))
    assert await forget_used_codes(api.rt) == 0  # a gate may still upload its scan of it
    clock.advance(timedelta(hours=2))
    assert await forget_used_codes(api.rt) == 1
    assert await api.count("ecard_qr_uses") == 0
    r = await api.post(CHECK, "clerk_other", {"qr": code})
    assert (r.status_code, r.json()["code"]) == (422, "qr_expired")


async def test_a_channel_shows_a_code_only_under_the_holders_consent(api: Api) -> None:
    """SPEC ECARD-1: the ecard works in a synchronised channel (WeChat) only once the holder
    consented to it, and no longer once withdrawn; sscard's own hall needs none; a channel the
    national list does not name is refused; the medical code likewise, before any password is
    tried (no wrong try counted)."""
    _, holder = await holder_with_card(api)
    r = await api.post(SHOW, holder, {"scope": "entry", "channel": "wechat"})
    assert (r.status_code, r.json()["code"], r.json()["rule"]) == (
        403, "channel_not_consented", "ECARD-1",
    )  # fmt: skip
    assert "微信小程序" in r.json()["detail_zh"]
    r = await api.post(SHOW, holder, {"scope": "entry", "channel": "myspace"})
    assert (r.status_code, r.json()["field"]) == (422, "channel")
    r = await api.post("/api/v1/me/ecard/medical-qr", holder,
                       {"password": "000000", "channel": "wechat"})  # fmt: skip
    assert r.json()["code"] == "channel_not_consented"
    assert await api.count("ecard_passwords") == 0
    await shown(api, holder, "entry")  # the online hall
    r = await api.call("PUT", "/api/v1/me/ecard/channels/wechat/consent", holder)
    assert r.status_code == 200, r.text
    r = await api.post(SHOW, holder, {"scope": "entry", "channel": "wechat"})
    assert r.status_code == 200, r.text
    r = await api.post(SHOW, holder, {"scope": "entry", "channel": "alipay"})
    assert r.status_code == 403
    r = await api.call("DELETE", "/api/v1/me/ecard/channels/wechat/consent", holder)
    assert r.status_code == 200, r.text
    r = await api.post(SHOW, holder, {"scope": "entry", "channel": "wechat"})
    assert (r.status_code, r.json()["code"]) == (403, "channel_not_consented")
