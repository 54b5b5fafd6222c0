"""Cancelling a card (SPEC CAN-1..5, JUR-2): the hr function ends; the bank gets a notice."""

from __future__ import annotations

from typing import Any

from sscard.cards import lifecycle as lc
from sscard.cards import repository as cards_repo
from sscard.cards.cancellation import repository as repo
from sscard.cards.cancellation import rules
from sscard.cards.cancellation.extensions import refuse_if_unfinished, supersession_of
from sscard.cards.cancellation.notice import ClosureNotice
from sscard.cards.cancellation.permissions import CANCEL_CARD, VIEW_CLOSURE_NOTICE
from sscard.cards.cancellation.rules import CancellationReason, CancellationRequest, Presenter
from sscard.cards.entities import Card
from sscard.cards.events import ClosureNoticeIssued
from sscard.cards.service import card_view, load, transition
from sscard.kernel.actor import Role, authorize, city_scope, forbidden
from sscard.kernel.clock import business_date
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, visible_or_not_found
from sscard.kernel.events import publish
from sscard.platform import sequences
from sscard.platform.history import Change, record
from sscard.platform.paging import next_cursor
from sscard.registry.reference import repository as reference
from sscard.registry.reference.service import policy_on
from sscard.registry.representatives import representative_view, sealed_representative
from sscard.registry.service import holder_of, require_holders_document

ENTITY = "cancellation"
REFERENCE_SEQUENCE = "cancellation_reference"


class NotCardManagementCity(DomainError):
    code = "not_card_management_city"
    status = 403
    rule = "CAN-3"
    message_zh = "注销须在卡管属地（{city_name_zh}）的人社服务网点办理"
    message_en = "A card is cancelled at an HR outlet of its card-management city ({city_code})"


class RepresentativeIsHolder(DomainError):
    code = "representative_is_holder"
    status = 422
    rule = "CAN-4"
    message_zh = "经办人证件为持卡人本人的证件，经办人须出示其本人的有效身份证件"
    message_en = "The representative's document is the holder's; they show their own ID"


# ---- cancel ----


async def cancel_card(ctx: Ctx, card_number: str, req: CancellationRequest) -> dict[str, Any]:
    """SPEC CAN-1..4: check the counter, the documents and unfinished business; cancel; issue the
    closure notice (published as ClosureNoticeIssued: the bank closes the account on it)."""
    authorize(ctx.actor, CANCEL_CARD)
    card = await load(ctx, card_number)
    # Before the documents: a dead card or a bank counter is refused whatever was brought.
    lc.transition(card.hr_status, lc.CardEvent.CANCEL, ctx.actor.channel)
    if card.hr_status is lc.HrStatus.SUPERSEDED:  # LOSS-4, CAN-2, REP-3 (issue 11)
        rules.check_superseded(await supersession_of(ctx, card.id))
    await _require_management_city(ctx, card)
    policy = await policy_on(ctx, card.city_code)
    presenter = rules.check_documents(
        req, policy.abroad_cancellation_by, card_lost=_cannot_be_handed_in(card)
    )
    if req.holder_document is not None:
        await require_holders_document(
            ctx, card.person_id, req.holder_document, field="holder_document", rule="CAN-4"
        )
    rep_number = await _check_representative(ctx, card, req)
    await refuse_if_unfinished(ctx, card.person_id)  # SPEC CAN-2

    card = await transition(ctx, card, lc.CardEvent.CANCEL, req.reason.value)
    reference_number = await _reference(ctx, card.city_code)
    cancellation_id = await repo.insert_cancellation(
        ctx.conn, _cancellation_row(ctx, card, req, presenter, reference_number)
    )
    if req.representative is not None and rep_number is not None:
        await _store_representative(ctx, cancellation_id, presenter, req, rep_number)
    await record(
        ctx.conn,
        ctx.actor,
        ctx.now,
        Change(ENTITY, cancellation_id, "closure_notice_issued", None, "issued", req.reason.value),
    )
    # SPEC CAN-3: no personal data leaves in the notice's message, only the card and reference.
    notice = ClosureNoticeIssued(card.ref, reference_number, req.reason.value, ctx.now)
    await publish(ctx, notice)
    return await view(ctx, reference_number)


def _cannot_be_handed_in(card: Card) -> bool:
    """A lost card cannot be handed in (CAN-4); nor can a superseded one: it was lost before the
    replacement (REP-1) or taken back at the exchange (REP-3)."""
    return card.hr_status in lc.LOST_HR_STATES or card.hr_status is lc.HrStatus.SUPERSEDED


async def _require_management_city(ctx: Ctx, card: Card) -> None:
    """SPEC CAN-3 / APP-1: cancellation stays with the card-management city."""
    if ctx.actor.city_code == card.city_code:
        return
    city = await reference.get_city(ctx.conn, card.city_code)
    raise NotCardManagementCity(
        field="card_number",
        city_code=card.city_code,
        city_name_zh=city.name_zh if city else card.city_code,
    )


async def _check_representative(ctx: Ctx, card: Card, req: CancellationRequest) -> str | None:
    """The representative's own document, valid (ID-1/2) and not the holder's (CAN-4)."""
    rep = req.representative
    if rep is None:
        return None
    field = "representative.document"
    number, holder = await holder_of(ctx, rep.document, field)
    if holder == card.person_id:
        raise RepresentativeIsHolder(field=f"{field}.number")
    return number


async def _reference(ctx: Ctx, city_code: str) -> str:
    """ZX + city + date + 8 digits, e.g. ZX32042026112300000001; also the notice's number."""
    (seq,) = await sequences.take(ctx.conn, REFERENCE_SEQUENCE)
    return sequences.reference_number("ZX", city_code, ctx.today, seq)


def _cancellation_row(
    ctx: Ctx,
    card: Card,
    req: CancellationRequest,
    presenter: Presenter,
    reference_number: str,
) -> dict[str, Any]:
    if ctx.actor.outlet_id is None:
        raise forbidden(ctx.actor.role, CANCEL_CARD)
    return {
        "reference": reference_number,
        "card_id": card.id,
        "person_id": card.person_id,
        "reason": req.reason.value,
        "presenter": presenter.value,
        "card_presented": req.card_presented,
        "police_certificate_number": req.police_certificate_number,
        "transfer_certificate_number": req.transfer_certificate_number,
        "note": req.note,
        "city_code": card.city_code,
        "bank_code": card.bank_code,
        "outlet_id": ctx.actor.outlet_id,
        "actor_id": ctx.actor.id,
        "notice_issued_at": ctx.now,
    }


async def _store_representative(
    ctx: Ctx, cancellation_id: int, presenter: Presenter, req: CancellationRequest, number: str
) -> None:
    rep = req.representative
    assert rep is not None
    await repo.insert_representative(
        ctx.conn,
        {
            "cancellation_id": cancellation_id,
            "role": presenter.value,
            "relationship": rep.relationship.value if rep.relationship else None,
            **sealed_representative(ctx.vault, rep.name, rep.document.type.value, number),
        },
    )


# ---- reading ----


async def view(ctx: Ctx, reference: str) -> dict[str, Any]:
    """A cancellation with its closure notice, as outlets, the centre and the card's bank see it."""
    authorize(ctx.actor, VIEW_CLOSURE_NOTICE)
    row = await _by_reference(ctx, reference)
    rep = await repo.representative_of(ctx.conn, row["id"])
    card = await cards_repo.get(ctx.conn, row["card_id"])
    assert card is not None  # a foreign key
    body = summary(row)
    body["presenter"] = row["presenter"]
    body["card_presented"] = row["card_presented"]
    body["police_certificate_number"] = row["police_certificate_number"]
    body["transfer_certificate_number"] = row["transfer_certificate_number"]
    body["note"] = row["note"]
    body["representative"] = representative_view(rep) if rep else None
    body["card"] = card_view(card)
    body["notices"] = {
        "losses_on_holder": rules.LOSSES_FALL_ON_HOLDER,
        "next_step": rules.next_step_at_bank(row["bank_name_zh"], row["bank_name_en"]),
    }
    return body


async def notice_of(ctx: Ctx, reference: str) -> ClosureNotice:
    """The closure notice to print (SPEC CAN-3), masked (ID-6)."""
    authorize(ctx.actor, VIEW_CLOSURE_NOTICE)
    return _closure_notice(await _by_reference(ctx, reference))


async def notice_of_card(ctx: Ctx, card_number: str) -> ClosureNotice:
    """The closure notice of a cancelled card, found by the card's number (a counter has the
    card in hand); seen by the same actors as `notice_of`, NotFound otherwise (CAN-3)."""
    authorize(ctx.actor, VIEW_CLOSURE_NOTICE)
    row = await repo.get_by_card_number(ctx.conn, card_number.strip().upper())
    found = visible_or_not_found(
        row,
        lambda r: _may_see(ctx, r),
        field="card_number",
        what_zh="注销记录",
        what_en="Cancellation",
    )
    return _closure_notice(found)


def _closure_notice(row: dict[str, Any]) -> ClosureNotice:
    return ClosureNotice(
        reference=row["reference"],
        issued_on=business_date(row["notice_issued_at"]),
        card_number=row["card_number"],
        bank_name_zh=row["bank_name_zh"],
        reason_zh=CancellationReason(row["reason"]).label_zh,
        holder_name_masked=row["person_name_masked"],
        holder_id_masked=row["person_ssn_masked"],
        outlet_name_zh=row["outlet_name_zh"],
        city_name_zh=row["city_name_zh"],
    )


async def list_cancellations(
    ctx: Ctx, card_number: str | None, after: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """Closure notices the caller may see, oldest first: a bank its own, a clerk or a city's
    centre their city's (a city centre saw every city's before; found in issue 12); and the
    next page's cursor (None at the end)."""
    authorize(ctx.actor, VIEW_CLOSURE_NOTICE)
    actor = ctx.actor
    rows = await repo.list_page(
        ctx.conn,
        bank_code=actor.bank_code if actor.role is Role.BANK_SYSTEM else None,
        city_code=None if actor.role is Role.BANK_SYSTEM else city_scope(actor),
        card_number=card_number.strip().upper() if card_number else None,
        after=after,
        limit=limit,
    )
    return [summary(r) for r in rows], next_cursor(rows, limit)


async def _by_reference(ctx: Ctx, reference_number: str) -> dict[str, Any]:
    row = await repo.get_by_reference(ctx.conn, reference_number.strip().upper())
    return visible_or_not_found(
        row,
        lambda r: _may_see(ctx, r),
        field="reference",
        what_zh="注销记录",
        what_en="Cancellation",
    )


def _may_see(ctx: Ctx, row: dict[str, Any]) -> bool:
    actor = ctx.actor
    if actor.role is Role.BANK_SYSTEM:
        return actor.bank_code == row["bank_code"]
    if actor.role in (Role.OUTLET_CLERK, Role.CENTRE_ADMIN):  # their own city (issue 11)
        return actor.city_code == row["city_code"]
    return actor.role is Role.PROVINCE_ADMIN


def summary(row: dict[str, Any]) -> dict[str, Any]:
    """A cancellation as listed: masked holder, the notice's reference and where to print it."""
    reason = CancellationReason(row["reason"])
    return {
        "reference": row["reference"],
        "card_number": row["card_number"],
        "reason": reason.value,
        "reason_zh": reason.label_zh,
        "rule": reason.rule,
        "person": {
            "name": row["person_name_masked"],
            "social_security_number": row["person_ssn_masked"],
        },
        "city_code": row["city_code"],
        "bank_code": row["bank_code"],
        "bank_name": row["bank_name_zh"],
        "outlet_code": row["outlet_code"],
        "outlet_name": row["outlet_name_zh"],
        "cancelled_at": row["notice_issued_at"],
        "notice": {
            "reference": row["reference"],
            "issued_at": row["notice_issued_at"],
            "pdf": f"/api/v1/cancellations/{row['reference']}/notice.pdf",
        },
    }


# ---- before the documents are brought (the counter's checklist; issue 12) ----


async def cancellation_preconditions(ctx: Ctx, card_number: str) -> None:
    """What refuses a cancellation of this card at this counter whatever documents are brought:
    the card's state (a dead card, a superseded one whose application is open), the
    card-management city (CAN-3) and unfinished HR business (CAN-2); the same steps
    `cancel_card` takes, in its order, without the documents. For a dry run before the form."""
    authorize(ctx.actor, CANCEL_CARD)
    card = await load(ctx, card_number)
    lc.transition(card.hr_status, lc.CardEvent.CANCEL, ctx.actor.channel)
    if card.hr_status is lc.HrStatus.SUPERSEDED:
        rules.check_superseded(await supersession_of(ctx, card.id))
    await _require_management_city(ctx, card)
    await refuse_if_unfinished(ctx, card.person_id)


async def document_checklist(ctx: Ctx, card_number: str) -> list[dict[str, Any]]:
    """SPEC CAN-1/CAN-4: every reason with, for each person who may present it (the city policy
    decides for settling abroad), the documents to bring in counter order; a card in a loss
    state cannot be handed in. Each document names the request field that carries it."""
    authorize(ctx.actor, CANCEL_CARD)
    card = await load(ctx, card_number)
    policy = await policy_on(ctx, card.city_code)
    lost = _cannot_be_handed_in(card)
    out: list[dict[str, Any]] = []
    for reason in CancellationReason:
        if reason is CancellationReason.DEATH:
            presenters = [Presenter.FAMILY_MEMBER]
        elif reason is CancellationReason.TRANSFER_OUT_OF_PROVINCE:
            presenters = [Presenter.HOLDER]
        else:
            presenters = rules.abroad_presenters(policy.abroad_cancellation_by)
        out.append(
            {
                "reason": reason.value,
                "label_zh": reason.label_zh,
                "label_en": reason.label_en,
                "rule": reason.rule,
                "presenters": [
                    {
                        "presenter": p.value,
                        "label_zh": p.label_zh,
                        "label_en": p.label_en,
                        "documents": [
                            {
                                "proof": proof.value,
                                "field": proof.field_name,
                                "label_zh": proof.label_zh,
                                "label_en": proof.label_en,
                            }
                            for proof in rules.required_proofs(reason, p, card_lost=lost)
                        ],
                    }
                    for p in presenters
                ],
            }
        )
    return out
