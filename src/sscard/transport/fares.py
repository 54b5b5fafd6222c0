"""Fares debited online by transit operators' readers (SPEC TRN-1, TRN-3, LOSS-6).

A reader is a registered scene terminal of a transit operator; it signs each request like any
terminal. Each debit carries the card's transaction counter after it and the reader's own
sequence number: the same debit sent again (same reader and sequence) is answered as before
and charges nothing more; a counter already written by another debit, or older than the last,
is refused; a counter that jumps is taken and the gap reported. The purse never goes below zero,
whatever number of readers debit it at once (one conditional UPDATE, a CHECK constraint, and
a unique (purse, counter) in the ledger). The fare charged is the city's and mode's percent of
the full fare for a local or another card (TRN-3); a lost card's purse still pays (LOSS-6).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from sscard.cards import service as cards
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.masking import mask_number
from sscard.scenes.rules import Refusal, SceneUse, use_not_offered
from sscard.scenes.service import Terminal
from sscard.transport import repository as repo
from sscard.transport import rules
from sscard.transport.permissions import DEBIT_FARE
from sscard.transport.rules import CounterFinding, FareRule, Mode, PurseStatus


@cache
def shipped_fares() -> tuple[FareRule, ...]:
    """TRN-3's fare policies as shipped (transport/data/fares.json)."""
    text = files("sscard.transport").joinpath("data/fares.json").read_text("utf-8")
    return tuple(
        FareRule(
            r["city_code"],
            Mode(r["mode"]),
            r["local"],
            r["other"],
            r["effective_from"],
            r.get("area_code"),
        )
        for r in json.loads(text)["rules"]
    )


@dataclass(frozen=True)
class Fare:
    """One debit as the reader sends it: the card, the mode, the full fare in fen, the card's
    transaction counter after this debit, and the reader's own sequence number."""

    card_number: str
    mode: Mode
    fare_fen: int
    counter: int
    terminal_seq: int


class FareRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal


async def debit_fare(ctx: Ctx, terminal: Terminal, fare: Fare) -> dict[str, Any]:
    """SPEC TRN-3: debit `fare` from the card's purse at the reader's city's rate; an answer
    either way (`allowed`, the code and reason of a refusal in the reader's language)."""
    authorize(ctx.actor, DEBIT_FARE)
    try:
        return await _debit(ctx, terminal, fare)
    except FareRefused as no:
        r = no.refusal
        return {"allowed": False, "code": r.code, "reason": r.reason(terminal.language),
                "reason_zh": r.reason_zh, "reason_en": r.reason_en, "rule": r.rule}  # fmt: skip


async def _debit(ctx: Ctx, terminal: Terminal, fare: Fare) -> dict[str, Any]:
    """The debit in four statements: the card and its purse, locked (one write to the purse
    at a time); the ledger by the reader's sequence and by the card's counter; the conditional
    debit with its ledger row (one statement on PostgreSQL)."""
    offered = use_not_offered(terminal.kind, SceneUse.FARE)
    if offered is not None:
        raise FareRefused(offered)
    found = await repo.card_and_purse_locked(ctx.conn, fare.card_number.strip().upper())
    if found is None or not cards.may_see(ctx.actor, found[0]):  # as cards.card_in_hand
        raise FareRefused(rules.NOT_LOADED)
    card, purse = found
    percent = rules.fare_percent(shipped_fares(), terminal.city_code, fare.mode,
                                 card.city_code, ctx.today.isoformat(),
                                 terminal.area_code)  # fmt: skip
    charged = rules.fare_after_discount(fare.fare_fen, percent)
    reference = f"fare:{terminal.id}:{fare.terminal_seq}"
    earlier, seen = await repo.fare_entries(ctx.conn, reference, purse["id"], fare.counter)
    if earlier is not None:
        return _again(earlier, purse, fare, card.card_number, percent, charged)
    if purse["status"] != PurseStatus.OPEN.value:
        raise FareRefused(rules.CLOSED)
    last = purse["last_counter"]
    finding = rules.judge_counter(last, fare.counter, seen)
    if finding is CounterFinding.SEEN:
        raise FareRefused(rules.COUNTER_USED)
    if finding is CounterFinding.BEHIND:
        raise FareRefused(rules.COUNTER_BEHIND)
    row = {"purse_id": purse["id"], "at": ctx.now, "charged": charged, "counter": fare.counter,
           "reference": reference, "operator_id": terminal.operator_id,
           "city_code": terminal.city_code, "card_city_code": card.city_code,
           "mode": fare.mode.value}  # fmt: skip
    try:
        after = await repo.debit_fare(ctx.conn, row)
    except repo.EntryTaken:
        raise rules.counter_taken(fare.counter) from None  # another reader, this very moment
    if after is None:
        raise FareRefused(rules.NOT_ENOUGH)
    gap = fare.counter - last - 1 if finding is CounterFinding.GAP and last is not None else 0
    return _allowed(card.card_number, fare, percent, charged, after, gap, again=False)


def _again(
    earlier: dict[str, Any],
    purse: dict[str, Any],
    fare: Fare,
    number: str,
    percent: int,
    charged: int,
) -> dict[str, Any]:
    """The same debit sent again: the same purse, counter and charge; anything else under the
    reader's sequence is another debit, refused."""
    same = (earlier["purse_id"], earlier["counter"], -int(earlier["amount_fen"])) == (
        purse["id"], fare.counter, charged,
    )  # fmt: skip
    if not same:
        raise FareRefused(Refusal("terminal_seq_reused", "该读卡器流水号已用于另一笔扣款",
                                  "the reader's sequence number went with another debit",
                                  "TRN-3"))  # fmt: skip
    return _allowed(number, fare, percent, charged, int(earlier["balance_after_fen"]), 0,
                    again=True)  # fmt: skip


def _allowed(
    number: str, fare: Fare, percent: int, charged: int, after: int, gap: int, *, again: bool
) -> dict[str, Any]:
    return {
        "allowed": True,
        "code": "ok",
        "reason": None,
        "reason_zh": None,
        "reason_en": None,
        "rule": None,
        "card_number_masked": mask_number(number),
        "mode": fare.mode.value,
        "full_fare_fen": fare.fare_fen,
        "percent": percent,
        "charged_fen": charged,
        "balance_after_fen": after,
        "counter": fare.counter,
        "counter_gap": gap,
        "sent_again": again,
    }
