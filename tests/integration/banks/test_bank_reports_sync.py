"""Two-way sync, the outbound side: no echo of a bank's own report; the 7-day lift goes out.

SPEC LOSS-1: the bank is told of an hr temporary loss at once, and so of its lift after 7 days.
SPEC LOSS-2/3: a change the bank's system reported is not sent back to it (it knows already);
everything done on our side still is.
"""

from __future__ import annotations

from datetime import timedelta

from sscard.kernel.clock import ManualClock
from tests.integration.banks.test_bank_reports import ACCOUNT, BankSide, bank_messages, banks
from tests.support.api import Api

__all__ = ["banks"]  # the fixture, shared with test_bank_reports


async def test_a_bank_reported_loss_is_not_echoed_to_that_bank(
    api: Api, banks: dict[str, BankSide]
) -> None:
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    await icbc.ok(n, "account_opened", 1, account_number=ACCOUNT)

    await icbc.ok(n, "formal_loss", 2, outlet_code="3204-BANK-001")
    await icbc.ok(n, "formal_loss_lifted", 3, outlet_code="3204-BANK-001")

    assert await bank_messages(api, n) == []


async def test_changes_made_on_our_side_still_go_to_the_bank(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """The hotline's temporary loss, and a formal loss keyed in by a clerk at a bank outlet."""
    n = (await api.card())["card_number"]

    assert (await api.card_post(n, "temporary-loss", "hotline")).status_code == 200
    assert (await api.card_post(n, "formal-loss", "clerk_nanjing_bank")).status_code == 200

    messages = await bank_messages(api, n)
    assert [(m["recipient"], m["payload"]["event"]) for m in messages] == [
        ("ICBC", "report_temporary_loss"),
        ("ICBC", "report_formal_loss"),
    ]


async def test_the_sweep_tells_each_bank_of_the_lift(
    api: Api, banks: dict[str, BankSide], clock: ManualClock
) -> None:
    """SPEC LOSS-1: one lift message per lifted card, to that card's bank, in the sweep's batch."""
    a = (await api.card())["card_number"]
    b = (await api.card("clerk_suzhou_szb", "SZB", city_code="3205"))["card_number"]
    for n in (a, b):
        assert (await api.card_post(n, "temporary-loss", "hotline")).status_code == 200
    clock.advance(timedelta(days=8))

    r = await api.post("/api/v1/cards/sweep-temporary-losses", "admin")

    assert r.json() == {"lifted": 2}
    for n, bank in ((a, "ICBC"), (b, "SZB")):
        *_, lift = await bank_messages(api, n)
        assert (lift["recipient"], lift["payload"]) == (
            bank,
            {"card_number": n, "event": "lift_temporary_loss", "hr_status": "active"},
        )
        assert lift["ordering_key"].startswith("card:")
        assert lift["status"] == "pending"
    again = await api.post("/api/v1/cards/sweep-temporary-losses", "admin")
    assert again.json() == {"lifted": 0}
    assert len(await bank_messages(api, a)) == 2


async def test_the_lift_found_on_a_later_change_is_told_too(
    api: Api, banks: dict[str, BankSide], clock: ManualClock
) -> None:
    """SPEC LOSS-1: no sweep ran; the next change records the lift first, and the bank hears it
    even when that change is the bank's own report (which itself is not echoed)."""
    n = (await api.card())["card_number"]
    assert (await api.card_post(n, "temporary-loss", "hotline")).status_code == 200
    clock.advance(timedelta(days=8))
    assert (await api.card_state(n))["hr_status"] == "active"
    assert len(await bank_messages(api, n)) == 1  # reading writes nothing

    await banks["ICBC"].ok(n, "account_opened", 1, account_number=ACCOUNT)

    events = [m["payload"]["event"] for m in await bank_messages(api, n)]
    assert events == ["report_temporary_loss", "lift_temporary_loss"]
