"""The ecard mirrors its card (issue 14 items 1-2; SPEC ECARD-1, ECARD-2, LOSS-5): issued when
the card is made, then every transition of the card's lifecycle table walked through the API,
the ecard read by its holder after each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sscard.cards import lifecycle as lc
from sscard.ecards.lifecycle import ECARD_TABLE, EcardEvent, EcardStatus
from sscard.kernel.clock import ManualClock
from tests.integration.applications.renewal.helpers import collect, exchange
from tests.integration.applications.test_withdrawal import withdraw
from tests.integration.cards.cancellation.test_cancellation import death
from tests.support.api import Api

H, C = lc.HrStatus, lc.CardEvent


class Walk:
    """The card transitions a test made, and the ecard after each (ECARD-2)."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.seen: set[tuple[lc.HrStatus, lc.CardEvent]] = set()

    async def ecard(self, person_id: int) -> dict[str, Any]:
        holder = await self.api.cardholder(person_id)
        r = await self.api.get("/api/v1/me/ecard", holder)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    async def step(
        self,
        person_id: int,
        made: tuple[lc.HrStatus, lc.CardEvent],
        expect: EcardStatus,
        ecard_no: str | None = None,
    ) -> dict[str, Any]:
        self.seen.add(made)
        ecard = await self.ecard(person_id)
        assert ecard["status"] == expect.value, (made, ecard["status"])
        assert ecard["usable"] is (expect is EcardStatus.ACTIVE)  # LOSS-5
        if ecard_no is not None:
            assert ecard["ecard_no"] == ecard_no, made  # the same ecard, whatever card
        return ecard


async def ok(api: Api, number: str, action: str, as_: str, body: Any = None) -> dict[str, Any]:
    r = await api.card_post(number, action, as_, body)
    assert r.status_code in (200, 201), r.text
    answer: dict[str, Any] = r.json()
    return answer


async def test_every_card_transition_moves_the_ecard_as_the_table_says(
    api: Api, clock: ManualClock
) -> None:
    walk = Walk(api)
    # ECARD-1: made at the centre for a fast outlet: issued, pending until collected.
    app = await api.applied("clerk_fast")
    person, ref = app["person_id"], app["reference"]
    for action in ("start-production", "finish-production"):
        assert (await api.step(ref, action)).status_code == 200
    first = await walk.ecard(person)
    assert first["status"] == "pending"
    no = first["ecard_no"]
    assert [c["consented"] for c in first["channels"]] == [False] * 14  # none before consent
    assert (await api.step(ref, "deliver-to-outlet")).status_code == 200
    doc = {"type": "resident_id", "number": api.numbers[person]}
    n = (await collect(api, ref, doc, "clerk_fast"))["card"]["card_number"]
    await walk.step(person, (H.PRODUCED, C.COLLECT), EcardStatus.ACTIVE, no)

    await ok(api, n, "temporary-loss", "hotline")
    await walk.step(person, (H.ACTIVE, C.REPORT_TEMPORARY_LOSS), EcardStatus.SUSPENDED, no)
    await ok(api, n, "unlock", "hotline")
    await walk.step(person, (H.TEMPORARILY_LOST, C.UNLOCK), EcardStatus.ACTIVE, no)
    await ok(api, n, "temporary-loss", "hotline")
    clock.advance(timedelta(days=7, hours=1))
    assert (await api.post("/api/v1/cards/sweep-temporary-losses", "admin")).status_code == 200
    await walk.step(person, (H.TEMPORARILY_LOST, C.LIFT_TEMPORARY_LOSS), EcardStatus.ACTIVE, no)
    await ok(api, n, "temporary-loss", "hotline")
    await ok(api, n, "formal-loss", "clerk_changzhou_icbc")
    await walk.step(person, (H.TEMPORARILY_LOST, C.REPORT_FORMAL_LOSS), EcardStatus.SUSPENDED, no)
    await ok(api, n, "unlock", "clerk_changzhou_icbc")
    await walk.step(person, (H.FORMALLY_LOST, C.UNLOCK), EcardStatus.ACTIVE, no)
    transfer = {
        "to_city_code": "3205",
        "transfer_certificate_number": "ZY-2026-000123",
        "document": {"type": "resident_id", "number": api.numbers[person]},
    }
    await ok(api, n, "management-city", "clerk_fast", transfer)
    await walk.step(person, (H.ACTIVE, C.CHANGE_CITY), EcardStatus.ACTIVE, no)
    await ok(api, n, "social-data-reset", "clerk_suzhou")
    await walk.step(person, (H.ACTIVE, C.RESET_SOCIAL_DATA), EcardStatus.ACTIVE, no)

    # REP-1: formal loss online, replacement at a fast outlet: the ecard waits for the new card,
    # then the same ecard stands behind it.
    holder = await api.cardholder(person)
    await ok(api, n, "formal-loss", holder)
    await walk.step(person, (H.ACTIVE, C.REPORT_FORMAL_LOSS), EcardStatus.SUSPENDED, no)
    replacement = await ok(api, n, "replacement", "clerk_suzhou", {})
    await walk.step(person, (H.FORMALLY_LOST, C.APPLY_REPLACEMENT), EcardStatus.MOVING, no)
    n2 = (await collect(api, replacement["reference"], doc, "clerk_suzhou"))["card"]["card_number"]
    moved = await walk.step(person, (H.PRODUCED, C.COLLECT), EcardStatus.ACTIVE, no)
    assert moved["card_number_masked"][:2] == n2[:2]
    assert n2 != n

    # REP-3: an exchange, withdrawn: the ecard waits; the old card cancelled: the ecard ends.
    card = await api.card()
    third, n3 = card["person_id"], card["card_number"]
    no3 = (await walk.ecard(third))["ecard_no"]
    r = await exchange(api, n3, "damage", "clerk_fast")
    assert r.status_code == 201, r.text
    await walk.step(third, (H.ACTIVE, C.APPLY_EXCHANGE), EcardStatus.MOVING, no3)
    assert (await withdraw(api, r.json()["reference"], "clerk_fast")).is_success
    await walk.step(third, (H.ACTIVE, C.APPLY_EXCHANGE), EcardStatus.MOVING, no3)
    await ok(api, n3, "cancel", "clerk_instant", death(card_presented=False))
    await walk.step(third, (H.SUPERSEDED, C.CANCEL), EcardStatus.ENDED, no3)

    # CAN-3 from every other state, and CAN-5 (a made card voided): ended.
    for lost_by in (None, "hotline", "clerk_changzhou_icbc"):
        card = await api.card()
        other = card["person_id"]
        before = H.ACTIVE
        if lost_by == "hotline":
            await ok(api, card["card_number"], "temporary-loss", "hotline")
            before = H.TEMPORARILY_LOST
        elif lost_by:
            await ok(api, card["card_number"], "formal-loss", lost_by)
            before = H.FORMALLY_LOST
        await ok(api, card["card_number"], "cancel", "clerk_instant", death())
        await walk.step(other, (before, C.CANCEL), EcardStatus.ENDED)
    voided = await api.applied("clerk_fast")
    for action in ("start-production", "finish-production"):
        assert (await api.step(voided["reference"], action)).status_code == 200
    assert (await withdraw(api, voided["reference"], "clerk_fast")).is_success
    await walk.step(voided["person_id"], (H.PRODUCED, C.VOID), EcardStatus.ENDED)

    assert walk.seen == set(lc.HR_TABLE)  # every transition of the card walked


def test_the_ecard_table_admits_what_every_card_transition_asks() -> None:
    """Each ecard event comes from a card transition (ecards.subscribers) and each state it is
    asked in appears in the table; an ended ecard admits nothing."""
    assert not [e for s, e in ECARD_TABLE if s is EcardStatus.ENDED]
    assert {e for _, e in ECARD_TABLE} == set(EcardEvent)
