"""Delivery of the outbox to a bank's webhook over real HTTP (SPEC ISS-1/2, LOSS-1..3, CAN-3).

The bank is tests/integration/banks/receiver.py on a real port; time moves only with the
ManualClock, so backoffs and leases are crossed by advancing it, never by sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from sscard.platform.outbox import dispatcher
from sscard.platform.outbox.dispatcher import DispatchReport, Senders, dispatch_once, run_dispatcher
from sscard.platform.outbox.models import delivery_endpoints, outbox
from sscard.platform.outbox.protocol import Transport
from tests.integration.platform.outbox.receiver import Receiver, serving
from tests.support.api import Api

SECRET = bytes(range(32))
BACKOFF_MAX = timedelta(seconds=60)


@pytest.fixture
def fast(api: Api) -> Any:
    """The runtime with short backoffs and three attempts, restored afterwards."""
    rt = api.rt
    saved = rt.settings
    rt.settings = replace(
        saved,
        delivery_backoff_base_seconds=1.0,
        delivery_backoff_max_seconds=BACKOFF_MAX.total_seconds(),
        delivery_max_attempts=3,
        delivery_timeout_seconds=5.0,
    )
    yield rt
    rt.settings = saved


@pytest.fixture
async def bank(api: Api, clock: ManualClock, fast: Runtime) -> AsyncIterator[Receiver]:
    """ICBC's webhook, configured as ICBC's endpoint through the administrator's API."""
    receiver = Receiver(SECRET, clock.now)
    async with serving(receiver) as url:
        body = {"transport": "http", "url": url, "secret_hex": SECRET.hex()}
        r = await api.call("PUT", "/api/v1/delivery-endpoints/ICBC", "admin", body)
        assert r.status_code == 200, r.text
        yield receiver


@pytest.fixture
async def senders(fast: Runtime, bank: Receiver) -> AsyncIterator[Senders]:
    pool = Senders(fast.settings)
    yield pool
    await pool.close()


async def drain(rt: Runtime, senders: Senders, owner: str = "test") -> list[DispatchReport]:
    """Rounds until one sends nothing."""
    reports = []
    for _ in range(50):
        report = await dispatch_once(rt, owner, senders)
        reports.append(report)
        if not any(r.sent for r in report.recipients.values()):
            return reports
    raise AssertionError("delivery did not settle")


async def messages(api: Api) -> list[dict[str, Any]]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        rows = await ctx.conn.execute(select(outbox).order_by(outbox.c.id))
        return [dict(r._mapping) for r in rows]


async def endpoint(api: Api, recipient: str = "ICBC") -> dict[str, Any]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = select(delivery_endpoints).where(delivery_endpoints.c.recipient == recipient)
        return dict((await ctx.conn.execute(stmt)).one()._mapping)


async def card_with_events(api: Api) -> dict[str, Any]:
    """An ICBC card whose bank is owed three messages: production, loss, unlock."""
    card = await api.card(bank="ICBC")
    n = card["card_number"]
    assert (await api.card_post(n, "temporary-loss", "hotline")).status_code == 200
    assert (await api.card_post(n, "unlock", "hotline")).status_code == 200
    return card


async def test_production_data_reaches_the_bank_signed_with_the_holder(
    api: Api, clock: ManualClock, bank: Receiver, senders: Senders
) -> None:
    """SPEC ISS-1/ISS-2: production data goes to the card's bank, signed, holder added at
    delivery; the outbox itself never holds the personal data (ID-6)."""
    card = await api.card(bank="ICBC")

    await drain(api.rt, senders)

    assert bank.refused == 0
    [sent] = bank.applied
    assert (sent["topic"], sent["card_number"]) == ("bank.account_requested", card["card_number"])
    holder = sent["payload"]["holder"]
    assert (holder["name"], holder["ssn"], holder["phone"]) == (
        "测试人",
        card["document"]["number"],
        "13900000000",
    )
    assert (holder["birth_date"], sent["payload"]["bank_code"]) == ("1990-01-15", "ICBC")
    [row] = await messages(api)
    assert (row["status"], row["attempts"], row["delivered_at"]) == ("delivered", 1, clock.now())
    assert sent["sequence"] == row["id"]
    assert sent["message_id"] == row["message_id"]
    assert "holder" not in row["payload"]


async def test_each_cards_messages_arrive_one_at_a_time_in_order(
    api: Api, bank: Receiver, senders: Senders
) -> None:
    """SPEC LOSS-1/LOSS-3: a loss and its unlock reach the bank in the order they happened;
    one message per card is in flight, so a batch never holds two for one card."""
    cards = [await card_with_events(api), await card_with_events(api)]

    await drain(api.rt, senders)

    rows = await messages(api)
    assert {r["status"] for r in rows} == {"delivered"}
    for batch in bank.batches:
        numbers = [m["card_number"] for m in batch]
        assert len(numbers) == len(set(numbers))
    for card in cards:
        got = [m for m in bank.applied if m["card_number"] == card["card_number"]]
        assert [m["sequence"] for m in got] == sorted(m["sequence"] for m in got)
        assert [(m["topic"], m["payload"].get("event")) for m in got] == [
            ("bank.account_requested", None),
            ("bank.card_status_changed", "report_temporary_loss"),
            ("bank.card_status_changed", "unlock"),
        ]
    assert len(bank.batches) == 3


async def test_a_bank_down_for_a_while_loses_nothing_and_applies_nothing_twice(
    api: Api, clock: ManualClock, bank: Receiver, senders: Senders
) -> None:
    """Issue fault 1: the bank is down for far longer than the attempts allowed: nothing goes
    failed, no attempt is charged, and after it returns every message arrives once, in order."""
    card = await card_with_events(api)
    bank.down = True
    for _ in range(10):
        await dispatch_once(api.rt, "test", senders)
        clock.advance(BACKOFF_MAX)
    paused = await endpoint(api)
    assert paused["consecutive_failures"] >= 5
    assert paused["last_error"] == "HTTP 503"
    assert [(r["status"], r["attempts"]) for r in await messages(api)] == [("pending", 0)] * 3

    bank.down = False
    clock.advance(BACKOFF_MAX)
    await drain(api.rt, senders)

    rows = await messages(api)
    assert [r["status"] for r in rows] == ["delivered"] * 3
    assert bank.applied_ids == [r["message_id"] for r in rows]
    assert {m["card_number"] for m in bank.applied} == {card["card_number"]}
    resumed = await endpoint(api)
    assert (resumed["consecutive_failures"], resumed["paused_until"]) == (0, None)
    assert resumed["last_error"] is None


async def test_an_answer_lost_after_applying_is_sent_again_and_acknowledged_as_duplicate(
    api: Api, clock: ManualClock, bank: Receiver, senders: Senders
) -> None:
    """Issue fault 1: the bank applied but its answer never came back: the message goes again,
    the bank says duplicate, it is delivered and applied once."""
    await api.card(bank="ICBC")
    bank.lose_answers = True
    await dispatch_once(api.rt, "test", senders)
    [row] = await messages(api)
    assert (row["status"], row["attempts"]) == ("pending", 0)

    bank.lose_answers = False
    clock.advance(BACKOFF_MAX)
    await drain(api.rt, senders)

    [row] = await messages(api)
    assert row["status"] == "delivered"
    assert bank.results_for(row["message_id"]) == ["applied", "duplicate"]
    assert bank.applied_ids == [row["message_id"]]


async def test_a_refused_signature_pauses_the_endpoint_and_delivers_nothing(
    api: Api, clock: ManualClock, bank: Receiver, senders: Senders
) -> None:
    """Issue fault 4: the bank holds another secret, refuses the signature (401): the endpoint
    is paused, messages stay pending uncharged, nothing counts as delivered."""
    await api.card(bank="ICBC")
    bank.secret = b"another bank secret, not ours!!!"

    report = await dispatch_once(api.rt, "test", senders)

    assert report.recipients["ICBC"].unavailable == 1
    assert bank.refused == 1
    assert bank.applied == []
    state = await endpoint(api)
    assert state["consecutive_failures"] == 1
    assert state["last_error"] == "HTTP 401: the bank refused the signature"
    assert clock.now() < state["paused_until"] <= clock.now() + timedelta(seconds=1)
    [row] = await messages(api)
    assert (row["status"], row["attempts"], row["delivered_at"]) == ("pending", 0, None)
    again = await dispatch_once(api.rt, "test", senders)
    assert "ICBC" not in again.recipients  # paused: not even tried
    assert bank.requests == 1


async def test_a_rejected_message_fails_holds_its_card_back_and_replay_sends_both_in_order(
    api: Api, clock: ManualClock, bank: Receiver, senders: Senders
) -> None:
    """A message the bank keeps rejecting is retried with backoff, then failed; the card's
    later message waits behind it until the administrator replays it (CH-1 centre only)."""
    card = await api.card(bank="ICBC")
    assert (await api.card_post(card["card_number"], "temporary-loss", "hotline")).is_success
    first, second = await messages(api)
    bank.reject[first["message_id"]] = "account type not offered"

    await dispatch_once(api.rt, "test", senders)
    after_one = (await messages(api))[0]
    assert (after_one["status"], after_one["attempts"]) == ("pending", 1)
    assert after_one["last_error"] == "account type not offered"
    wait = after_one["next_attempt_at"] - clock.now()
    assert timedelta(seconds=0.5) <= wait <= timedelta(seconds=1)
    assert (await dispatch_once(api.rt, "test", senders)).recipients["ICBC"].sent == 0
    for _ in range(2):
        clock.advance(BACKOFF_MAX)
        await dispatch_once(api.rt, "test", senders)
    failed, held = await messages(api)
    assert (failed["status"], failed["attempts"]) == ("failed", 3)
    clock.advance(BACKOFF_MAX)
    assert (await dispatch_once(api.rt, "test", senders)).recipients["ICBC"].sent == 0
    assert (held["status"], held["attempts"]) == ("pending", 0)
    assert all(m["message_id"] != second["message_id"] for b in bank.batches for m in b)

    bank.reject.clear()
    r = await api.post(f"/api/v1/outbox/{first['id']}/replay", "admin")
    assert r.status_code == 200, r.text
    assert r.json()["replayed"] == 1
    await drain(api.rt, senders)

    assert bank.applied_ids == [first["message_id"], second["message_id"]]
    assert [r["status"] for r in await messages(api)] == ["delivered", "delivered"]


async def test_two_dispatchers_never_both_send_to_one_bank(
    api: Api, clock: ManualClock, fast: Runtime, bank: Receiver, senders: Senders
) -> None:
    """The lease: while one dispatcher holds a bank, another sends nothing there, even with
    messages due; it takes over only when the lease runs out."""
    await api.card(bank="ICBC")
    bank.hold = asyncio.Event()
    other = Senders(fast.settings)
    try:
        first = asyncio.create_task(dispatch_once(api.rt, "one", senders))
        await asyncio.wait_for(bank.arrived.wait(), timeout=10)
        meanwhile = await dispatch_once(api.rt, "two", other)
        assert "ICBC" not in meanwhile.recipients
        bank.hold.set()
        assert (await first).recipients["ICBC"].delivered == 1

        await api.card(bank="ICBC")
        assert "ICBC" not in (await dispatch_once(api.rt, "two", other)).recipients
        clock.advance(timedelta(seconds=fast.settings.delivery_lease_seconds + 1))
        taken = await dispatch_once(api.rt, "two", other)
        assert taken.recipients["ICBC"].delivered == 1
        assert (await endpoint(api))["lease_owner"] == "two"
    finally:
        await other.close()
    assert bank.requests == 2
    assert len(bank.applied) == 2


async def test_the_loop_delivers_and_gives_up_its_lease_when_stopped(
    api: Api, bank: Receiver, senders: Senders
) -> None:
    """run_dispatcher: delivers as messages come, and a clean stop frees the bank at once."""
    card = await card_with_events(api)
    stop = asyncio.Event()
    loop = asyncio.create_task(run_dispatcher(api.rt, stop, "loop", senders))
    for _ in range(1000):
        if len(bank.applied) == 3:
            break
        await asyncio.sleep(0.01)
    assert (await endpoint(api))["lease_owner"] == "loop"
    stop.set()
    await asyncio.wait_for(loop, timeout=10)

    assert [m["card_number"] for m in bank.applied] == [card["card_number"]] * 3
    state = await endpoint(api)
    assert (state["lease_owner"], state["lease_until"]) == (None, None)


async def test_replaying_a_delivered_message_sends_the_same_id_and_the_bank_says_duplicate(
    api: Api, bank: Receiver, senders: Senders
) -> None:
    """Replay on demand: the same message id again; the bank acknowledges it as a duplicate."""
    await api.card(bank="ICBC")
    await drain(api.rt, senders)
    [row] = await messages(api)

    r = await api.post(f"/api/v1/outbox/{row['id']}/replay", "admin")
    assert r.status_code == 200, r.text
    assert r.json()["message"]["status"] == "pending"
    await drain(api.rt, senders)

    assert bank.results_for(row["message_id"]) == ["applied", "duplicate"]
    [again] = await messages(api)
    assert (again["status"], again["message_id"]) == ("delivered", row["message_id"])
    assert len(bank.applied) == 1


async def test_a_disabled_endpoint_gets_nothing_until_enabled_again(
    api: Api, bank: Receiver, senders: Senders
) -> None:
    """Disabling stops delivery; the messages wait, and go when it is enabled again."""
    await api.card(bank="ICBC")
    assert (await api.post("/api/v1/delivery-endpoints/ICBC/disable", "admin")).is_success

    assert "ICBC" not in (await dispatch_once(api.rt, "test", senders)).recipients
    assert bank.requests == 0

    assert (await api.post("/api/v1/delivery-endpoints/ICBC/enable", "admin")).is_success
    await drain(api.rt, senders)
    assert len(bank.applied) == 1


class _Exploding:
    """A transport with a bug: raises something no transport should."""

    async def send(self, endpoint: Any, batch: Any, now: Any) -> list[Any]:
        raise ZeroDivisionError("holder 110101199001151234")

    async def close(self) -> None:
        return None


async def test_a_transport_that_breaks_is_treated_as_an_outage(
    api: Api, fast: Runtime, bank: Receiver
) -> None:
    """Whatever a transport raises, the messages are not charged and the endpoint pauses; the
    error's text (which might quote personal data) is not kept, only its class (ID-6)."""
    await api.card(bank="ICBC")
    broken = Senders(fast.settings, {Transport.HTTP: _Exploding()})

    report = await dispatch_once(api.rt, "test", broken)

    assert report.recipients["ICBC"].error == "ZeroDivisionError"
    assert (await endpoint(api))["last_error"] == "ZeroDivisionError"
    [row] = await messages(api)
    assert (row["status"], row["attempts"]) == ("pending", 0)


async def test_the_loop_goes_on_after_a_round_that_breaks(
    api: Api, bank: Receiver, senders: Senders, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """A round that fails as a whole (the database away, say) is logged without its text and
    the loop tries again."""
    await api.card(bank="ICBC")
    real = dispatcher.dispatch_once
    calls = 0

    async def flaky(rt: Runtime, owner: str, pool: Senders) -> DispatchReport:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OperationalError("SELECT", {"card_number": "A00000001"}, Exception("gone"))
        return await real(rt, owner, pool)

    monkeypatch.setattr(dispatcher, "dispatch_once", flaky)
    stop = asyncio.Event()
    loop = asyncio.create_task(run_dispatcher(api.rt, stop, "loop", senders))
    for _ in range(500):
        if bank.applied:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(loop, timeout=10)

    assert len(bank.applied) == 1
    assert "delivery round failed: OperationalError" in caplog.text
    assert "A00000001" not in caplog.text
