"""`sscard calendar load-year`: the file is the HTTP body, checked the same way (SPEC §17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.api import Api
from tests.support.serving import sscard_cli

# Nothing here differs by database: it runs once, on SQLite (Makefile, test-postgres).
pytestmark = pytest.mark.any_database


YEAR = {
    "holidays": [{"day": "2031-01-01", "name": "元旦"}],
    "adjusted_workdays": [],
    "source": "国务院办公厅通知 2031",
}


async def _years(api: Api) -> list[int]:
    return [y["year"] for y in (await api.get("/api/v1/calendar/years", "admin")).json()]


async def test_a_year_loads_from_a_file(api: Api, tmp_path: Path) -> None:
    path = tmp_path / "2031.json"
    path.write_text(json.dumps(YEAR, ensure_ascii=False), encoding="utf-8")
    done = await sscard_cli(api, tmp_path, "calendar", "load-year", "2031", str(path))
    assert done["year"] == 2031
    assert 2031 in await _years(api)


async def test_a_bad_file_is_refused_by_field_and_loads_nothing(api: Api, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    bad = {**YEAR, "holidays": [{"day": "2031-13-01", "name": "元旦"}]}
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    refused = await sscard_cli(api, tmp_path, "calendar", "load-year", "2031", str(path), ok=False)
    assert (refused["code"], refused["field"]) == ("invalid_input", "holidays.0.day")
    assert refused["message"].startswith("Field 'holidays.0.day' is invalid")

    path.write_text("{not json", encoding="utf-8")
    refused = await sscard_cli(api, tmp_path, "calendar", "load-year", "2031", str(path), ok=False)
    assert (refused["code"], refused["field"]) == ("invalid_input", "file")

    no_source = {k: v for k, v in YEAR.items() if k != "source"}
    path.write_text(json.dumps(no_source), encoding="utf-8")
    refused = await sscard_cli(api, tmp_path, "calendar", "load-year", "2031", str(path), ok=False)
    assert refused["field"] == "source"
    assert 2031 not in await _years(api)


async def test_a_day_both_holiday_and_workday_is_named_where_it_repeats(
    api: Api, tmp_path: Path
) -> None:
    path = tmp_path / "both.json"
    both = {**YEAR, "adjusted_workdays": [{"day": "2031-01-01", "name": "元旦"}]}
    path.write_text(json.dumps(both, ensure_ascii=False), encoding="utf-8")
    refused = await sscard_cli(api, tmp_path, "calendar", "load-year", "2031", str(path), ok=False)
    assert refused["field"] == "adjusted_workdays.0.day"
    assert "2031-01-01" in refused["message"]


async def test_a_missing_file_is_said_plainly(api: Api, tmp_path: Path) -> None:
    missing = str(tmp_path / "none.json")
    refused = await sscard_cli(api, tmp_path, "calendar", "load-year", "2031", missing, ok=False)
    assert (refused["field"], refused["message"]) == (
        "file",
        "Field 'file' is invalid: no such file",
    )
