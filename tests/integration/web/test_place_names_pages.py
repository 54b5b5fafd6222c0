"""Cities and banks by name on the desks' pages, in the page's language, the code kept beside
the name for staff who type or match it: a clerk or an agent read 常州市 (3204), not 3204, and
中国工商银行 (ICBC), not ICBC."""

from __future__ import annotations

import httpx
import pytest

from sscard.kernel.actor import Role
from sscard.kernel.runtime import Runtime
from tests.support import pages
from tests.support.api import Api
from tests.support.console import make_staff

NAMES = {
    "zh": ("常州市 (3204)", "中国工商银行 (ICBC)"),
    "en": ("Changzhou (3204)", "Industrial and Commercial Bank of China (ICBC)"),
}
BARE = ("<dd>3204</dd>", "<dd>ICBC</dd>", "<td>ICBC</td>")


async def _found(client: httpx.AsyncClient, desk: str, action: str, number: str) -> str:
    """The person's page the desk's lookup by the document's number leads to."""
    form = await client.get(desk)
    found = await client.post(
        action, data={"csrf_token": pages.form_token(form.text), "social_security_number": number}
    )
    assert found.status_code == 303, found.text
    return found.headers["location"]


def _named(html: str, lang: str) -> None:
    city, bank = NAMES[lang]
    assert city in html
    assert bank in html
    for bare in BARE:
        assert bare not in html


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_hotline_names_the_callers_city_and_bank(
    api: Api, rt: Runtime, lang: str
) -> None:
    card = await api.card()  # Changzhou's, with ICBC
    agent = await make_staff(rt, f"hl.names.{lang}", Role.HOTLINE_AGENT, city_code="3204")
    async with pages.client(rt, lang) as client:
        await pages.sign_in(client, rt, agent)
        person = await client.get(
            await _found(client, "/hotline", "/hotline", card["document"]["number"])
        )
        card_page = await client.get(f"/hotline/cards/{card['card_number']}")
    assert person.status_code == 200, person.text
    assert card_page.status_code == 200, card_page.text
    _named(person.text, lang)
    _named(card_page.text, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_counter_names_the_cards_city_and_bank(api: Api, rt: Runtime, lang: str) -> None:
    card = await api.card()
    clerk = await make_staff(rt, f"ct.names.{lang}", Role.OUTLET_CLERK, outlet_code="3204-HR-001")
    async with pages.client(rt, lang) as client:
        await pages.sign_in(client, rt, clerk)
        person = await client.get(
            await _found(client, "/counter", "/counter/find", card["document"]["number"])
        )
        card_page = await client.get(f"/counter/cards/{card['card_number']}")
    assert person.status_code == 200, person.text
    assert card_page.status_code == 200, card_page.text
    assert NAMES[lang][1] in person.text  # the cards' table
    _named(card_page.text, lang)
