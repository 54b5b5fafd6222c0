"""Temporary medical card (临时医保卡) while a new card is being made (SPEC REP-1)."""

from __future__ import annotations

from typing import Any

from sscard.applications import repository as applications
from sscard.applications.lifecycle import ApplicationKind
from sscard.applications.temporary_medical import repository as temporary_repo
from sscard.applications.temporary_medical.permissions import ISSUE_TEMPORARY_MEDICAL_CARD
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, NotFound
from sscard.platform import sequences
from sscard.platform.access import service as access
from sscard.platform.access.rules import Subject
from sscard.platform.history import Change, record
from sscard.registry.permissions import LOOKUP_PERSON
from sscard.registry.reference.service import actor_outlet
from sscard.registry.service import person_to_act_on, reach_person, require_person

FOR_KINDS = frozenset({ApplicationKind.REPLACEMENT.value, ApplicationKind.EXCHANGE.value})


class NoReplacementWaiting(DomainError):
    code = "no_replacement_in_progress"
    status = 409
    rule = "REP-1"
    message_zh = "临时医保卡仅在补卡或换卡制卡期间发放"
    message_en = "A temporary medical card is issued only while a replacement or exchange is made"


class TemporaryCardAlreadyIssued(DomainError):
    code = "temporary_medical_card_issued"
    status = 409
    rule = "REP-1"
    message_zh = "本次补换卡已发放临时医保卡（{number}）"
    message_en = "A temporary medical card was already issued for this application ({number})"


async def issue(ctx: Ctx, person_id: int) -> dict[str, Any]:
    """REP-1: at an outlet, for a person waiting for a replacement or exchange; it ends when
    the new card is collected."""
    authorize(ctx.actor, ISSUE_TEMPORARY_MEDICAL_CARD)
    outlet = await actor_outlet(ctx, ISSUE_TEMPORARY_MEDICAL_CARD)
    await person_to_act_on(ctx, person_id)
    app = await applications.open_application_of(ctx.conn, person_id)
    if app is None or app["kind"] not in FOR_KINDS:
        raise NoReplacementWaiting(field="person_id")
    for t in await temporary_repo.temporary_medical_cards_of(ctx.conn, person_id):
        if t["application_id"] == app["id"]:
            raise TemporaryCardAlreadyIssued(field="person_id", number=t["number"])
    (seq,) = await sequences.take(ctx.conn, f"temporary_medical_card:{outlet.city_code}")
    card = await temporary_repo.insert_temporary_medical_card(
        ctx.conn,
        {
            "number": f"LS{outlet.city_code}{ctx.today:%y}{seq:08d}",
            "person_id": person_id,
            "application_id": app["id"],
            "outlet_id": outlet.id,
            "status": "valid",
            "issued_at": ctx.now,
        },
    )
    change = Change("temp_medical", card["id"], "issued", None, "valid")
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return view(card, app["reference"])


async def of_person(ctx: Ctx, person_id: int) -> list[dict[str, Any]]:
    authorize(ctx.actor, LOOKUP_PERSON)
    await reach_person(ctx, await require_person(ctx, person_id), "temporary_medical_cards")
    return [
        view(t, None) for t in await temporary_repo.temporary_medical_cards_of(ctx.conn, person_id)
    ]


async def card_of_number(ctx: Ctx, number: str) -> dict[str, Any]:
    """One temporary medical card by its number, as its printed form shows it (SPEC REP-1):
    masked holder (ID-6), issuing outlet, the application it stands in for and that one's due
    date (APP-7). Read on the same ground as the person's cards and logged; a card the actor may
    not reach is answered exactly as a number that does not exist."""
    authorize(ctx.actor, LOOKUP_PERSON)
    found = await temporary_repo.temporary_medical_card_by_number(ctx.conn, number.strip().upper())
    what = {"field": "number", "what_zh": "临时医保卡", "what_en": "Temporary medical card"}
    if found is None:
        raise NotFound(**what)
    subject = Subject(
        "temporary_medical_card", found["number"], found["person_id"], found["person_city_code"]
    )
    await access.reach(ctx, subject, **what)
    return {
        **view(found, found["application_reference"]),
        "holder": {"name": found["person_name_masked"], "ssn": found["person_ssn_masked"]},
        "city_code": found["person_city_code"],
        "outlet_code": found["outlet_code"],
        "application_kind": found["application_kind"],
        "application_due_date": found["application_due_date"],
        "due_waits_for_calendar_year": found["application_due_year_unknown"],
    }


def view(card: dict[str, Any], reference: str | None) -> dict[str, Any]:
    return {
        "number": card["number"],
        "status": card["status"],
        "issued_at": card["issued_at"],
        "ended_at": card["ended_at"],
        "application_reference": reference,
    }


async def end_for_application(ctx: Ctx, application_id: int) -> None:
    """REP-1: the new card was collected; the temporary medical card issued meanwhile ends."""
    ended = await temporary_repo.end_temporary_medical_cards(ctx.conn, application_id, ctx.now)
    changes = [Change("temp_medical", t["id"], "ended", "valid", "ended") for t in ended]
    await record(ctx.conn, ctx.actor, ctx.now, *changes)
