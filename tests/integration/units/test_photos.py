"""The unit's photo supplements (issue 13 item 6; SPEC APP-3, APP-5): the agent uploads a JPEG
for each member whose photo is pending or failed; it is checked by the counter's standard and
kept as the person's photo, and the member can then go into production."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import httpx
from PIL import Image

from sscard.registry.photo import make_standard_photo
from tests.support.api import Api
from tests.support.unit_batches import unit_batch


async def _put(api: Api, reference: str, row: int, who: str, photo: bytes) -> httpx.Response:
    return await api.call(
        "PUT",
        f"/api/v1/units/batches/{reference}/members/{row}/photo",
        who,
        content=photo,
        headers={"Content-Type": "image/jpeg"},
    )


def _bad_photo() -> bytes:
    buf = BytesIO()
    Image.new("RGB", (200, 200), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


async def _member(api: Api, reference: str, who: str, row: int) -> dict[str, Any]:
    r = await api.get(f"/api/v1/units/batches/{reference}/members", who)
    found: dict[str, Any] = next(m for m in r.json()["items"] if m["row_number"] == row)
    return found


async def test_a_supplied_photo_is_kept_and_the_member_goes_into_production(api: Api) -> None:
    """SPEC APP-3, APP-5: the photo passes the standard, becomes the person's photo, the row no
    longer waits for it, and starting the batch now starts that member too."""
    batch = await unit_batch(api, 2, pending=(2,))
    (row,) = batch.pending_rows
    photos = await api.count("person_photos")

    r = await _put(api, batch.reference, row, batch.agent, make_standard_photo(41))

    assert r.status_code == 200, r.text
    assert r.json()["photo_pending"] is False
    assert await api.count("person_photos") == photos + 1
    assert (await _member(api, batch.reference, batch.agent, row))["photo_pending"] is False
    progress = await api.get(f"/api/v1/units/batches/{batch.reference}", batch.agent)
    assert progress.json()["photos_pending"] == 0
    started = await api.post(f"/api/v1/units/batches/{batch.reference}/start-production", "admin")
    assert started.json()["started"] == 2
    assert started.json()["skipped_photo_pending"] == 0


async def test_a_photo_failing_the_standard_is_refused_with_its_reasons(api: Api) -> None:
    """SPEC APP-5: every failed check is named; nothing is kept and the member still waits."""
    batch = await unit_batch(api, 1, pending=(1,))
    before = await api.counts()

    r = await _put(api, batch.reference, batch.pending_rows[0], batch.agent, _bad_photo())

    assert r.status_code == 422, r.text
    assert r.json()["code"] == "photo_rejected"
    assert r.json()["rule"] == "APP-5"
    codes = {d["code"] for d in r.json()["defects"]}
    assert {"not_jpeg", "wrong_dimensions"} <= codes
    assert await api.counts() == before
    assert (await _member(api, batch.reference, batch.agent, batch.pending_rows[0]))[
        "photo_pending"
    ] is True
    started = await api.post(f"/api/v1/units/batches/{batch.reference}/start-production", "admin")
    assert started.json()["started"] == 0
    assert started.json()["skipped_photo_pending"] == 1


async def test_an_empty_file_is_refused_by_field(api: Api) -> None:
    """SPEC APP-5: an empty body is refused on `photo` before any check."""
    batch = await unit_batch(api, 1, pending=(1,))

    r = await _put(api, batch.reference, batch.pending_rows[0], batch.agent, b"")

    assert r.status_code == 422, r.text
    assert r.json()["field"] == "photo"


async def test_a_member_owing_no_photo_is_refused(api: Api) -> None:
    """SPEC APP-3: only members whose photo is pending or failed are supplied; a row that does
    not exist is not found."""
    batch = await unit_batch(api, 1, refused=1)

    owed = await _put(api, batch.reference, batch.rows[0], batch.agent, make_standard_photo(42))
    refused = batch.refused_rows[0]
    refused_row = await _put(api, batch.reference, refused, batch.agent, make_standard_photo(43))

    assert owed.status_code == 409, owed.text
    assert owed.json()["code"] == "unit_photo_not_owed"
    assert refused_row.status_code == 404, refused_row.text


async def test_no_photo_once_the_member_is_in_production(api: Api) -> None:
    """SPEC APP-3: the photo is owed while the application waits for production; a member whose
    application moved on (withdrawn, say) is owed nothing."""
    batch = await unit_batch(api, 1, pending=(1,))
    r = await api.post(
        f"/api/v1/applications/{batch.applications[0]}/withdraw", "admin", {"reason": "error"}
    )
    assert r.status_code == 200, r.text

    late = await _put(
        api, batch.reference, batch.pending_rows[0], batch.agent, make_standard_photo(44)
    )

    assert late.status_code == 409, late.text


async def test_only_the_units_own_agent_supplies_photos(api: Api) -> None:
    """SPEC CH-1: another unit's agent does not find the batch; a clerk may not use the route."""
    batch = await unit_batch(api, 1, pending=(1,))
    other = await unit_batch(api, 1, credit_code="91320400MA1W2X3Y5N")
    before = await api.counts()

    stranger = await _put(
        api, batch.reference, batch.pending_rows[0], other.agent, make_standard_photo(45)
    )
    clerk = await _put(
        api, batch.reference, batch.pending_rows[0], "clerk_fast", make_standard_photo(46)
    )

    assert stranger.status_code == 404, stranger.text
    assert clerk.status_code == 403, clerk.text
    assert await api.counts() == before
