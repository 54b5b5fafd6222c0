"""The composition root registers every context's hooks and subscribers (issue 10: nothing is
registered by an import side effect), and a card change reaches a bank only through a card event
and the banks' subscriber."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sscard.applications.hooks import open_applications
from sscard.applications.renewal.extensions import EXCHANGE_CHECKS
from sscard.banks import subscribers as bank_subscribers
from sscard.banks.enrichment import enrich
from sscard.cards.cancellation.extensions import CHECKS
from sscard.cards.events import (
    HR_EVENTS,
    CardCollected,
    CardProduced,
    CardSuperseded,
    ClosureNoticeIssued,
    HrFunctionChanged,
)
from sscard.delta import subscribers as delta_subscribers
from sscard.delta.extensions import FILING_CHECKS
from sscard.kernel.actor import OPERATOR
from sscard.kernel.events import BUS
from sscard.medical.hooks import filing_for_delta
from sscard.platform.notify.templates import TEMPLATES
from sscard.platform.outbox.extensions import HOOKS
from sscard.platform.outbox.models import outbox
from sscard.transport.service import refuse_exchange_with_balance
from sscard.wiring import wire
from tests.support.api import Api


def test_wire_registers_every_contexts_hooks() -> None:
    wire()
    assert open_applications in CHECKS  # SPEC CAN-2
    assert {
        "repeat_exchange_reminder",
        "expiry_exchange_reminder",
        "online_loss_bank_reminder",
    } <= set(TEMPLATES)
    assert {k.label_en for k in HOOKS.recipients} == {
        "a known bank code",
        "medical_insurance",
        "centre:<city code>",
        "a linked delta node (YRD-31 ...)",  # YRD-3
    }
    assert filing_for_delta in FILING_CHECKS  # MED-1, YRD-1
    assert refuse_exchange_with_balance in EXCHANGE_CHECKS  # REP-4
    assert enrich in HOOKS.enrichers
    assert HOOKS.card_key is not None


def test_every_hr_change_but_collection_is_told_to_the_bank() -> None:
    """SPEC LOSS-1..3, CAN-3: each transition's event has the banks' subscriber."""
    wire()
    for transition, event_type in HR_EVENTS.items():
        told = bank_subscribers.on_hr_function_changed in BUS.handlers_for(event_type)
        assert told is (event_type is not CardCollected), transition
    assert bank_subscribers.on_card_produced in BUS.handlers_for(CardProduced)
    assert bank_subscribers.on_card_superseded in BUS.handlers_for(CardSuperseded)
    assert bank_subscribers.on_closure_notice_issued in BUS.handlers_for(ClosureNoticeIssued)


async def _outbox_rows(api: Api) -> int:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        return int((await ctx.conn.execute(select(func.count()).select_from(outbox))).scalar_one())


async def test_a_card_change_reaches_the_bank_only_through_its_event(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the banks' subscriber a hotline loss writes no outbox row: cards never do."""
    card = await api.card()
    before = await _outbox_rows(api)
    handlers = {t: list(BUS._handlers.get(t, [])) for t in HR_EVENTS.values()}
    banks = bank_subscribers.on_hr_function_changed
    for event_type, subscribed in handlers.items():  # the other subscribers stay (the ecard)
        monkeypatch.setitem(BUS._handlers, event_type, [h for h in subscribed if h is not banks])
    monkeypatch.setitem(BUS._handlers, HrFunctionChanged, [])
    r = await api.card_post(card["card_number"], "temporary-loss", "hotline")
    assert r.status_code == 200, r.text
    assert await _outbox_rows(api) == before
    for event_type, subscribed in handlers.items():
        monkeypatch.setitem(BUS._handlers, event_type, subscribed)
    r = await api.card_post(card["card_number"], "unlock", "hotline")
    assert r.status_code == 200, r.text
    assert await _outbox_rows(api) == before + 1


def test_the_delta_hears_of_every_change_that_decides_a_use() -> None:
    """SPEC YRD-3, LOSS-5: each loss, lift, unlock, replacement, exchange, cancellation and void
    of a card reaches the delta's subscriber (which tells the nodes following the card)."""
    wire()
    for event_type in delta_subscribers.TOLD_TO_THE_DELTA:
        assert delta_subscribers.on_hr_function_changed in BUS.handlers_for(event_type)
    assert delta_subscribers.on_hr_function_changed not in BUS.handlers_for(CardCollected)
