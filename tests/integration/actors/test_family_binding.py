"""Family binding (亲情服务, SPEC ECARD-4, ID-4; issue 13 item 1) through the API: recorded at an
outlet with the relation's proof, a relative signed in to the online hall switches to act for a
child or an elderly person, does what the holder could (read, formal loss, unlock) recorded
with the relative's own actor, and switches back; a child's binding stops on the 16th birthday,
an ended one at once; strangers reach nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from sscard.actors.models import actors
from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from sscard.platform.history import entries
from tests.support.api import Api
from tests.support.numbers import citizen_number

BINDINGS = "/api/v1/family-bindings"
ACTING = "/api/v1/online/acting-for"
CHILD_BIRTH = date(2010, 11, 25)  # 15 on Monday 23 Nov 2026; 16 on Wednesday 25 Nov
ELDER_BIRTH = date(1950, 3, 8)


async def _child_card(api: Api) -> dict[str, Any]:
    """A child of 15 holding a collected card, applied for through a guardian (ID-4)."""
    number = citizen_number(CHILD_BIRTH)
    doc = {"type": "resident_id", "number": number}
    child = await api.person("clerk_instant", birth=CHILD_BIRTH, document=doc, phone=None)
    guardian = {
        "role": "guardian",
        "relationship": "parent",
        "name": "李监护",
        "document": {"type": "resident_id", "number": citizen_number(date(1984, 2, 2))},
        "proof": "household_register",
    }
    r = await api.submit(child["person_id"], "clerk_instant", representative=guardian)
    assert r.status_code == 201, r.text
    ref = r.json()["reference"]
    r = await api.post(f"/api/v1/applications/{ref}/collect", "clerk_instant", {"document": doc})
    assert r.status_code == 200, r.text
    return {"card_number": r.json()["card"]["card_number"], **child, "number": number}


async def _adult(api: Api, birth: date = date(1984, 6, 1), **over: Any) -> dict[str, Any]:
    number = citizen_number(birth)
    doc = {"type": "resident_id", "number": number}
    person = await api.person("clerk_instant", birth=birth, document=doc, **over)
    return {**person, "number": number}


async def _bind(
    api: Api,
    relative: dict[str, Any],
    dependant: dict[str, Any],
    relation: str = "parent",
    proof: str = "household_register",
    as_: str = "clerk_instant",
) -> httpx.Response:
    body = {
        "relative_social_security_number": relative["number"],
        "dependant_social_security_number": dependant["number"],
        "relation": relation,
        "proof": proof,
        "proof_reference": "HK3204000123",
    }
    return await api.post(BINDINGS, as_, body)


async def _sign_in(api: Api, person: dict[str, Any]) -> str:
    """Real-name sign-in to the hall (issue 13 item 1); the session's bearer token."""
    asked = await api.client.post(
        "/api/v1/online/sign-in/code",
        json={"social_security_number": person["number"], "name": "测试人"},
    )
    assert asked.status_code == 202, asked.text
    listed = (await api.get("/api/v1/notifications", "admin")).json()["items"]
    codes = [
        n
        for n in listed
        if n["template"] == "online_sign_in_code" and n["person_id"] == person["person_id"]
    ]
    code = max(codes, key=lambda n: n["id"])["params"]["code"]
    signed = await api.client.post(
        "/api/v1/online/sign-in", json={"challenge": asked.json()["challenge"], "code": code}
    )
    assert signed.status_code == 200, signed.text
    token: str = signed.json()["token"]
    return token


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _me(api: Api, token: str) -> httpx.Response:
    return await api.client.get("/api/v1/me/record", headers=_as(token))


async def _switch(api: Api, token: str, binding_id: int | None) -> httpx.Response:
    return await api.client.post(ACTING, json={"binding_id": binding_id}, headers=_as(token))


async def _history(api: Api, entity: str, entity_id: int) -> list[dict[str, Any]]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        return await entries(ctx.conn, entity, entity_id)


async def _person_of_actor(api: Api, actor_id: int) -> int | None:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = select(actors.c.person_id).where(actors.c.id == actor_id)
        return (await ctx.conn.execute(stmt)).scalar_one_or_none()


async def test_a_parent_bound_at_an_outlet_acts_for_the_child_and_switches_back(
    api: Api,
) -> None:
    """SPEC ECARD-4, ID-4, CH-2: the clerk records the binding with the proof; the parent,
    signed in to the hall, reads the child's record, reports the child's card formally lost
    (recorded with the parent's actor, under the binding), unlocks it, and switches back."""
    parent = await _adult(api)
    child = await _child_card(api)
    r = await _bind(api, parent, child)
    assert r.status_code == 201, r.text
    binding = r.json()
    assert binding["status"] == "active"
    assert binding["kind"] == "child"
    assert binding["ends_on"] == "2026-11-25"  # the 16th birthday
    assert binding["relative"]["name"] == "测**"  # masked (ID-6)
    assert binding["proof_reference"] != "HK3204000123"  # masked
    assert binding["outlet_code"] == "3204-HR-001"
    [recorded] = await _history(api, "family_binding", binding["id"])
    assert (recorded["event"], recorded["channel"]) == ("recorded", "hr_outlet")

    token = await _sign_in(api, parent)
    own = await _me(api, token)
    assert own.status_code == 200, own.text
    assert own.json()["person_id"] == parent["person_id"]
    family = await api.client.get(BINDINGS, headers=_as(token))
    assert [b["id"] for b in family.json()["items"]] == [binding["id"]]

    switched = await _switch(api, token, binding["id"])
    assert switched.status_code == 200, switched.text
    assert switched.json()["acting_for"]["dependant"]["person_id"] == child["person_id"]
    theirs = await _me(api, token)
    assert theirs.status_code == 200, theirs.text
    assert theirs.json()["person_id"] == child["person_id"]
    n = child["card_number"]
    assert [c["card_number"] for c in theirs.json()["cards"]] == [n]

    lost = await api.client.post(f"/api/v1/cards/{n}/formal-loss", headers=_as(token))
    assert lost.status_code == 200, lost.text
    assert (await api.card_state(n))["hr_status"] == "formally_lost"
    card_rows = (await api.get(f"/api/v1/cards/{n}/history", "admin")).json()
    loss_row = next(row for row in card_rows if row["event"] == "report_formal_loss")
    assert loss_row["channel"] == "online"
    assert await _person_of_actor(api, loss_row["actor_id"]) == parent["person_id"]
    acted = await _history(api, "family_binding", binding["id"])
    assert acted[-1]["event"] == "acting_started"
    assert acted[-1]["actor_id"] == loss_row["actor_id"]  # the relative, under the binding
    reads = await api.get(
        "/api/v1/access-log", "auditor", params={"actor_id": loss_row["actor_id"]}
    )
    assert {(e["person_id"], e["purpose"]) for e in reads.json()["items"]} >= {
        (child["person_id"], "holder")  # the child's record, read by the parent's actor (ID-6)
    }
    unlocked = await api.client.post(f"/api/v1/cards/{n}/unlock", headers=_as(token))
    assert unlocked.status_code == 200, unlocked.text

    back = await _switch(api, token, None)
    assert (back.status_code, back.json()) == (200, {"acting_for": None})
    assert (await _me(api, token)).json()["person_id"] == parent["person_id"]
    ended = await _history(api, "family_binding", binding["id"])
    assert (ended[-1]["event"], ended[-1]["reason"]) == ("acting_ended", "switched_back")
    refused = await api.client.post(f"/api/v1/cards/{n}/formal-loss", headers=_as(token))
    assert refused.status_code == 404  # the child's card is not the parent's own


async def test_a_stranger_cannot_switch_to_someone_not_bound_to_them(api: Api) -> None:
    """SPEC ECARD-4, ID-6: a binding of somebody else is answered as not found, and the
    stranger's session stays their own; an actor's own token cannot switch at all."""
    parent = await _adult(api)
    child = await _child_card(api)
    binding = (await _bind(api, parent, child)).json()
    stranger = await _adult(api, date(1979, 9, 9))
    token = await _sign_in(api, stranger)
    r = await _switch(api, token, binding["id"])
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (404, "not_found", "binding_id")
    assert (await _me(api, token)).json()["person_id"] == stranger["person_id"]
    theirs = await api.client.get(
        BINDINGS, params={"person_id": child["person_id"]}, headers=_as(token)
    )
    assert theirs.status_code == 404
    lost = await api.client.post(
        f"/api/v1/cards/{child['card_number']}/formal-loss", headers=_as(token)
    )
    assert lost.status_code == 404
    key = await api.cardholder(parent["person_id"])  # an actor's token, not a hall session
    r = await api.post(ACTING, key, {"binding_id": binding["id"]})
    assert (r.status_code, r.json()["code"]) == (409, "family_needs_online_session")
    assert [h["event"] for h in await _history(api, "family_binding", binding["id"])] == [
        "recorded"
    ]


async def test_a_childs_binding_stops_working_on_the_16th_birthday(
    api: Api, clock: ManualClock
) -> None:
    """SPEC ECARD-4: the end date is enforced by the date on every request, with no sweep:
    the acting session is refused once, with the reason, and is back to the relative."""
    parent = await _adult(api)
    child = await _child_card(api)
    binding = (await _bind(api, parent, child)).json()
    clock.advance(timedelta(hours=37, minutes=50))  # Tuesday 23:50 Beijing time: still 15
    token = await _sign_in(api, parent)
    assert (await _switch(api, token, binding["id"])).status_code == 200
    assert (await _me(api, token)).json()["person_id"] == child["person_id"]
    clock.advance(timedelta(minutes=15))  # Wednesday 00:05: 16 today
    first = await _me(api, token)
    assert (first.status_code, first.json()["code"]) == (409, "family_acting_for_ended")
    assert first.json()["rule"] == "ECARD-4"
    then = await _me(api, token)
    assert (then.status_code, then.json()["person_id"]) == (200, parent["person_id"])
    again = await _switch(api, token, binding["id"])
    assert (again.status_code, again.json()["code"]) == (409, "family_binding_not_active")
    listed = (await api.client.get(BINDINGS, headers=_as(token))).json()["items"]
    assert [b["status"] for b in listed] == ["expired"]
    assert (await _history(api, "family_binding", binding["id"]))[-1]["reason"] == (
        "binding_not_active"
    )


async def test_an_elderly_person_ends_the_binding_online_and_the_relative_is_switched_back(
    api: Api,
) -> None:
    """SPEC ECARD-4: an elderly person's binding lasts until ended; the elderly person ends it
    in the hall; the relative acting under it is back to their own record at once."""
    son = await _adult(api)
    elder = await _adult(api, ELDER_BIRTH, phone="13900000001")
    r = await _bind(api, son, elder, relation="child", proof="household_register")
    assert r.status_code == 201, r.text
    binding = r.json()
    assert (binding["kind"], binding["ends_on"]) == ("elderly", None)
    son_token = await _sign_in(api, son)
    assert (await _switch(api, son_token, binding["id"])).status_code == 200
    elder_token = await _sign_in(api, elder)
    ended = await api.client.post(f"{BINDINGS}/{binding['id']}/end", headers=_as(elder_token))
    assert ended.status_code == 200, ended.text
    assert (ended.json()["status"], ended.json()["ended_reason"]) == ("ended", "by_dependant")
    refused = await _me(api, son_token)
    assert (refused.status_code, refused.json()["code"]) == (409, "family_acting_for_ended")
    assert (await _me(api, son_token)).json()["person_id"] == son["person_id"]
    twice = await api.client.post(f"{BINDINGS}/{binding['id']}/end", headers=_as(elder_token))
    assert (twice.status_code, twice.json()["code"]) == (409, "family_binding_not_active")
    events = [h["event"] for h in await _history(api, "family_binding", binding["id"])]
    assert events == ["recorded", "acting_started", "ended", "acting_ended"]


async def test_a_child_cannot_end_the_binding_an_outlet_can(api: Api) -> None:
    """SPEC ECARD-4: a child's binding is ended by the relative or at an outlet (where a
    person of the binding presents their document), never by the child."""
    parent = await _adult(api)
    child = await _child_card(api)
    async with api.rt.unit(OPERATOR) as ctx:  # the child has a phone of their own since
        from sscard.registry.models import persons

        sealed = ctx.vault.seal("phone", "13900000002")
        stmt = persons.update().where(persons.c.id == child["person_id"]).values(**sealed)
        await ctx.conn.execute(stmt)
    binding = (await _bind(api, parent, child)).json()
    child_token = await _sign_in(api, child)
    r = await api.client.post(f"{BINDINGS}/{binding['id']}/end", headers=_as(child_token))
    assert (r.status_code, r.json()["code"]) == (403, "family_child_cannot_end")
    elsewhere = await api.post(f"{BINDINGS}/{binding['id']}/end", "clerk_other")
    assert elsewhere.status_code == 404  # nobody of the binding presented there
    await api.present(parent["person_id"], "clerk_other")
    listed = await api.get(BINDINGS, "clerk_other", params={"person_id": parent["person_id"]})
    assert [b["id"] for b in listed.json()["items"]] == [binding["id"]]
    r = await api.post(f"{BINDINGS}/{binding['id']}/end", "clerk_other")
    assert r.status_code == 200, r.text
    assert r.json()["ended_reason"] == "at_outlet"


async def test_refusals_at_the_outlet_store_nothing(api: Api) -> None:
    """SPEC ECARD-4, ID-4: no self-binding, an adult of full capacity as relative, only a
    child under 16 or a person of 60 or over as dependant, the relation fitting both, a proof
    that shows it, no duplicate, at most two relatives per dependant."""
    parent = await _adult(api)
    child = await _child_card(api)
    adult = await _adult(api, date(1996, 4, 4))
    minor = await _adult(api, date(2009, 1, 1))  # 17
    limited = await _adult(api, date(1980, 5, 5), full_civil_capacity=False)
    rel, dep = "relative_social_security_number", "dependant_social_security_number"
    cases: list[tuple[dict[str, Any], dict[str, Any], str, str, str, str]] = [
        (parent, parent, "parent", "household_register", "family_self_binding", dep),
        (parent, adult, "parent", "household_register", "family_dependant_not_eligible", dep),
        (minor, child, "sibling", "household_register", "family_relative_not_adult", rel),
        (limited, child, "parent", "household_register", "family_relative_not_adult", rel),
        (child, parent, "parent", "household_register", "family_relative_not_adult", rel),
        (
            parent,
            child,
            "spouse",
            "marriage_certificate",
            "family_relation_not_for_dependant",
            "relation",
        ),
        (parent, child, "parent", "guardianship_order", "family_proof_not_for_relation", "proof"),
    ]
    for relative, dependant, relation, proof, code, field in cases:
        before = (await api.count("family_bindings"), await api.count("history"))
        r = await _bind(api, relative, dependant, relation, proof)
        assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, code, field), r.text
        assert r.json()["rule"] in {"ECARD-4", "ID-4"}
        assert (await api.count("family_bindings"), await api.count("history")) == before
    unknown = {**adult, "number": citizen_number(date(1970, 1, 1))}
    r = await _bind(api, unknown, child)
    assert (r.status_code, r.json()["field"]) == (404, "relative_social_security_number")

    assert (await _bind(api, parent, child)).status_code == 201
    r = await _bind(api, parent, child)
    assert (r.status_code, r.json()["code"]) == (409, "family_binding_exists")
    grandma = await _adult(api, date(1958, 8, 8))
    assert (await _bind(api, grandma, child, "grandparent")).status_code == 201
    uncle = await _adult(api, date(1988, 8, 8))
    r = await _bind(api, uncle, child, "legal_guardian", "guardianship_order")
    assert (r.status_code, r.json()["code"]) == (409, "family_too_many_relatives")
    assert await api.count("family_bindings") == 2


async def test_an_older_relative_cannot_be_the_child(api: Api) -> None:
    """SPEC ID-4: the relation must fit the birth dates on the documents."""
    elder = await _adult(api, ELDER_BIRTH)
    old = await _adult(api, date(1940, 1, 1))
    r = await _bind(api, old, elder, "child", "birth_certificate")
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "family_relation_implausible",
        "relation",
    )
    assert await api.count("family_bindings") == 0
