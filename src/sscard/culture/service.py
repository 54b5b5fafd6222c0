"""Culture and tourism use cases (SPEC CUL-1, LOSS-5): a scenic spot or museum sells a ticket to
a card and its gate admits the card or an ecard's entry code holding it, once; a library takes
the card as its reader's card and lends and takes back items at its self-service machine. Each
asks the card's one answer (LOSS-5) through the scene, and adds its own check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sscard.cards.entities import Card
from sscard.culture import repository as repo
from sscard.culture import rules
from sscard.culture.permissions import ADMIT_AT_GATE, LEND_AT_LIBRARY, SELL_TICKET
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import Conflict, NotFound, invalid
from sscard.scenes import service as scenes
from sscard.scenes.rules import Refusal, SceneKind, SceneUse
from sscard.scenes.service import Presented, Terminal


class TicketRefReused(Conflict):
    code = "ticket_ref_reused"
    message_zh = "门票号{ticket_ref}已售出（另一张卡、日期或票价）"
    message_en = "The ticket number {ticket_ref} was sold for another card, day or price"


@dataclass(frozen=True)
class Sale:
    """A ticket sold: the scene's ticket number, the day it is for, its price in fen."""

    ticket_ref: str
    valid_on: date
    price_fen: int


async def sell_ticket(
    ctx: Ctx, terminal: Terminal, presented: Presented, sale: Sale
) -> dict[str, Any]:
    """SPEC CUL-1: a scenic spot or museum sells a ticket for a day (today up to 90 days ahead)
    to the card shown; the same ticket number again is answered as before, with no second use
    counted (TicketRefReused for another card, day or price)."""
    authorize(ctx.actor, SELL_TICKET)
    if not ctx.today <= sale.valid_on <= ctx.today + timedelta(days=rules.TICKET_DAYS_AHEAD):
        zh = f"须为今天起{rules.TICKET_DAYS_AHEAD}天内"
        raise invalid("valid_on", zh, f"must be from today to {rules.TICKET_DAYS_AHEAD} days on")
    if not 0 <= sale.price_fen <= rules.MAX_PRICE_FEN:
        raise invalid("price_fen", "须在0至一万元之间", "must be 0 to 10,000 yuan")
    earlier = await repo.ticket_by_ref(ctx.conn, terminal.operator_id, sale.ticket_ref)
    if earlier is not None:  # the same sale asked again: as before, no second use counted
        holder = await scenes.holder_shown(ctx, presented)
        if (earlier["person_id"], earlier["valid_on"], earlier["price_fen"]) != (
            holder,
            sale.valid_on,
            sale.price_fen,
        ):
            raise TicketRefReused(field="ticket_ref", ticket_ref=sale.ticket_ref)
        return {"allowed": True, "use": SceneUse.TICKET.value, "code": "ok",
                "duplicate": True} | _ticket(earlier)  # fmt: skip
    taken = await scenes.take(ctx, terminal, SceneUse.TICKET, presented)
    answer = await scenes.answer(ctx, terminal, taken)
    if not taken.allowed or taken.card is None:
        return answer
    person_id = taken.card.person_id
    row = {
        "operator_id": terminal.operator_id,
        "ticket_ref": sale.ticket_ref,
        "person_id": person_id,
        "valid_on": sale.valid_on,
        "price_fen": sale.price_fen,
        "sold_at": ctx.now,
    }
    await repo.insert_ticket(ctx.conn, row)
    return answer | _ticket(row) | {"duplicate": False}


def _ticket(row: dict[str, Any]) -> dict[str, Any]:
    return {"ticket_ref": row["ticket_ref"], "valid_on": row["valid_on"],
            "price_fen": row["price_fen"]}  # fmt: skip


async def admit(ctx: Ctx, terminal: Terminal, presented: Presented) -> dict[str, Any]:
    """SPEC CUL-1, LOSS-5: the gate admits the card (or an ecard's entry code) holding a ticket
    of this scene for today, and checks the ticket in; a library's gate needs no ticket."""
    authorize(ctx.actor, ADMIT_AT_GATE)
    found: dict[str, Any] = {}

    async def ticket_check(card: Card) -> Refusal | None:
        today = await repo.tickets_for(ctx.conn, terminal.operator_id, card.person_id, ctx.today)
        if today:
            found["ticket"] = today[0]
            return rules.ticket_refusal(today[0], ctx.today)
        other = await repo.has_any_ticket(ctx.conn, terminal.operator_id, card.person_id)
        return rules.ticket_refusal({"used_at": None, "valid_on": None} if other else None,
                                    ctx.today)  # fmt: skip

    check = None if terminal.kind is SceneKind.LIBRARY else ticket_check  # no ticket to read
    taken = await scenes.take(ctx, terminal, SceneUse.ENTRY, presented, check)
    answer = await scenes.answer(ctx, terminal, taken)
    ticket = found.get("ticket")
    if taken.allowed and ticket is not None:
        if not await repo.use_ticket(ctx.conn, ticket["id"], ctx.now, terminal.id):
            raise Conflict(field="card_number")  # a twin gate took it this instant: retry
        answer |= _ticket(ticket)
    return answer


async def register_reader(ctx: Ctx, terminal: Terminal, presented: Presented) -> dict[str, Any]:
    """SPEC CUL-1: the library takes the card as its reader's card (once; again: as before)."""
    authorize(ctx.actor, LEND_AT_LIBRARY)
    taken = await scenes.take(ctx, terminal, SceneUse.LIBRARY, presented)
    answer = await scenes.answer(ctx, terminal, taken)
    if not taken.allowed or taken.card is None:
        return answer
    person_id = taken.card.person_id
    already = await repo.is_reader(ctx.conn, terminal.operator_id, person_id)
    if not already:
        row = {"operator_id": terminal.operator_id, "person_id": person_id,
               "registered_at": ctx.now}  # fmt: skip
        await repo.insert_reader(ctx.conn, row)
    return answer | {"already_reader": already}


async def lend(
    ctx: Ctx, terminal: Terminal, presented: Presented, item_code: str
) -> dict[str, Any]:
    """SPEC CUL-1: the self-service machine lends an item to a reader's card, up to
    rules.MAX_LOANS out at once, for rules.LOAN_DAYS; an item already out is refused."""
    authorize(ctx.actor, LEND_AT_LIBRARY)
    item_code = item_code.strip().upper()  # a barcode read either way is one item

    async def reader_check(card: Card) -> Refusal | None:
        if await repo.item_out(ctx.conn, terminal.operator_id, item_code) is not None:
            return Refusal("item_on_loan", "该册图书已借出未还", "the item is out on loan", "CUL-1")
        registered = await repo.is_reader(ctx.conn, terminal.operator_id, card.person_id)
        out = await repo.loans_out(ctx.conn, terminal.operator_id, card.person_id)
        return rules.loan_refusal(registered, out)

    taken = await scenes.take(ctx, terminal, SceneUse.LIBRARY, presented, reader_check)
    answer = await scenes.answer(ctx, terminal, taken)
    if not taken.allowed or taken.card is None:
        return answer
    due = ctx.today + timedelta(days=rules.LOAN_DAYS)
    row = {"operator_id": terminal.operator_id, "person_id": taken.card.person_id,
           "item_code": item_code, "lent_at": ctx.now, "due_on": due}  # fmt: skip
    await repo.insert_loan(ctx.conn, row)
    return answer | {"item_code": item_code, "due_on": due}


async def take_back(ctx: Ctx, terminal: Terminal, item_code: str) -> dict[str, Any]:
    """SPEC CUL-1: an item comes back to the library's machine (no card needed); NotFound for
    an item of this library not out on loan."""
    authorize(ctx.actor, LEND_AT_LIBRARY)
    item_code = item_code.strip().upper()
    if terminal.kind is not SceneKind.LIBRARY:
        raise NotFound(field="item_code", what_zh="在借图书", what_en="Item on loan")
    loan = await repo.item_out(ctx.conn, terminal.operator_id, item_code)
    if loan is None or not await repo.return_item(ctx.conn, loan["id"], ctx.now):
        raise NotFound(field="item_code", what_zh="在借图书", what_en="Item on loan")
    late = max((ctx.today - loan["due_on"]).days, 0)
    return {"item_code": item_code, "returned": True, "days_late": late}
