"""The HR credit record (人社信用记录): recorded by the centre, seen by later business.

SPEC REP-5 (malicious repeat exchanges enter the record), GOV-4 (misuse), ID-6 (no personal
numbers in the note), CH-1 (who may record and read), CH-2 (a history row for the person).
"""

from __future__ import annotations

import pytest

from sscard.actors.service import NewActor, create_actor
from sscard.kernel.actor import OPERATOR, Role
from sscard.platform.history import entries
from sscard.registry.credit.service import credit_entries
from tests.support.api import Api

ENTRY = {"kind": "malicious_repeat_exchange", "note": "一个月内第5次换卡，经核实无正当理由"}


def _path(person_id: int) -> str:
    return f"/api/v1/persons/{person_id}/credit-record"


async def test_admin_records_an_entry_with_its_history_row(api: Api) -> None:
    """SPEC REP-5, CH-2: the centre records it; who, channel, when and the rule are kept."""
    person = await api.person()
    before = await api.count("history")

    r = await api.post(_path(person["person_id"]), "admin", ENTRY)

    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["kind"], body["rule"], body["note"]) == (
        "malicious_repeat_exchange",
        "REP-5",
        ENTRY["note"],
    )
    assert (body["role"], body["channel"], body["kind_zh"]) == (
        "province_admin",
        "centre",
        "恶意重复补换卡",
    )
    assert await api.count("history") == before + 1
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        last = (await entries(ctx.conn, "person", person["person_id"]))[-1]
    assert (last["event"], last["role"], last["channel"]) == (
        "credit_entry_recorded",
        "province_admin",
        "centre",
    )
    assert last["reason"] == "malicious_repeat_exchange (REP-5)"


@pytest.mark.parametrize("who", ["clerk_instant", "clerk_nantong", "hotline", "admin"])
async def test_later_business_sees_the_record(api: Api, who: str) -> None:
    """SPEC REP-5: it "affects their HR business": clerks anywhere, hotline and centre see it."""
    person = await api.person()
    await api.post(_path(person["person_id"]), "admin", ENTRY)
    await api.post(
        _path(person["person_id"]), "admin", {"kind": "card_lent_or_transferred", "note": None}
    )

    if who != "admin":
        await api.present(person["person_id"], who)  # the holder shows their document
    r = await api.get(_path(person["person_id"]), who)

    assert r.status_code == 200, r.text
    entries = r.json()["entries"]
    assert [(e["kind"], e["rule"]) for e in entries] == [
        ("malicious_repeat_exchange", "REP-5"),
        ("card_lent_or_transferred", "GOV-4"),
    ]


async def test_cardholder_and_bank_may_not_read_it(api: Api) -> None:
    """SPEC CH-1: the record is the HR side's; the cardholder's app and banks are refused."""
    person = await api.person()
    await api.post(_path(person["person_id"]), "admin", ENTRY)
    async with api.rt.unit(OPERATOR) as ctx:
        _, api.tokens["holder"] = await create_actor(
            ctx, NewActor(Role.CARDHOLDER, "holder", person_id=person["person_id"])
        )
    for who in ("holder", "bank_icbc"):
        r = await api.get(_path(person["person_id"]), who)
        assert r.status_code == 403, who
        assert r.json()["code"] == "forbidden"


@pytest.mark.parametrize("who", ["clerk_instant", "hotline", "bank_icbc"])
async def test_only_the_centre_records(api: Api, who: str) -> None:
    """SPEC REP-5, CH-1: recording is the card centre's decision."""
    person = await api.person()
    r = await api.post(_path(person["person_id"]), who, ENTRY)
    assert r.status_code == 403
    assert await api.count("credit_records") == 0


@pytest.mark.parametrize(
    ("note", "what"),
    [
        ("本人身份证320499199001151234多次换卡", "ID"),
        ("联系电话 139-0000-1234", "phone"),
    ],
)
async def test_note_with_personal_numbers_is_refused_and_nothing_stored(
    api: Api, note: str, what: str
) -> None:
    """SPEC ID-6, REP-5: a note naming an ID number or a phone is refused 422 on `note`."""
    person = await api.person()
    before = await api.count("history")

    r = await api.post(
        _path(person["person_id"]), "admin", {"kind": "malicious_repeat_exchange", "note": note}
    )

    assert r.status_code == 422, r.text
    problem = r.json()
    assert (problem["code"], problem["field"], problem["rule"]) == (
        "note_holds_personal_data",
        "note",
        "ID-6",
    )
    assert what in problem["detail_en"]
    assert "320499199001151234" not in r.text
    assert await api.count("credit_records") == 0
    assert await api.count("history") == before


async def test_unknown_kind_and_unknown_person_are_refused(api: Api) -> None:
    """SPEC REP-5: only the listed kinds; a person who does not exist is a 404."""
    person = await api.person()
    bad = await api.post(_path(person["person_id"]), "admin", {"kind": "rude_at_counter"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "kind"
    missing = await api.post(_path(999_999), "admin", ENTRY)
    assert missing.status_code == 404
    assert (await api.get(_path(999_999), "clerk_instant")).status_code == 404
    assert await api.count("credit_records") == 0


async def test_credit_entries_is_what_application_code_reads(api: Api) -> None:
    """SPEC REP-5: later business calls credit_entries(conn, person_id) to warn the clerk."""
    person = await api.person()
    other = await api.person()
    await api.post(_path(person["person_id"]), "admin", ENTRY)
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        entries = await credit_entries(ctx.conn, person["person_id"])
        none = await credit_entries(ctx.conn, other["person_id"])
    assert [e.kind for e in entries] == ["malicious_repeat_exchange"]
    assert entries[0].at is not None
    assert none == []
