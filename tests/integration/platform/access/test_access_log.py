"""Issue 11, SPEC ID-6, GOV-5: a full record is reached through the document the person
presents, never by walking ids; every read leaves a trace an auditor reads, in per-reader SM3
chains that show any row changed or removed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from sscard.platform.access.models import access_log
from tests.support.api import Api


async def test_a_clerk_cannot_walk_the_register_by_id(api: Api) -> None:
    """A Suzhou clerk (and a Changzhou clerk of another outlet) reading Changzhou persons by
    sequential id gets 'not found', exactly as for an id nobody has."""
    people = [await api.person("clerk_instant", photo=False) for _ in range(3)]
    for who in ("clerk_suzhou", "clerk_fast", "hotline"):
        for p in people:
            r = await api.get(f"/api/v1/persons/{p['person_id']}", who)
            assert (r.status_code, r.json()["field"]) == (404, "person_id"), (who, r.text)
            r = await api.get(f"/api/v1/persons/{p['person_id']}/credit-record", who)
            assert r.status_code == 404, (who, r.text)
    nobody = await api.get("/api/v1/persons/999999", "clerk_suzhou")
    assert nobody.json() == {**nobody.json(), "code": "not_found", "field": "person_id"}


async def test_the_document_presented_opens_the_record_for_the_working_day(
    api: Api, clock: ManualClock
) -> None:
    person = await api.person("clerk_instant")
    pid = person["person_id"]
    assert (await api.get(f"/api/v1/persons/{pid}", "clerk_suzhou")).status_code == 404
    await api.present(pid, "clerk_suzhou")
    assert (await api.get(f"/api/v1/persons/{pid}", "clerk_suzhou")).status_code == 200
    # Another clerk of the same outlet serves the same person at the same counter.
    assert (await api.get(f"/api/v1/persons/{pid}", "clerk_suzhou_szb")).status_code == 404
    clock.advance(timedelta(hours=13))
    assert (await api.get(f"/api/v1/persons/{pid}", "clerk_suzhou")).status_code == 404


async def test_a_card_is_read_on_the_same_ground(api: Api) -> None:
    card = await api.card()
    number = card["card_number"]
    for path in (f"/api/v1/cards/{number}", f"/api/v1/cards/{number}/history"):
        assert (await api.get(path, "hotline")).status_code == 404
    await api.present(card["person_id"], "hotline")
    for path in (f"/api/v1/cards/{number}", f"/api/v1/cards/{number}/history"):
        assert (await api.get(path, "hotline")).status_code == 200


async def test_every_read_is_logged_for_the_auditor(api: Api) -> None:
    person = await api.person("clerk_instant", photo=False)
    pid = person["person_id"]
    await api.get(f"/api/v1/persons/{pid}", "clerk_instant")
    await api.get(f"/api/v1/persons/{pid}/credit-record", "admin")
    await api.get("/api/v1/persons/999999", "clerk_instant")  # refused: nothing was read

    r = await api.get("/api/v1/access-log", "auditor", params={"person_id": pid})
    assert r.status_code == 200, r.text
    rows = [
        (e["role"], e["subject_kind"], e["purpose"], e["outlet_id"] is not None)
        for e in r.json()["items"]
    ]
    assert rows == [
        ("outlet_clerk", "person", "registered", True),
        ("outlet_clerk", "person", "presented_earlier", True),  # the registration's answer
        ("outlet_clerk", "person", "presented_earlier", True),
        ("province_admin", "credit_record", "province", False),
    ]
    for who in ("admin", "clerk_instant", "hotline", "bank_icbc"):
        assert (await api.get("/api/v1/access-log", who)).status_code == 403


async def test_the_chains_show_a_row_changed_or_removed(api: Api) -> None:
    person = await api.person("clerk_instant", photo=False)
    for _ in range(3):
        await api.get(f"/api/v1/persons/{person['person_id']}", "clerk_instant")
    verified = (await api.get("/api/v1/access-log/verify", "auditor")).json()
    assert verified["intact"] is True
    assert [c["length"] for c in verified["chains"]] == [5]  # registered, its answer, 3

    async with api.rt.unit(OPERATOR) as ctx:
        second = (
            await ctx.conn.execute(select(access_log.c.id).where(access_log.c.position == 2))
        ).scalar_one()
        await ctx.conn.execute(
            update(access_log).where(access_log.c.id == second).values(purpose="province")
        )
    verified = (await api.get("/api/v1/access-log/verify", "auditor")).json()
    assert verified["intact"] is False
    assert verified["chains"][0]["broken_at"] == 2

    async with api.rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(update(access_log).where(access_log.c.id == second).values(
            purpose="presented_earlier"
        ))  # fmt: skip
        await ctx.conn.execute(delete(access_log).where(access_log.c.position == 4))
    verified = (await api.get("/api/v1/access-log/verify", "auditor")).json()
    assert verified["chains"][0]["broken_at"] == 4  # 5 no longer links to 3


async def test_no_card_is_changed_by_its_number_alone(api: Api) -> None:
    """Issue 11 (found by attack): a Nanjing hotline agent lost and unlocked a Changzhou card,
    and a clerk opened an exchange of someone else's card, by the sequential card number alone;
    the answer even showed the card the GET hid."""
    card = await api.card()
    n = card["card_number"]
    before = await api.counts()
    attempts = [
        ("temporary-loss", "hotline", None),
        ("unlock", "hotline", {}),
        ("formal-loss", "clerk_nanjing_bank", {"reason": "x"}),
        ("exchange", "clerk_fast", {"reason": "damage", "old_card_returned": True}),
        ("replacement", "clerk_suzhou", {}),
    ]
    for action, who, body in attempts:
        r = await api.card_post(n, action, who, body, present=False)
        assert (r.status_code, r.json()["field"]) == (404, "card_number"), (action, who, r.text)
    for tail in ("may-use?use=medical", "hr-password"):
        assert (await api.get(f"/api/v1/cards/{n}/{tail}", "hotline")).status_code == 404
    assert await api.counts() == before
    r = await api.card_post(n, "temporary-loss", "hotline")  # the caller gives their number
    assert r.status_code == 200, r.text
