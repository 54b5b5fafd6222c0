"""Issue 11, SPEC APP-5, REP-2a: a photo changes only inside a process that needs it, at an
outlet that takes applications, for a person whose document was presented there — never a
clerk anywhere replacing anyone's photo by id."""

from __future__ import annotations

from tests.support.api import Api


def refused(r: object, status: int, code: str) -> None:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.json()["code"] == code, r.text  # type: ignore[attr-defined]


async def test_a_clerk_elsewhere_cannot_replace_a_photo_by_id(api: Api) -> None:
    person = await api.person("clerk_instant")
    before = await api.counts()
    for who in ("clerk_suzhou", "clerk_fast", "clerk_nanjing_bank"):
        r = await api.put_photo(person["person_id"], who)
        assert r.status_code in (403, 404), (who, r.text)
    assert await api.counts() == before


async def test_the_first_photo_is_taken_where_the_person_registered(api: Api) -> None:
    person = await api.person("clerk_instant", photo=False)
    assert (await api.put_photo(person["person_id"], "clerk_instant")).status_code == 200


async def test_a_photo_on_record_changes_only_for_a_process(api: Api) -> None:
    person = await api.person("clerk_instant")
    pid = person["person_id"]
    before = await api.counts()
    refused(await api.put_photo(pid, "clerk_instant"), 409, "photo_not_in_a_process")
    assert await api.counts() == before


async def test_a_photo_is_retaken_for_the_application_open_here(api: Api) -> None:
    app = await api.applied("clerk_fast")
    assert (await api.put_photo(app["person_id"], "clerk_fast")).status_code == 200


async def test_not_while_the_card_is_being_made(api: Api) -> None:
    app = await api.applied("clerk_fast")
    assert (await api.step(app["reference"], "start-production")).status_code == 200
    refused(await api.put_photo(app["person_id"], "clerk_fast"), 409, "photo_locked_in_production")


async def test_before_a_new_photo_exchange_of_a_card_held(api: Api) -> None:
    card = await api.card()
    await api.present(card["person_id"], "clerk_other")
    r = await api.put_photo(card["person_id"], "clerk_other")
    assert r.status_code == 200, r.text
