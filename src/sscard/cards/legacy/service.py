"""Older-generation cards: recorded at an upgrade, lose the medical function (GEN-3, ISS-5)."""

from __future__ import annotations

from sscard.cards.entities import Card
from sscard.cards.legacy import repository as legacy_repo
from sscard.cards.legacy.hooks import MEDICAL_INSURANCE
from sscard.cards.legacy.rules import OldCard
from sscard.kernel.ctx import Ctx
from sscard.kernel.masking import mask_account
from sscard.platform.history import Change, record
from sscard.platform.outbox import service as outbox

MEDICAL_FUNCTION_MOVED = "medical.function_moved"  # topic, to the medical-insurance agency


async def record_old_card(ctx: Ctx, person_id: int, application_id: int, old: OldCard) -> int:
    """GEN-3: the gen-1/gen-2 card declared at the upgrade, its number encrypted."""
    number = old.number.strip().upper()
    legacy_id = await legacy_repo.insert_legacy_card(
        ctx.conn,
        {
            "person_id": person_id,
            "application_id": application_id,
            "generation": old.generation,
            "issuer_city_code": old.issuer_city_code,
            "outside_jiangsu": old.issuer_city_code is None,
            "bank_code": old.bank_code.upper() if old.bank_code else None,
            **ctx.vault.seal("number", number, mask=mask_account),
            "bank_closure": old.bank_closure.value,
            "medical_function": "active",
            "created_at": ctx.now,
            "updated_at": ctx.now,
        },
    )
    change = Change("legacy_card", legacy_id, "declared_at_upgrade", None, "active")
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return legacy_id


async def medical_carrier(ctx: Ctx, person_id: int) -> int | None:
    """The id of the person's older card still carrying the medical function, or None (ISS-5).
    No authorization: the caller (the medical account) answers for who asks."""
    return await legacy_repo.medical_carrier(ctx.conn, person_id)


async def move_medical_function(ctx: Ctx, person_id: int, card: Card) -> int:
    """ISS-5: on hr activation, older cards lose the medical function; the balance follows.

    The medical-insurance agency is told in the outbox, one message per older card.
    """
    moved = await legacy_repo.move_medical_functions(ctx.conn, person_id, card.id, ctx.now)
    changes = [
        Change("legacy_card", m["id"], "medical_function_moved", "active", "moved") for m in moved
    ]
    await record(ctx.conn, ctx.actor, ctx.now, *changes)
    messages = [
        outbox.new_row(
            topic=MEDICAL_FUNCTION_MOVED,
            recipient=MEDICAL_INSURANCE,
            ordering_key=f"person:{person_id}",
            payload={
                "old_card": m["number_masked"],
                "old_generation": m["generation"],
                "new_card_number": card.card_number,
                "move_balance": True,
            },
            at=ctx.now,
        )
        for m in moved
    ]
    await outbox.enqueue_many(ctx.conn, messages)
    return len(moved)
