"""A gate verifies ecard codes offline (issue 14 item 4; SPEC ECARD-3, LOSS-5): with the
published key and the signed status list it checks signature, time and status with no call per
code; it refreshes the list by deltas."""

from __future__ import annotations

import base64
import struct
from datetime import datetime, timedelta
from typing import Any

from sscard.ecards import qr, signing
from sscard.ecards.status_list import read_full
from sscard.kernel.clock import ManualClock
from tests.support.api import Api

LIST = "/api/v1/ecard-status-list"


class Gate:
    """A gate that holds the published keys and the status list, and calls nothing per code."""

    def __init__(self, keys: dict[str, Any], listed: dict[str, Any]) -> None:
        self.keys = {k["key_id"]: signing.verifying_key(bytes.fromhex(k["public_key_hex"]))
                     for k in keys["keys"]}  # fmt: skip
        as_of, numbers = read_full(self.signed(listed))
        self.as_of, self.listed = listed["as_of"], set(numbers)
        assert as_of == int(datetime.fromisoformat(listed["as_of"]).timestamp())

    def signed(self, answer: dict[str, Any]) -> bytes:
        data = base64.b64decode(answer["data_base64"])
        key = self.keys[answer["key_id"]]
        assert signing.verify(key, data, bytes.fromhex(answer["signature_hex"]))
        return data

    def refresh(self, delta: dict[str, Any]) -> None:
        data = self.signed(delta)
        assert data[:4] == b"SSD1"
        _, _, n = struct.unpack_from(">III", data, 4)
        on = struct.unpack_from(f">{n}Q", data, 16)
        (m,) = struct.unpack_from(">I", data, 16 + 8 * n)
        off = struct.unpack_from(f">{m}Q", data, 20 + 8 * n)
        self.listed = (self.listed | set(on)) - set(off)
        self.as_of = delta["as_of"]

    def admits(self, code: str, now: datetime) -> bool:
        read = qr.decode(code)
        key = self.keys.get(read.body.key_id)
        if key is None or not signing.verify(key, read.signed, read.signature):
            return False
        try:
            qr.check_time(read.body, now)
        except qr.QrExpired:
            return False
        return read.body.ecard_no not in self.listed


async def test_a_gate_refuses_offline_the_code_of_a_card_lost_since(
    api: Api, clock: ManualClock
) -> None:
    card = await api.card()
    other = await api.card()
    holder = await api.cardholder(card["person_id"])
    assert (await api.card_post(other["card_number"], "temporary-loss", "hotline")).is_success
    keys = (await api.client.get("/api/v1/ecard-keys")).json()
    full = await api.client.get(LIST)  # no token
    assert full.status_code == 200, full.text
    assert (full.json()["kind"], full.json()["entries"]) == ("full", 1)  # the lost one only
    gate = Gate(keys, full.json())

    code = (await api.post("/api/v1/me/ecard/qr", holder, {"scope": "entry"})).json()["qr"]
    assert gate.admits(code, clock.now())
    assert not gate.admits(code, clock.now() + timedelta(seconds=61))  # its minute is over
    forged = code[:-2] + ("00" if code[-2:] != "00" else "11")
    assert not gate.admits(forged, clock.now())

    clock.advance(timedelta(seconds=5))
    assert (await api.card_post(card["card_number"], "temporary-loss", "hotline")).is_success
    delta = await api.client.get(LIST, params={"since": gate.as_of})
    assert delta.status_code == 200, delta.text
    assert delta.json()["kind"] == "delta"
    gate.refresh(delta.json())
    assert not gate.admits(code, clock.now())  # LOSS-5, with no call for the code

    clock.advance(timedelta(seconds=5))
    assert (await api.card_post(card["card_number"], "unlock", "hotline")).is_success
    gate.refresh((await api.client.get(LIST, params={"since": gate.as_of})).json())
    assert gate.admits(code, clock.now())  # back in use: cleared by the delta


async def test_a_since_without_a_zone_or_in_the_future_is_refused(
    api: Api, clock: ManualClock
) -> None:
    r = await api.client.get(LIST, params={"since": "2026-11-23T10:00:00"})
    assert (r.status_code, r.json()["field"]) == (422, "since")
    later = (clock.now() + timedelta(hours=1)).isoformat()
    r = await api.client.get(LIST, params={"since": later})
    assert (r.status_code, r.json()["field"]) == (422, "since")
