"""The sample year the README loads is one `sscard calendar load-year` takes (SPEC APP-2, §17)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import chinese_calendar

from sscard.registry.calendar.schemas import CalendarYearIn
from tests.support.api import Api
from tests.support.serving import sscard_cli

SAMPLE = Path(__file__).parents[4] / "docs" / "samples" / "holidays-2027.json"


def test_the_sample_is_marked_as_one_while_the_library_does_not_know_the_year() -> None:
    """chinese-calendar knows the official years; until it knows 2027 the file says it is a
    sample, not the State Council's notice."""
    year = CalendarYearIn.model_validate_json(SAMPLE.read_bytes())
    try:
        chinese_calendar.is_holiday(date(2027, 1, 1))
    except NotImplementedError:
        assert year.source.startswith("示例")
    else:  # the library knows 2027 now: the sample should be its days
        holidays, workdays = year.special_days()
        assert {d for d, _ in holidays} == {d for d in chinese_calendar.holidays if d.year == 2027}
        assert {d for d, _ in workdays} == {d for d in chinese_calendar.workdays if d.year == 2027}


async def test_the_readme_s_sample_year_loads(api: Api, tmp_path: Path) -> None:
    done = await sscard_cli(api, tmp_path, "calendar", "load-year", "2027", str(SAMPLE))
    assert done["year"] == 2027
    years = (await api.get("/api/v1/calendar/years", "admin")).json()
    loaded = next(y for y in years if y["year"] == 2027)
    assert loaded["source"] == json.loads(SAMPLE.read_text(encoding="utf-8"))["source"]
