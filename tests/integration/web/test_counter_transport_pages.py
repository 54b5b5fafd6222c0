"""The transport counter's page over HTTP in both languages (issue 15; SPEC TRN-1, TRN-2, TRN-4)."""

from __future__ import annotations

import pytest

from sscard.kernel.actor import Role
from sscard.kernel.runtime import Runtime
from tests.integration.transport.test_purse import loaded
from tests.support import pages
from tests.support.api import Api
from tests.support.console import make_staff


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_counter_shows_a_loaded_purse_in_either_language(
    api: Api, rt: Runtime, lang: str
) -> None:
    """The top-up form's hint holds a literal percent ("95 %"): the English page was a 500."""
    n = await loaded(api)
    clerk = await make_staff(rt, "zhou.pages", Role.OUTLET_CLERK, outlet_code="3204-TRN-001")
    async with pages.client(rt, lang) as client:
        await pages.sign_in(client, rt, clerk)
        page = await client.get(f"/counter/transport?card={n}")
    assert page.status_code == 200, page.text
    assert ("95 %" if lang == "en" else "95折") in page.text
    # the desk is named for what a transport outlet does, not the HR counter's name
    assert ("Transport card outlet counter" if lang == "en" else "交通卡网点柜台") in page.text
    assert ("HR outlet counter" if lang == "en" else "人社网点柜台") not in page.text


async def test_a_bad_query_value_is_told_in_the_pages_own_words_in_english(
    api: Api, rt: Runtime
) -> None:
    """A page's bad input shows no validator text naming a regular expression."""
    province = await make_staff(rt, "li.pattern", Role.PROVINCE_ADMIN)
    clerk = await make_staff(rt, "zhou.pattern", Role.OUTLET_CLERK, outlet_code="3204-TRN-001")
    async with pages.client(rt, "en") as client:
        await pages.sign_in(client, rt, clerk)
        card = await client.get("/counter/transport?card=12345")
    async with pages.client(rt, "en") as client:
        await pages.sign_in(client, rt, province)
        city = await client.get("/centre/reference?city=99")
    assert card.status_code == 422
    assert "must be a card number: a letter and 8 digits" in card.text
    assert city.status_code == 422
    assert "not in the expected form" in city.text
    for page in (card, city):
        assert "String should match pattern" not in page.text
