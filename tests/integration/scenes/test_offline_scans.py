"""Gates that verified ecard codes offline upload their scans (issue 14 item 4; SPEC ECARD-3):
single use is reconciled across gates and against online use; a forged code, a scan outside
the code's minute and a second upload of the same scan are named; admitted scans count as the
scene's uses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import base45

from sscard.kernel.clock import ManualClock
from tests.integration.ecards.test_ecard_qr import holder_with_card, shown
from tests.integration.scenes.support import SceneTerminal, scene
from tests.support.api import Api

UPLOAD = "/api/v1/scene-uses/offline-scans"


async def upload(gate: SceneTerminal, *scans: dict[str, Any]) -> dict[str, Any]:
    r = await gate.post(UPLOAD, {"scans": list(scans)})
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


async def test_single_use_is_reconciled_across_gates_and_online(
    api: Api, clock: ManualClock
) -> None:
    _, holder = await holder_with_card(api)
    east = await scene(api, "scenic_spot", "SS3204000011", terminal="east")
    west = await scene(api, "scenic_spot", "SS3204000011", terminal="west")
    code = await shown(api, holder, "entry")
    at = (clock.now() + timedelta(seconds=5)).isoformat()
    first = await upload(east, {"qr": code, "scanned_at": at, "admitted": True})
    assert first["scans"][0]["finding"] == "first_use"
    again = await upload(east, {"qr": code, "scanned_at": at, "admitted": True})
    assert again["counts"] == {"already_uploaded": 1}  # a retried upload counts nothing twice
    replayed = await upload(west, {"qr": code, "scanned_at": at, "admitted": True})
    assert replayed["counts"] == {"used_twice": 1}  # the same code at the other gate

    online = await shown(api, holder, "entry")
    r = await api.post("/api/v1/ecard-qr/checks", "clerk_other", {"qr": online})
    assert r.status_code == 200, r.text
    late = (clock.now() + timedelta(minutes=5)).isoformat()
    both = await upload(
        west,
        {"qr": online, "scanned_at": at, "admitted": True},
        {"qr": await shown(api, holder, "entry"), "scanned_at": late, "admitted": True},
    )
    assert [s["finding"] for s in both["scans"]] == ["used_twice", "outside_validity"]
    r = await api.get("/api/v1/scenes/SS3204000011/uses", "admin", params={"since": "2026-11-23"})
    entries = [c for c in r.json()["counts"] if c["use"] == "entry"]
    assert sum(c["uses"] for c in entries) == 4  # every admitted scan, once


async def test_a_forged_code_is_named_and_a_bad_upload_changes_nothing(
    api: Api, clock: ManualClock
) -> None:
    _, holder = await holder_with_card(api)
    gate = await scene(api, "museum", "MU3204000011")
    code = await shown(api, holder, "entry")
    raw = bytearray(base45.b45decode(code[4:]))
    raw[60] ^= 0xFF
    forged = "SC1:" + base45.b45encode(bytes(raw)).decode()
    at = clock.now().isoformat()
    found = await upload(gate, {"qr": forged, "scanned_at": at, "admitted": False})
    assert found["counts"] == {"forged": 1}
    r = await gate.post(UPLOAD, {"scans": [{"qr": code, "scanned_at": "2026-11-23T10:00:00",
                                             "admitted": True}]})  # fmt: skip
    assert (r.status_code, r.json()["field"]) == (422, "scans")
    r = await gate.post(UPLOAD, {"scans": []})
    assert r.status_code == 422
    assert await api.count("offline_scans") == 0
