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
    stale = await shown(api, holder, "entry")
    clock.advance(timedelta(minutes=5))  # the gate scans it five minutes after it was shown
    late = clock.now().isoformat()
    both = await upload(
        west,
        {"qr": online, "scanned_at": at, "admitted": True},
        {"qr": stale, "scanned_at": late, "admitted": True},
    )
    assert [s["finding"] for s in both["scans"]] == ["used_twice", "outside_validity"]
    r = await api.get("/api/v1/scenes/SS3204000011/uses", "admin", params={"since": "2026-11-23"})
    entries = [c for c in r.json()["counts"] if c["use"] == "entry"]
    allowed = sum(c["uses"] for c in entries if c["allowed"])
    assert allowed == 1  # only the first use is a use; the others are flagged by their finding
    assert sum(c["uses"] for c in entries) == 4


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
    assert (r.status_code, r.json()["field"]) == (422, "scans.0.scanned_at")
    r = await gate.post(UPLOAD, {"scans": []})
    assert r.status_code == 422
    assert await api.count("offline_scans") == 0


async def test_a_scan_is_judged_as_the_scene_would_have_online(
    api: Api, clock: ManualClock
) -> None:
    """Offline as online: a hotel's gate may not admit by card, an identity code is not an
    entry code, a scan outside the code's minute is flagged and none of them counts as a use;
    a scan time out of any upload's reach is refused by its field."""
    _, holder = await holder_with_card(api)
    hotel = await scene(api, "hotel", "HT3204000011")
    museum = await scene(api, "museum", "MU3204000012")
    at = clock.now().isoformat()
    found = await upload(hotel, {"qr": await shown(api, holder, "entry"), "scanned_at": at,
                                 "admitted": True})  # fmt: skip
    assert found["counts"] == {"use_not_offered": 1}
    found = await upload(museum, {"qr": await shown(api, holder, "identity"), "scanned_at": at,
                                  "admitted": True})  # fmt: skip
    assert found["counts"] == {"wrong_scope": 1}
    r = await api.get("/api/v1/scenes/MU3204000012/uses", "admin", params={"since": "2026-11-23"})
    assert [(c["allowed"], c["refusal_code"]) for c in r.json()["counts"]] == [
        (False, "wrong_scope")
    ]
    code = await shown(api, holder, "entry")
    for when in ("0001-01-01T00:00:00+08:00", "2090-01-01T10:00:00+08:00"):
        r = await museum.post(UPLOAD, {"scans": [{"qr": code, "scanned_at": when,
                                                   "admitted": True}]})  # fmt: skip
        assert (r.status_code, r.json()["field"]) == (422, "scans.0.scanned_at"), r.text
    for since in ("0001-01-01", "2090-01-01"):
        r = await api.get("/api/v1/scenes/MU3204000012/uses", "admin", params={"since": since})
        assert (r.status_code, r.json()["field"]) == (422, "since")


async def test_a_code_used_online_is_caught_at_a_gate_uploading_hours_later(
    api: Api, clock: ManualClock
) -> None:
    """SPEC ECARD-3: the online use is remembered for the gates' upload window (a day), so a
    gate uploading its scans hours later still finds the code used twice (the worker's
    clean-up in between forgets nothing it needs); a scan uploaded after the window is named
    uploaded_too_late and is no use."""
    from sscard.ecards.tasks import forget_used_codes

    _, holder = await holder_with_card(api)
    gate = await scene(api, "museum", "MU3204000021", terminal="gate")
    code = await shown(api, holder, "entry")
    at = (clock.now() + timedelta(seconds=3)).isoformat()
    r = await api.post("/api/v1/ecard-qr/checks", "clerk_other", {"qr": code})
    assert r.status_code == 200, r.text
    clock.advance(timedelta(hours=3))
    await forget_used_codes(api.rt)
    late = await upload(gate, {"qr": code, "scanned_at": at, "admitted": True})
    assert late["counts"] == {"used_twice": 1}
    other = await shown(api, holder, "entry")
    then = (clock.now() + timedelta(seconds=3)).isoformat()
    clock.advance(timedelta(hours=25))
    stale = await upload(gate, {"qr": other, "scanned_at": then, "admitted": True})
    assert stale["counts"] == {"uploaded_too_late": 1}
