"""Batch applications by a unit's agent through the API (issue 13 item 6; SPEC APP-3, APP-5,
APP-6, ID-1..4): every row judged on its own, a bad row never sinking the good ones."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.integration.units.conftest import (
    CSV,
    csv_bytes,
    member,
    rows_of,
    upload,
    xlsx,
)
from tests.support.api import Api
from tests.support.numbers import citizen_number, wrong_check_digit


async def test_a_mixed_workbook_accepts_the_good_rows_and_says_why_each_bad_one_was_not(
    api: Api, unit: dict[str, Any]
) -> None:
    """SPEC APP-3: each row is validated on its own; the agent gets a per-row result."""
    good = await api.person()
    no_photo = await api.person(photo=False)
    holder = await api.card()
    other = await api.person()
    number = api.numbers[good["person_id"]]
    rows = [
        member(number=number),
        member(number=wrong_check_digit(citizen_number(date(1990, 1, 15)))),
        member(number=api.numbers[no_photo["person_id"]]),
        member(number=holder["document"]["number"]),
        member(name="别人", number=api.numbers[other["person_id"]]),
        member(number=citizen_number(date(1985, 3, 1))),
        member(number=number),
    ]
    r = await upload(api, xlsx(rows))
    assert r.status_code == 201, r.text
    batch = r.json()
    assert (batch["status"], batch["rows_total"], batch["rows_accepted"]) == ("validated", 7, 1)
    assert batch["due_date"] == (date(2026, 11, 23) + timedelta(days=30)).isoformat()
    assert batch["due_counted_in"] == "calendar"
    result = {row["row_number"]: row for row in await rows_of(api, batch["reference"])}
    assert result[3]["outcome"] == "accepted"
    codes = {n: (row["refusal"] or {}).get("code") for n, row in result.items()}
    assert codes == {
        3: None,
        4: "invalid_document_number",
        5: "photo_required",
        6: "live_card_exists",
        7: "name_does_not_match",
        8: "person_not_registered",
        9: "duplicate_in_file",
    }
    assert result[4]["refusal"]["field"] == "document_number"
    assert "*" in result[3]["document_number"]
    assert "*" in result[3]["name"]
    app = await api.get(f"/api/v1/applications/{result[3]['application_reference']}", "admin")
    body = app.json()
    assert (body["channel"], body["making"], body["status"]) == ("unit_batch", "fast", "accepted")
    assert (body["outlet_code"], body["bank_code"]) == ("3204-HR-002", "ICBC")
    assert body["due_date"] == batch["due_date"]


async def test_a_csv_file_in_gb18030_is_read_like_a_workbook(
    api: Api, unit: dict[str, Any]
) -> None:
    """SPEC APP-3: a CSV (GB18030 here) is the same form; full-width digits are normalised."""
    good = await api.person()
    number = api.numbers[good["person_id"]]
    wide = number.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    r = await upload(
        api, csv_bytes([member(number=wide), member(doc="驾驶证")], "gb18030"), media=CSV
    )
    assert r.status_code == 201, r.text
    assert (r.json()["file_kind"], r.json()["rows_accepted"], r.json()["rows_refused"]) == (
        "csv",
        1,
        1,
    )
    result = await rows_of(api, r.json()["reference"])
    assert [row["outcome"] for row in result] == ["accepted", "refused"]
    assert result[1]["refusal"]["code"] == "unknown_document_type"
