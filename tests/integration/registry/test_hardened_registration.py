"""Issue 11: what a person registers is what can be printed on a card and sent to a bank, and
what the document says is never contradicted or silently replaced (SPEC ID-1, ID-2, ID-6)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from sscard.kernel.actor import OPERATOR
from sscard.registry.models import persons
from tests.support.api import Api
from tests.support.numbers import citizen_number, with_check_digit

BIRTH = date(1980, 5, 5)


async def refused(api: Api, status: int, code: str, field: str, **over: Any) -> httpx.Response:
    before = await api.counts()
    r = await api.register(**over)
    assert r.status_code == status, r.text
    problem = r.json()
    assert (problem["code"], problem["field"]) == (code, field), problem
    assert problem["detail_zh"]
    assert problem["detail_en"]
    assert await api.counts() == before
    return r


@pytest.mark.parametrize(
    "name",
    ["张\u0000三\u0007", "\u200b", "\u200b\u200b", "\ufeff张三", "张\u00ad三", "张\u202e三",
     "张\U000e0001三", "张\ue000三", "张\n三"],
    ids=["NUL-BEL", "ZWSP", "ZWSP2", "BOM", "soft-hyphen", "RLO", "tag", "private-use", "LF"],
)  # fmt: skip
async def test_control_format_and_unassigned_characters_are_refused(api: Api, name: str) -> None:
    r = await refused(api, 422, "invalid_input", "name", name=name)
    assert "U+" in r.json()["detail_en"]


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("约翰・史密斯", "约翰·史密斯"),
        ("Jean-Luc O'Brien Jr.", "Jean-Luc O'Brien Jr."),
        ("Zoë  Müller", "Zoë Müller"),
        ("欧阳\u3000娜娜", "欧阳 娜娜"),
    ],
)
async def test_what_a_person_may_type_is_accepted(api: Api, name: str, stored: str) -> None:
    r = await api.register(name=name)
    assert r.status_code == 201, r.text
    overview = r.json()
    assert overview["name"][0] == stored[0]
    assert len(overview["name"]) == len(stored) or " " in stored


@pytest.mark.parametrize("name", ["张三3", "张$三", "·张三", "张<b>三"])
async def test_digits_and_symbols_are_not_a_name(api: Api, name: str) -> None:
    await refused(api, 422, "invalid_input", "name", name=name)


@pytest.mark.parametrize(
    "phone", ["1٣٩٠٠٠٠١٢٣٤", "1३९००००१२३४", "13900000000\u200b", "+8613900000000"]
)
async def test_a_phone_is_ascii_digits(api: Api, phone: str) -> None:
    await refused(api, 422, "invalid_input", "phone", phone=phone)


async def test_a_full_width_phone_is_normalised_by_the_one_rule(api: Api) -> None:
    r = await api.register(phone="１３９００００１２３４")
    assert r.status_code == 201, r.text
    assert r.json()["phone"] == "139****1234"


async def test_a_foreigner_is_not_of_chinese_nationality(api: Api) -> None:
    """SPEC ID-1: passports are for foreigners only; a 'foreigner' of nationality CHN is a
    Chinese citizen with a passport."""
    doc = {"type": "passport", "number": "E12345678"}
    r = await refused(
        api, 422, "nationality_contradicts_category", "nationality",
        document=doc, category="foreign", nationality="CHN", birth_date="1980-01-01",
    )  # fmt: skip
    assert r.json()["rule"] == "ID-1"
    await refused(api, 422, "nationality_contradicts_category", "nationality", nationality="USA")


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"valid_until": "9999-12-31"}, "document.valid_until"),
        ({"valid_from": "2020-01-01", "valid_until": "2019-12-31"}, "document.valid_until"),
    ],
    ids=["forever", "ends-before-it-starts"],
)
async def test_an_impossible_validity_period_is_refused(
    api: Api, document: dict[str, str], field: str
) -> None:
    doc = {"type": "resident_id", "number": citizen_number(BIRTH), **document}
    await refused(api, 422, "impossible_validity_period", field, document=doc)


async def test_a_twenty_year_card_is_accepted(api: Api) -> None:
    doc = {"type": "resident_id", "number": citizen_number(BIRTH), "valid_until": "2046-01-01"}
    assert (await api.register(document=doc)).status_code == 201


@pytest.mark.parametrize(
    ("over", "field"),
    [({"birth_date": "1981-05-05"}, "birth_date"), ({"gender": "F"}, "gender")],
)
async def test_a_birth_date_or_gender_contradicting_the_number_is_refused(
    api: Api, over: dict[str, str], field: str
) -> None:
    """Was silently replaced by the number's; now the clerk is told to check (ID-2)."""
    doc = {"type": "resident_id", "number": citizen_number(BIRTH)}  # a man born 1980-05-05
    await refused(api, 422, "declared_fact_contradicts_document", field, document=doc, **over)


async def test_agreeing_facts_are_accepted(api: Api) -> None:
    doc = {"type": "resident_id", "number": citizen_number(BIRTH)}
    r = await api.register(document=doc, birth_date="1980-05-05", gender="M")
    assert r.status_code == 201, r.text


async def test_a_birth_date_before_1900_is_refused(api: Api) -> None:
    doc = {"type": "passport", "number": "E22345678"}
    await refused(
        api, 422, "invalid_input", "birth_date",
        document=doc, category="foreign", nationality="FRA", birth_date="1800-01-01",
    )  # fmt: skip


async def test_an_assigned_number_never_collides_with_a_citizen_number(api: Api) -> None:
    """Issue 11: the number made up for a foreigner was a valid citizen number (3204 + birth +
    sequence + check digit), so a resident holding it was 'already registered'."""
    foreigner = await api.register(
        document={"type": "passport", "number": "E32345678"},
        category="foreign",
        nationality="FRA",
        birth_date=BIRTH.isoformat(),
    )
    assert foreigner.status_code == 201, foreigner.text
    # The old scheme's first number for this city and day, as a resident's real number:
    resident = with_check_digit(f"320400{BIRTH:%Y%m%d}001")
    r = await api.register(document={"type": "resident_id", "number": resident})
    assert r.status_code == 201, r.text
    found = await api.post(
        "/api/v1/persons/lookup", "clerk_instant", {"social_security_number": resident}
    )
    assert found.json()["person_id"] == r.json()["person_id"]
    assert found.json()["person_id"] != foreigner.json()["person_id"]


async def test_the_assigned_number_is_a_document_the_holder_can_show(api: Api) -> None:
    """The foreigner's card carries the assigned number; presented as a social security card
    it is recognised as the foreigner's (ID-1)."""
    r = await api.register(
        document={"type": "hk_macau_travel_permit", "number": "H12345678"},
        category="hong_kong",
        birth_date="1990-01-02",
    )
    assert r.status_code == 201, r.text
    assert r.json()["social_security_number"].startswith("H32040*")


async def test_an_assigned_number_shown_as_a_card_is_its_holder_or_nobody(api: Api) -> None:
    """Issue 11 (found by attack): a foreigner's assigned number presented as a social security
    card registered a second person; a number never assigned was taken too."""
    r = await api.register(
        document={"type": "passport", "number": "E42345678"},
        category="foreign",
        nationality="FRA",
        birth_date="1980-01-01",
    )
    assert r.status_code == 201, r.text
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        sealed = (
            await ctx.conn.execute(
                select(persons.c.ssn_enc).where(persons.c.id == r.json()["person_id"])
            )
        ).scalar_one()
        assigned = ctx.vault.decrypt(sealed)
    card = {"type": "social_security_card", "number": assigned}
    again = dict(document=card, category="foreign", nationality="FRA")
    await refused(api, 409, "person_already_registered", "document.number", **again)
    never = {"type": "social_security_card", "number": assigned[:-3] + "999"}
    await refused(
        api, 422, "social_security_number_never_assigned", "document.number",
        document=never, category="foreign", nationality="FRA",
    )  # fmt: skip
