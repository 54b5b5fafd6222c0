"""Benefit payments from outside (issue 15 items 7-8, "Scale and faults"; SPEC PAY-1, PAY-2,
ISS-4, ISS-6): sscard and the bank simulator as real processes over HTTP (and once through the
broker). A payer's batch is routed to the cards whose financial function the bank activated,
the outbox delivers the credit instruction, the bank credits the accounts and answers every
payment once, signed; a held payment is paid once the holder activates the card at the bank;
the bank refusing a credit, answering twice or being down, and the service killed with kill -9
in the middle of a 20,000-line upload, each end with every payment in exactly one outcome.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from tests.blackbox.bank_stack import Stack, bank_stack, wait_for
from tests.blackbox.payments_support import (
    BANK,
    PERIOD,
    Card,
    Payments,
    delete_stream,
    outcome_counts,
    payments_in_db,
    reasons,
    upload_and_kill,
)
from tests.support.numbers import citizen_number


@dataclass
class World:
    stack: Stack
    pay: Payments
    a: Card  # active at the bank
    b: Card  # active
    c: Card  # active
    d: Card  # account opened, the financial function not activated


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with (
        bank_stack(tmp_path_factory.mktemp("payments")) as stack,
        httpx.Client(base_url=stack.base, timeout=30) as http,
    ):
        pay = Payments(stack, http)
        cards = [pay.opened_card(date(1950, 3, day)) for day in (1, 2, 3, 4)]
        for card in cards[:3]:
            pay.activate(card)
        yield World(stack, pay, *cards)


@dataclass
class FirstBatch:
    report: dict[str, Any]  # settled
    amounts: dict[str, int]  # card number -> amount paid to it
    lines: list[dict[str, Any]]


@pytest.fixture(scope="module")
def first_batch(world: World) -> FirstBatch:
    """Three active cards, one whose financial function is not active, one unknown number."""
    pay = world.pay
    amounts = {world.a.number: 312_000, world.b.number: 200_000, world.c.number: 150_000}
    amounts[world.d.number] = 180_000
    before = {c.number: pay.balance(c) for c in (world.a, world.b, world.c, world.d)}
    assert before[world.d.number] == 0
    unknown = citizen_number(date(1949, 9, 9))
    lines = [pay.line(c.ssn, amounts[c.number]) for c in (world.a, world.b, world.c, world.d)]
    lines.append(pay.line(unknown, 99))
    submitted = pay.submit(lines, "PENSION-FIRST")
    assert submitted["duplicate"] is False
    assert outcome_counts(submitted) == {"instructed": 3, "held": 1, "returned": 1}
    return FirstBatch(pay.settled(submitted["batch_id"]), amounts, pay.lines(submitted["batch_id"]))


def test_a_batch_is_credited_by_the_bank_and_each_payment_answered_once(
    world: World, first_batch: FirstBatch
) -> None:
    """SPEC PAY-1/2, ISS-6: paid 3 (credited at the bank), held 1 (activate at the bank),
    returned 1 (unknown number); every instruction answered, each payment once."""
    pay, report = world.pay, first_batch.report
    assert outcome_counts(report) == {"paid": 3, "held": 1, "returned": 1}
    out = report["outcomes"]
    assert out["paid"]["total_fen"] == 312_000 + 200_000 + 150_000
    assert reasons(report, "held") == {"financial_not_active": 1}
    assert "激活金融功能" in out["held"]["reasons"][0]["text_zh"]
    assert reasons(report, "returned") == {"unknown_person": 1}
    for card in (world.a, world.b, world.c):
        assert pay.balance(card) == first_batch.amounts[card.number]
    assert pay.balance(world.d) == 0

    paid = {p["payment_id"]: p for p in first_batch.lines if p["status"] == "paid"}
    assert len(paid) == 3
    credits = pay.credits()
    assert set(credits) == set(paid)  # nothing credited that sscard did not pay
    for payment_id, credit in credits.items():
        assert credit["outcome"] == "credited"
        assert credit["amount_fen"] == paid[payment_id]["amount_fen"]
        assert credit["instruction_id"] == paid[payment_id]["instruction_id"]
        assert credit["answer_status"] == "sent"
        assert credit["result_code"] == "recorded 3, duplicates 0"  # taken once, first time
    assert pay.unanswered() == []
    pension = pay.statistics()["kinds"][0]["outcomes"]
    assert pension["paid"]["count"] >= 3


def test_the_held_payment_is_paid_once_the_holder_activates_at_the_bank(
    world: World, first_batch: FirstBatch
) -> None:
    """SPEC PAY-2, ISS-4: the teller's activation -> the bank's signed report -> sscard releases
    the held payment to a new instruction -> the bank credits it and answers."""
    pay, batch_id = world.pay, first_batch.report["batch_id"]
    held = next(p for p in first_batch.lines if p["status"] == "held")
    pay.activate(world.d)
    report = wait_for(
        lambda: (rep := pay.report(batch_id))["outcomes"]["paid"]["count"] == 4 and rep,
        what="the released payment to be paid",
    )
    assert outcome_counts(report) == {"paid": 4, "returned": 1}
    assert pay.balance(world.d) == first_batch.amounts[world.d.number]
    [credit] = pay.credits(world.d).values()
    assert credit["payment_id"] == held["payment_id"]
    assert credit["instruction_id"].startswith("CR-")  # a release, not the batch's instruction
    assert (credit["outcome"], credit["answer_status"]) == ("credited", "sent")
    line = next(p for p in pay.lines(batch_id) if p["payment_id"] == held["payment_id"])
    assert (line["status"], line["instruction_id"]) == ("paid", credit["instruction_id"])
    assert pay.unanswered() == []


def test_a_credit_the_bank_refuses_ends_refused_with_its_reason(world: World) -> None:
    """The bank refuses the credit to one card: that payment ends refused, the others paid."""
    pay = world.pay
    cards = (world.a, world.b, world.c)
    before = {c.number: pay.balance(c) for c in cards}
    pay.control("refuse-credits", card_numbers=[world.b.number], reason="account_frozen")
    try:
        submitted = pay.submit([pay.line(c.ssn, 10_000 + i) for i, c in enumerate(cards)])
        report = pay.settled(submitted["batch_id"])
    finally:
        pay.control("refuse-credits", card_numbers=[])
    assert outcome_counts(report) == {"paid": 2, "refused": 1}
    [why] = report["outcomes"]["refused"]["reasons"]
    assert (why["reason"], why["count"], why["total_fen"]) == ("account_frozen", 1, 10_001)
    assert "account_frozen" in why["text_en"]
    lines = pay.lines(submitted["batch_id"])
    refused = next(p for p in lines if p["status"] == "refused")
    assert refused["reason"] == "account_frozen"
    assert refused["card_number_masked"][-2:] == world.b.number[-2:]
    assert pay.balance(world.a) == before[world.a.number] + 10_000
    assert pay.balance(world.b) == before[world.b.number]
    assert pay.balance(world.c) == before[world.c.number] + 10_002
    credit = pay.credits(world.b)[refused["payment_id"]]
    assert (credit["outcome"], credit["reason"]) == ("refused", "account_frozen")
    assert credit["answer_status"] == "sent"
    assert pay.unanswered() == []


def test_answers_sent_twice_end_each_payment_once_and_count_as_duplicates(world: World) -> None:
    """Every answer POST made twice by the bank: sscard takes the repeat as a duplicate and
    changes nothing; a different answer afterwards is refused whole."""
    pay = world.pay
    cards = (world.a, world.b, world.c)
    before = {c.number: pay.balance(c) for c in cards}
    pay.control("answer-twice", enabled=True)
    try:
        submitted = pay.submit([pay.line(c.ssn, 20_000) for c in cards])
        report = pay.settled(submitted["batch_id"])
        lines = pay.lines(submitted["batch_id"])
        ids = {p["payment_id"] for p in lines}
        # the repeat is made right after the first POST, before the answers are settled
        wait_for(
            lambda: all(pay.credits()[i]["answer_status"] == "sent" for i in ids),
            what="the bank to settle its answers",
        )
    finally:
        pay.control("answer-twice", enabled=False)
    assert outcome_counts(report) == {"paid": 3}
    for card in cards:
        assert pay.balance(card) == before[card.number] + 20_000
    credits = pay.credits()
    [instruction] = {credits[i]["instruction_id"] for i in ids}
    for i in ids:
        assert credits[i]["result_code"] == "recorded 3, duplicates 0"
        assert credits[i]["last_error"] is None  # the repeat: recorded 0 (duplicates), no error

    again = pay.answer_as_bank(
        {
            "instruction_id": instruction,
            "answers": [{"payment_id": i, "outcome": "credited"} for i in sorted(ids)],
        }
    )
    assert again.status_code == 200, again.text
    assert (again.json()["recorded"], again.json()["duplicates"]) == (0, 3)
    first = min(ids)
    other = {"payment_id": first, "outcome": "refused", "reason": "account_closed"}
    conflict = pay.answer_as_bank({"instruction_id": instruction, "answers": [other]})
    assert conflict.status_code == 409, conflict.text
    assert conflict.json()["code"] == "answer_conflicts"
    assert outcome_counts(pay.report(submitted["batch_id"])) == {"paid": 3}
    assert pay.unanswered() == []


def test_the_bank_down_for_a_while_gets_the_instruction_when_back(world: World) -> None:
    """The bank's system is down (503) when the batch comes: the instruction waits, unanswered,
    and is delivered once the bank is back; each payment ends paid, once."""
    pay = world.pay
    cards = (world.a, world.c)
    before = {c.number: pay.balance(c) for c in cards}
    known = set(pay.credits())
    pay.control("outage", bank=BANK, down=True)
    try:
        submitted = pay.submit([pay.line(c.ssn, 30_000) for c in cards])
        batch_id = submitted["batch_id"]
        wait_for(
            lambda: pay.endpoint()["consecutive_failures"] >= 2,
            what="the delivery to fail against the bank that is down",
        )
        assert outcome_counts(pay.report(batch_id)) == {"instructed": 2}
        [waiting] = pay.unanswered()
        assert (waiting["bank_code"], waiting["instructions"], waiting["payments"]) == (BANK, 1, 2)
        assert set(pay.credits()) == known  # nothing reached the bank
    finally:
        pay.control("outage", bank=BANK, down=False)
    report = pay.settled(batch_id)
    assert outcome_counts(report) == {"paid": 2}
    for card in cards:
        assert pay.balance(card) == before[card.number] + 30_000
    new = {i: c for i, c in pay.credits().items() if i not in known}
    assert set(new) == {p["payment_id"] for p in pay.lines(batch_id)}
    assert all(c["answer_status"] == "sent" and c["outcome"] == "credited" for c in new.values())
    assert pay.unanswered() == []
    assert pay.endpoint()["consecutive_failures"] == 0


LARGE = 20_000


def test_kill_9_during_a_large_upload_leaves_the_batch_whole_or_absent(world: World) -> None:
    """The service killed with kill -9 while a 20,000-line file is being taken: after the
    restart the batch is there whole or not at all; the same file sent again is taken (201) or
    answered as the batch it is (200); each payment is paid once."""
    pay, stack = world.pay, world.stack
    reference, prefix = "KILL-20K", "K20K-"
    amount = {world.a.number: 101, world.b.number: 103}
    rows = ["ssn,amount_fen,kind,period,payer_reference"]
    for i in range(LARGE):
        card = (world.a, world.b)[i % 2]
        rows.append(f"{card.ssn},{amount[card.number]},pension,{PERIOD},{prefix}{i:05d}")
    body = ("\n".join(rows) + "\n").encode()
    before = {c.number: pay.balance(c) for c in (world.a, world.b)}
    url = f"/api/v1/payment-batches/file?reference={reference}"
    headers = {**pay.payer, "Content-Type": "text/csv"}

    killed = upload_and_kill(stack, url, body, headers, wait=20, timeout=60)
    in_flight = killed.in_flight

    if killed.response is not None:  # the service was faster than the kill: it took it whole
        assert killed.response.status_code == 201, killed.response.text
    stored = payments_in_db(stack.var, prefix)
    when = "during" if in_flight else "after"
    assert stored in (0, LARGE), f"half a batch: {stored} payments (killed {when} the upload)"
    batch = pay.batch_by_reference(reference)
    if stored == 0:
        assert batch is None
    else:
        assert batch is not None
        assert batch["line_count"] == LARGE
        assert sum(outcome_counts(pay.report(batch["id"])).values()) == LARGE

    again = pay.http.post(url, content=body, headers=headers, timeout=60)
    assert again.status_code == (200 if stored else 201), again.text
    assert again.json()["duplicate"] is bool(stored)
    batch_id = again.json()["batch_id"]
    assert again.json()["line_count"] == LARGE
    report = pay.settled(batch_id, timeout=60)
    assert outcome_counts(report) == {"paid": LARGE}
    assert payments_in_db(stack.var, prefix) == LARGE
    total = LARGE // 2 * (101 + 103)
    assert report["outcomes"]["paid"]["total_fen"] == total
    for card in (world.a, world.b):
        assert pay.balance(card) == before[card.number] + LARGE // 2 * amount[card.number]
    ids = {p["payment_id"] for p in pay.lines(batch_id)}
    credits = pay.credits()
    assert len(ids) == LARGE
    assert ids <= set(credits)
    assert all(credits[i]["answer_status"] == "sent" for i in ids)
    assert pay.unanswered() == []
    third = pay.http.post(url, content=body, headers=headers, timeout=60)
    assert third.status_code == 200
    assert third.json()["batch_id"] == batch_id


# ---- through the broker ----


@pytest.fixture(scope="module")
def broker_payments(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Payments]:
    tag = uuid.uuid4().hex[:8]
    stream = f"SSCARD_BBPAY_{tag}"
    env = {"SSCARD_NATS_STREAM": stream, "SSCARD_NATS_SUBJECT_PREFIX": f"sscard.bbpay{tag}"}
    try:
        with (
            bank_stack(tmp_path_factory.mktemp("payments-nats"), "nats", env) as stack,
            httpx.Client(base_url=stack.base, timeout=30) as http,
        ):
            yield Payments(stack, http)
    finally:
        asyncio.run(delete_stream(stream))


def test_the_credit_instruction_goes_through_the_broker(broker_payments: Payments) -> None:
    """SPEC PAY-1 over NATS JetStream: the instruction is published to the bank's queue, the
    bank credits and answers over HTTP."""
    pay = broker_payments
    assert pay.endpoint()["transport"] == "nats"
    card = pay.active_card(date(1951, 5, 5))
    submitted = pay.submit(
        [pay.line(card.ssn, 88_800), pay.line(citizen_number(date(1948, 8, 8)), 1)]
    )
    report = pay.settled(submitted["batch_id"])
    assert outcome_counts(report) == {"paid": 1, "returned": 1}
    assert pay.balance(card) == 88_800
    [credit] = pay.credits(card).values()
    assert (credit["outcome"], credit["answer_status"]) == ("credited", "sent")
    assert pay.stack.sim_stats()["batches"].get("broker_messages", 0) >= 1
    assert pay.unanswered() == []
