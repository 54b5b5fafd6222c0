"""Collection by the unit (SPEC ISS-3, ISS-4, APP-3): at the outlet where the batch collects, a
clerk hands the batch's cards waiting there to the unit's named agent (or sends them by
logistics), prints the distribution list (单位发放明细表), and later records from the signed
list, card by card, which were handed out (collected, hr function active) and which came back
(back to the centre's stock, the application open)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sscard.applications import service as applications
from sscard.applications.lifecycle import LABEL_ZH, ApplicationEvent
from sscard.kernel.actor import Operation, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound
from sscard.platform import sequences
from sscard.platform.history import Change, record
from sscard.registry.documents import IdentityDocument, examine_document
from sscard.registry.reference.service import actor_outlet
from sscard.units.collection import repository as repo
from sscard.units.collection import rules
from sscard.units.collection.permissions import (
    HAND_BATCH_TO_UNIT,
    RECORD_BATCH_DELIVERY,
    RECORD_DISTRIBUTION_LIST,
)
from sscard.units.collection.rules import HandoverMode, HandoverStatus, Outcome
from sscard.units.production import service as production
from sscard.units.production.permissions import VIEW_BATCH_PROGRESS

ENTITY = "unit_handover"
REFERENCE_SEQUENCE = "unit_handover_reference"


@dataclass(frozen=True)
class Logistics:
    carrier: str
    waybill: str


async def hand_to_agent(ctx: Ctx, reference: str, document: IdentityDocument) -> dict[str, Any]:
    """Hand every card of the batch waiting at this outlet to the unit's agent, whose document
    must be valid and that of an agent the unit named, still active (ISS-4: NotANamedAgent);
    each card's application goes to with_unit in one statement (HAND_TO_UNIT). NoCardsReady
    when no card of the batch waits at the outlet. Returns the hand-over with its list."""
    batch = await _at_outlet(ctx, HAND_BATCH_TO_UNIT, reference)
    number = examine_document(document, today=ctx.today, field="document").number
    agent = await repo.named_agent(
        ctx.conn, batch["unit_id"], document.type.value, ctx.vault.index(number)
    )
    if agent is None:
        raise rules.NotANamedAgent(field="document.number")
    return await _hand_over(ctx, batch, HandoverMode.UNIT_AGENT, agent_id=agent["id"])


async def send_by_logistics(ctx: Ctx, reference: str, logistics: Logistics) -> dict[str, Any]:
    """Send every card of the batch waiting at this outlet to the unit by a carrier (APP-3),
    its carrier and waybill recorded; the applications go to with_unit as for an agent, and
    the signed list is recorded once the delivery is (record_delivery)."""
    carrier, waybill = rules.check_logistics(logistics.carrier, logistics.waybill)
    batch = await _at_outlet(ctx, HAND_BATCH_TO_UNIT, reference)
    return await _hand_over(ctx, batch, HandoverMode.LOGISTICS, carrier=carrier, waybill=waybill)


async def _at_outlet(ctx: Ctx, operation: Operation, reference: str) -> dict[str, Any]:
    """The batch, for a clerk of its collecting outlet (ISS-3: another outlet's clerk is
    answered NotFound), the outlet still active (GOV-1)."""
    batch = await production.batch_for(ctx, operation, reference)
    await actor_outlet(ctx, operation)
    return batch


async def _hand_over(
    ctx: Ctx, batch: dict[str, Any], mode: HandoverMode, **values: Any
) -> dict[str, Any]:
    (seq,) = await sequences.take(ctx.conn, REFERENCE_SEQUENCE)
    reference = sequences.reference_number("FF", batch["city_code"], ctx.today, seq)
    status = HandoverStatus.WITH_UNIT if mode is HandoverMode.UNIT_AGENT else HandoverStatus.SENT
    moved = await applications.advance_in_bulk(
        ctx,
        production.batch_application_ids(batch["id"]),
        ApplicationEvent.HAND_TO_UNIT,
        reference,
    )
    if not moved:
        raise rules.NoCardsReady(field="reference", reference=batch["reference"])
    handover_id = await repo.insert_handover(
        ctx.conn,
        {
            "reference": reference,
            "batch_id": batch["id"],
            "outlet_id": batch["outlet_id"],
            "mode": mode.value,
            "status": status.value,
            "cards_total": 0,
            "handed_at": ctx.now,
            "handed_by": ctx.actor.id,
            **values,
        },
    )
    await repo.add_lines(ctx.conn, handover_id, batch["id"])
    event = f"handed_over_{mode.value}"
    change = Change(ENTITY, handover_id, event, None, status, batch["reference"])
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return await handover(ctx, reference)


async def record_delivery(ctx: Ctx, reference: str) -> dict[str, Any]:
    """The carrier delivered a logistics hand-over to the unit (APP-3): from now the signed
    list may be recorded. NotSentByLogistics for an agent's hand-over or one delivered."""
    found = await _handover_for(ctx, RECORD_BATCH_DELIVERY, reference)
    await actor_outlet(ctx, RECORD_BATCH_DELIVERY)
    if HandoverStatus(found["status"]) is not HandoverStatus.SENT:
        raise rules.NotSentByLogistics(field="reference", reference=found["reference"])
    await repo.update_handover(
        ctx.conn, found["id"], status=HandoverStatus.DELIVERED.value, delivered_at=ctx.now
    )
    change = Change(ENTITY, found["id"], "delivered", HandoverStatus.SENT, HandoverStatus.DELIVERED)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return await handover(ctx, found["reference"])


async def record_return(
    ctx: Ctx, reference: str, outcomes: Sequence[tuple[str, Outcome]]
) -> dict[str, Any]:
    """Record what the signed distribution list says, card by card (ISS-3): a card handed out
    is collected (DISTRIBUTE: the hr function active as on collection, ISS-4, and everything
    collection does); a card not handed out goes back to the centre's stock (RETURN_TO_STOCK:
    the application stays open, produced, to be delivered again). Cards not named stay with
    the unit for a later return; once every card is recorded the hand-over is closed. Every
    refusal (a card not on the list, recorded twice...) is found before anything changes."""
    found = await _handover_for(ctx, RECORD_DISTRIBUTION_LIST, reference)
    await actor_outlet(ctx, RECORD_DISTRIBUTION_LIST)
    listed = {line["card_number"]: line for line in await repo.lines(ctx.conn, found["id"])}
    given = [(number.strip().upper(), outcome) for number, outcome in outcomes]
    recorded = {n: Outcome(x["outcome"]) if x["outcome"] else None for n, x in listed.items()}
    rules.check_return(HandoverStatus(found["status"]), found["reference"], recorded, given)
    for number, outcome in given:
        line = listed[number]
        if outcome is Outcome.DISTRIBUTED:
            await applications.distribute_from_unit(ctx, line["application_id"])
        else:
            await applications.return_to_stock_from_unit(
                ctx, line["application_id"], found["reference"]
            )
        await repo.set_outcome(ctx.conn, line["id"], outcome.value, ctx.now, ctx.actor.id)
    left = [n for n, o in recorded.items() if o is None and n not in dict(given)]
    if not left:
        before = HandoverStatus(found["status"])
        await repo.update_handover(
            ctx.conn, found["id"], status=HandoverStatus.CLOSED.value, closed_at=ctx.now
        )
        change = Change(ENTITY, found["id"], "list_returned", before, HandoverStatus.CLOSED)
        await record(ctx.conn, ctx.actor, ctx.now, change)
    return await handover(ctx, found["reference"])


async def _handover_for(ctx: Ctx, operation: Operation, reference: str) -> dict[str, Any]:
    """The hand-over if the actor may do `operation` on its batch; NotFound otherwise."""
    authorize(ctx.actor, operation)
    found = await repo.handover_by_reference(ctx.conn, reference.strip().upper())
    if found is None:
        raise NotFound(field="reference", what_zh="发放批", what_en="Hand-over")
    await production.batch_for(ctx, operation, found["batch_reference"])
    return found


async def handover(ctx: Ctx, reference: str) -> dict[str, Any]:
    """A hand-over and its distribution list: masked members, card numbers, each card's
    application status and the outcome recorded so far (ISS-3, ID-6)."""
    found = await _handover_for(ctx, VIEW_BATCH_PROGRESS, reference)
    return _view(found, await repo.lines(ctx.conn, found["id"]))


async def handovers_of_batch(ctx: Ctx, batch_reference: str) -> list[dict[str, Any]]:
    """The batch's hand-overs, oldest first, each with its list."""
    batch = await production.batch_for(ctx, VIEW_BATCH_PROGRESS, batch_reference)
    found = await repo.handovers_of_batch(ctx.conn, batch["id"])
    return [_view(h, await repo.lines(ctx.conn, h["id"])) for h in found]


def _view(found: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
    agent = None
    if found["agent_id"]:
        agent = {"name": found["agent_name_masked"], "number": found["agent_number_masked"]}
    return {
        "reference": found["reference"],
        "batch_reference": found["batch_reference"],
        "mode": found["mode"],
        "status": found["status"],
        "agent": agent,
        "carrier": found["carrier"],
        "waybill": found["waybill"],
        "cards_total": found["cards_total"],
        "handed_at": found["handed_at"],
        "delivered_at": found["delivered_at"],
        "closed_at": found["closed_at"],
        "lines": [
            {
                "line": line["line"],
                "row_number": line["row_number"],
                "name": line["name_masked"],
                "number": line["number_masked"],
                "card_number": line["card_number"],
                "application_reference": line["application_reference"],
                "application_status": line["application_status"],
                "application_status_zh": LABEL_ZH.get(line["application_status"]),
                "outcome": line["outcome"],
                "recorded_at": line["recorded_at"],
            }
            for line in lines
        ],
    }


@dataclass(frozen=True)
class DistributionList:
    """What the printed distribution list (单位发放明细表) says; personal data masked."""

    reference: str
    batch_reference: str
    unit_name: str
    unit_code: str
    outlet_name: str
    mode: str
    agent: str | None
    carrier: str | None
    waybill: str | None
    handed_at: datetime
    printed_on: date
    lines: list[dict[str, Any]]


async def distribution_list(ctx: Ctx, reference: str) -> DistributionList:
    """The distribution list of a hand-over, to print and have signed (ISS-3)."""
    view = await handover(ctx, reference)
    batch = await production.batch_for(ctx, VIEW_BATCH_PROGRESS, view["batch_reference"])
    agent = view["agent"]
    return DistributionList(
        reference=view["reference"],
        batch_reference=view["batch_reference"],
        unit_name=batch["unit_name"],
        unit_code=batch["unit_code"],
        outlet_name=batch["outlet_name_zh"],
        mode=view["mode"],
        agent=f"{agent['name']}（{agent['number']}）" if agent else None,
        carrier=view["carrier"],
        waybill=view["waybill"],
        handed_at=view["handed_at"],
        printed_on=ctx.today,
        lines=view["lines"],
    )
