"""Debit instructions at the simulated bank (SPEC PAY-1 collections by mandate): each debit paid
from the card's account or refused by name (no account, closed, not active, lost, insufficient
funds), once whatever sscard sends again; the balance as the batch leaves it, credits and
debits in message order; the answers posted back signed, per bank, in chunks; the deposit
control that puts money on an account. Batches are built and signed with sscard's own code; the
answers are caught by an httpx MockTransport standing in for sscard and checked with sscard's
own signature check."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import event

from bank_simulator import store
from bank_simulator.app import Simulator, create_app
from bank_simulator.config import BankConfig, SimConfig
from bank_simulator.rules import debit_refusal
from bank_simulator.sealing import Vault, key_file_for, load_key
from sscard.banks.protocol import (
    CREDIT_ANSWERS_PATH,
    DEBIT_ANSWERS_PATH,
    DebitOutcome,
    DebitRefusal,
    Topic,
)
from sscard.platform.outbox.protocol import Outgoing
from sscard.platform.outbox.signing import verify
from tests.support.bank_sim import REPORTS_PATH, message, results, signed_batch

SECRETS = {"ICBC": bytes.fromhex("55" * 32), "SZB": bytes.fromhex("66" * 32)}
TOKENS = {"ICBC": "token-icbc", "SZB": "token-szb"}
SSCARD = "http://sscard.test"
ACTIVE, POOR, LOST, OPENED, CLOSED, NONE = (f"C0000001{n}" for n in range(1, 7))
ANSWERS_PER_POST = 2  # small, so that a few debits take several POSTs


@dataclass
class Post:
    """One answer POST as sscard would receive it."""

    path: str
    body: bytes
    headers: httpx.Headers

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = orjson.loads(self.body)
        return data


Answer = Callable[[Post], httpx.Response]


@dataclass
class FakeSscard:
    """sscard's endpoints for a bank: reports taken; credit and debit answers caught and, unless
    a test says otherwise, answered as sscard does (the first answer recorded, the same again
    counted a duplicate, another outcome for it refused whole: 409)."""

    answer: Answer | None = None
    posts: list[Post] = field(default_factory=list)
    outcomes: dict[tuple[str, int], str] = field(default_factory=dict)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == REPORTS_PATH:
            return httpx.Response(201, json={"status": "applied"})
        assert request.url.path in (CREDIT_ANSWERS_PATH, DEBIT_ANSWERS_PATH)
        assert str(request.url) == SSCARD + request.url.path
        post = Post(request.url.path, request.content, request.headers)
        self.posts.append(post)
        return self.answer(post) if self.answer else self.record(post)

    def record(self, post: Post) -> httpx.Response:
        key = "debit_id" if post.path == DEBIT_ANSWERS_PATH else "payment_id"
        answers = {(key, a[key]): a["outcome"] for a in post.json["answers"]}
        if any(self.outcomes.get(n, outcome) != outcome for n, outcome in answers.items()):
            return httpx.Response(409, json={"code": "answer_conflicts"})
        duplicates = sum(n in self.outcomes for n in answers)
        self.outcomes |= answers
        return httpx.Response(
            200, json={"recorded": len(answers) - duplicates, "duplicates": duplicates}
        )

    def debit_posts(self) -> list[Post]:
        return [p for p in self.posts if p.path == DEBIT_ANSWERS_PATH]


class Sim:
    def __init__(self, simulator: Simulator, client: httpx.AsyncClient) -> None:
        self.simulator = simulator
        self.client = client
        self.next_sequence = 100

    def _next(self) -> int:
        self.next_sequence += 1
        return self.next_sequence

    def msg(self, topic: str, card: str, payload: dict[str, Any] | None = None) -> Outgoing:
        at = self.simulator.clock.now()
        return message(topic, card, self._next(), payload or {"card_number": card}, at)

    def debit(self, debit_id: int, card: str, amount_fen: int = 10_000, **more: Any) -> Outgoing:
        """bank.debit_instruction as sscard sends it: about the debited card; `more` replaces
        members of the payload."""
        payload = {
            "debit_id": debit_id,
            "card_number": card,
            "amount_fen": amount_fen,
            "payee_code": "WATER-01",
            "kind": "water",
            "mandate_reference": f"MD-{card}",
            "period": "2026-11",
        } | more
        at = self.simulator.clock.now()
        return Outgoing(str(uuid.uuid4()), self._next(), Topic.DEBIT_INSTRUCTION, card, at, payload)

    def instruction(self, instruction_id: str, *credits: dict[str, Any]) -> Outgoing:
        payload = {
            "instruction_id": instruction_id,
            "payer_code": "320400",
            "payment_count": len(credits),
            "total_fen": sum(c["amount_fen"] for c in credits),
            "credits": credits,
        }
        at = self.simulator.clock.now()
        return Outgoing(
            str(uuid.uuid4()), self._next(), Topic.CREDIT_INSTRUCTION, None, at, payload
        )

    async def send(self, bank: str, *messages: Outgoing) -> httpx.Response:
        body, headers = signed_batch(SECRETS[bank], self.simulator.clock.now(), list(messages))
        response = await self.client.post(f"/banks/{bank}/webhook", content=body, headers=headers)
        assert response.status_code == 200, response.text
        return response

    async def open(self, bank: str, card: str, *actions: str, deposit: int = 0) -> None:
        m = self.msg(Topic.ACCOUNT_REQUESTED, card, {"card_number": card, "holder": {}})
        assert results(await self.send(bank, m)) == ["applied"]
        if deposit:
            await self.deposit(bank, card, deposit)
        for action in actions:
            done = await self.client.post(f"/banks/{bank}/teller/cards/{card}/{action}", json={})
            assert done.status_code == 200, done.text

    async def deposit(self, bank: str, card: str, amount_fen: int) -> dict[str, Any]:
        response = await self.client.post(
            "/control/deposit",
            json={"bank_code": bank, "card_number": card, "amount_fen": amount_fen},
        )
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    async def balance(self, bank: str, card: str) -> int:
        response = await self.client.get(f"/banks/{bank}/accounts/{card}")
        assert response.status_code == 200, response.text
        balance: int = response.json()["balance_fen"]
        return balance

    async def debits(self, bank: str, **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get(f"/banks/{bank}/debits", params=params)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def outcomes(self, bank: str) -> dict[int, tuple[str, str | None]]:
        return {d["debit_id"]: (d["outcome"], d["reason"]) for d in await self.debits(bank)}

    async def stats(self, bank: str) -> dict[str, Any]:
        data: dict[str, Any] = (await self.client.get(f"/banks/{bank}/stats")).json()
        return data

    async def answer_pass(self) -> int:
        """One pass of the callback loop's answers (credits, then debits); POSTs tried."""
        return await self.simulator.callbacks.answers_pass()

    def later(self, seconds: float) -> None:
        self.simulator.clock.set_offset(self.simulator.clock.offset + timedelta(seconds=seconds))


def credit(payment_id: int, card: str, amount_fen: int) -> dict[str, Any]:
    return {
        "payment_id": payment_id,
        "card_number": card,
        "amount_fen": amount_fen,
        "kind": "pension",
        "period": "2026-11",
    }


def statuses(response: httpx.Response) -> list[tuple[str, str | None]]:
    return [(r["status"], r.get("error")) for r in orjson.loads(response.content)["results"]]


@pytest.fixture
def sscard() -> FakeSscard:
    return FakeSscard()


@pytest.fixture
async def sim(tmp_path: Path, sscard: FakeSscard) -> AsyncIterator[Sim]:
    config = SimConfig(
        sscard_url=SSCARD + "/",
        banks={
            "ICBC": BankConfig(secret_hex=SECRETS["ICBC"].hex(), token=TOKENS["ICBC"]),
            "SZB": BankConfig(
                secret_hex=SECRETS["SZB"].hex(), token=TOKENS["SZB"], auto_close=True
            ),
        },
        retry_base_seconds=10,
        retry_max_seconds=40,
        poll_seconds=0.02,
        answers_per_post=ANSWERS_PER_POST,
    )
    transport = httpx.MockTransport(sscard.handle)
    simulator = await Simulator.open(config, str(tmp_path / "sim.db"), transport=transport)
    app = httpx.ASGITransport(app=create_app(simulator))
    async with httpx.AsyncClient(transport=app, base_url="http://bank-sim.test") as client:
        yield Sim(simulator, client)
    await simulator.close()


async def _accounts(sim: Sim) -> None:
    """ICBC: an account of each kind a debit meets (each lost or closed one with money on it),
    and a card it holds no account for."""
    await sim.open("ICBC", ACTIVE, "activate", deposit=100_000)
    await sim.open("ICBC", POOR, "activate", deposit=500)
    await sim.open("ICBC", LOST, "activate", "financial-loss", deposit=100_000)
    await sim.open("ICBC", OPENED, deposit=100_000)
    await sim.open("ICBC", CLOSED, "activate", "close", deposit=100_000)


# ---- applying a debit ----


async def test_each_debit_is_paid_from_an_active_account_or_refused_by_name(sim: Sim) -> None:
    await _accounts(sim)
    batch = [
        sim.debit(1, ACTIVE, 30_000),
        sim.debit(2, POOR, 501),
        sim.debit(3, LOST, 100),
        sim.debit(4, OPENED, 100),
        sim.debit(5, CLOSED, 100),
        sim.debit(6, NONE, 100),
        sim.debit(7, POOR, 500),  # exactly the balance: paid
        sim.debit(8, ACTIVE, 70_000, kind="gas", payee_code="GAS-02"),  # the rest of it
    ]
    assert results(await sim.send("ICBC", *batch)) == ["applied"] * 8
    assert await sim.outcomes("ICBC") == {
        1: ("debited", None),
        2: ("refused", DebitRefusal.INSUFFICIENT_FUNDS),
        3: ("refused", DebitRefusal.ACCOUNT_LOST),
        4: ("refused", DebitRefusal.ACCOUNT_NOT_ACTIVE),
        5: ("refused", DebitRefusal.ACCOUNT_CLOSED),
        6: ("refused", DebitRefusal.NO_ACCOUNT),
        7: ("debited", None),
        8: ("debited", None),
    }
    [eighth] = await sim.debits("ICBC", after=7)
    assert {k: eighth[k] for k in ("card_number", "amount_fen", "payee_code", "kind")} == {
        "card_number": ACTIVE,
        "amount_fen": 70_000,
        "payee_code": "GAS-02",
        "kind": "gas",
    }
    assert (eighth["mandate_reference"], eighth["period"]) == (f"MD-{ACTIVE}", "2026-11")
    assert eighth["answer_status"] == "pending"
    assert await sim.balance("ICBC", ACTIVE) == 0
    assert await sim.balance("ICBC", POOR) == 0
    for card in (LOST, OPENED, CLOSED):  # a refused debit takes nothing
        assert await sim.balance("ICBC", card) == 100_000
    stats = await sim.stats("ICBC")
    assert stats["debits"] == {
        "debited": 3,
        "refused": 5,
        "answers": {"pending": 8, "sent": 0, "refused": 0},
    }
    assert stats["messages"]["by_topic"][Topic.DEBIT_INSTRUCTION] == {"applied": 8}
    assert await sim.debits("SZB") == []  # another bank's books are its own


async def test_a_formal_loss_stops_debits_too_and_its_unlock_lets_them_go(sim: Sim) -> None:
    await sim.open("ICBC", ACTIVE, "activate", deposit=1_000)
    lost = await sim.client.post(
        f"/banks/ICBC/teller/cards/{ACTIVE}/formal-loss", json={"outlet_code": "ICBC-0101"}
    )
    assert lost.status_code == 200, lost.text
    await sim.send("ICBC", sim.debit(1, ACTIVE, 100))
    unlocked = await sim.client.post(
        f"/banks/ICBC/teller/cards/{ACTIVE}/formal-unlock", json={"outlet_code": "ICBC-0101"}
    )
    assert unlocked.status_code == 200, unlocked.text
    await sim.send("ICBC", sim.debit(2, ACTIVE, 100))
    assert await sim.outcomes("ICBC") == {
        1: ("refused", "account_lost"),
        2: ("debited", None),
    }
    assert await sim.balance("ICBC", ACTIVE) == 900


async def test_the_balance_is_the_batch_s_so_far_credits_and_debits_in_message_order(
    sim: Sim,
) -> None:
    await sim.open("ICBC", ACTIVE, "activate", deposit=1_000)
    await sim.send("ICBC", sim.instruction("CI-0001", credit(1, ACTIVE, 2_000)))
    assert await sim.balance("ICBC", ACTIVE) == 3_000  # deposited and credited
    batch = [
        sim.debit(1, ACTIVE, 3_500),  # 3 000: not enough
        sim.instruction("CI-0002", credit(2, ACTIVE, 10_000), credit(3, NONE, 50_000)),
        sim.debit(2, ACTIVE, 6_000),  # 13 000 -> 7 000
        sim.debit(3, ACTIVE, 7_001),  # not enough
        sim.debit(4, ACTIVE, 7_000),  # 7 000 -> 0
        sim.instruction("CI-0003", credit(4, ACTIVE, 250)),
        sim.debit(5, ACTIVE, 250),  # 250 -> 0
        sim.debit(6, ACTIVE, 1),
    ]
    assert results(await sim.send("ICBC", *batch)) == ["applied"] * 8
    assert await sim.outcomes("ICBC") == {
        1: ("refused", "insufficient_funds"),
        2: ("debited", None),
        3: ("refused", "insufficient_funds"),
        4: ("debited", None),
        5: ("debited", None),
        6: ("refused", "insufficient_funds"),
    }
    assert await sim.balance("ICBC", ACTIVE) == 0
    # The balance read at the start of the next batch is the one this batch left.
    await sim.deposit("ICBC", ACTIVE, 40)
    await sim.send("ICBC", sim.debit(7, ACTIVE, 41), sim.debit(8, ACTIVE, 40))
    assert (await sim.outcomes("ICBC"))[7] == ("refused", "insufficient_funds")
    assert (await sim.outcomes("ICBC"))[8] == ("debited", None)
    assert await sim.balance("ICBC", ACTIVE) == 0


async def test_a_debit_follows_the_account_as_the_batch_left_it(sim: Sim) -> None:
    """An account opened earlier in the batch is not active yet; one closed earlier in it (SZB
    closes on the CAN-3 notice by itself) is closed."""
    await sim.open("SZB", CLOSED, "activate", deposit=5_000)
    opening = sim.msg(Topic.ACCOUNT_REQUESTED, OPENED, {"card_number": OPENED, "holder": {}})
    closing = sim.msg(
        Topic.ACCOUNT_CLOSURE_REQUESTED,
        CLOSED,
        {"notice_reference": "CN-1", "card_number": CLOSED, "reason": "death"},
    )
    batch = [opening, sim.debit(1, OPENED, 1), closing, sim.debit(2, CLOSED, 1)]
    assert results(await sim.send("SZB", *batch)) == ["applied"] * 4
    assert await sim.outcomes("SZB") == {
        1: ("refused", "account_not_active"),
        2: ("refused", "account_closed"),
    }


async def test_a_debit_sent_again_is_not_paid_again(sim: Sim) -> None:
    await sim.open("ICBC", ACTIVE, "activate", deposit=10_000)
    first = sim.debit(1, ACTIVE, 4_000)
    assert results(await sim.send("ICBC", first)) == ["applied"]
    # The same message again, the same debit as a new message (sscard queued it anew), and one
    # debit twice in a batch: each paid once.
    again = sim.debit(1, ACTIVE, 4_000)
    second, second_again = sim.debit(2, ACTIVE, 1_000), sim.debit(2, ACTIVE, 1_000)
    assert statuses(await sim.send("ICBC", first, again, second, second_again)) == [
        ("duplicate", None),
        ("duplicate", "the debit is already recorded"),
        ("applied", None),
        ("duplicate", "the debit is already recorded"),
    ]
    # A refused debit sent again stays refused, even once the money is there.
    poor = sim.debit(3, ACTIVE, 9_000)
    assert results(await sim.send("ICBC", poor)) == ["applied"]
    await sim.deposit("ICBC", ACTIVE, 10_000)
    assert results(await sim.send("ICBC", sim.debit(3, ACTIVE, 9_000))) == ["duplicate"]
    assert await sim.outcomes("ICBC") == {
        1: ("debited", None),
        2: ("debited", None),
        3: ("refused", "insufficient_funds"),
    }
    assert await sim.balance("ICBC", ACTIVE) == 15_000
    assert (await sim.stats("ICBC"))["debits"]["answers"]["pending"] == 3  # one per debit
    assert (await sim.stats("ICBC"))["messages"]["by_topic"][Topic.DEBIT_INSTRUCTION] == {
        "applied": 3,
        "duplicate": 4,
    }


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ({"debit_id": None}, "debit_id"),
        ({"debit_id": "7"}, "debit_id"),
        ({"debit_id": 0}, "debit_id"),
        ({"debit_id": True}, "debit_id"),
        ({"amount_fen": 0}, "amount_fen"),
        ({"amount_fen": -100}, "amount_fen"),
        ({"amount_fen": "100"}, "amount_fen"),
        ({"amount_fen": 1.5}, "amount_fen"),
        ({"amount_fen": 2**63}, "amount_fen"),
        ({"card_number": None}, "card_number"),
        ({"card_number": POOR}, "card_number"),  # not the message's card
        ({"payee_code": ""}, "payee_code"),
        ({"kind": None}, "kind"),
        ({"mandate_reference": "M" * 65}, "mandate_reference"),
        ({"period": 202611}, "period"),
    ],
)
async def test_an_invalid_debit_is_rejected_naming_the_field(
    sim: Sim, bad: dict[str, Any], named: str
) -> None:
    await sim.open("ICBC", ACTIVE, "activate", deposit=10_000)
    good = sim.debit(1, ACTIVE, 1_000)
    broken = Outgoing(
        good.message_id,
        good.sequence,
        good.topic,
        ACTIVE,
        good.occurred_at,
        good.payload | bad,
    )
    [answer] = orjson.loads((await sim.send("ICBC", broken)).content)["results"]
    assert (answer["message_id"], answer["status"]) == (broken.message_id, "rejected")
    assert answer["error"].startswith(f"invalid message: {named} ")
    assert await sim.debits("ICBC") == []
    assert await sim.balance("ICBC", ACTIVE) == 10_000
    assert await sim.answer_pass() == 0
    # Not taken as seen: once sscard sends it right, under the same id, it applies.
    assert results(await sim.send("ICBC", good)) == ["applied"]
    assert await sim.balance("ICBC", ACTIVE) == 9_000


async def test_a_debit_message_without_its_card_is_rejected(sim: Sim) -> None:
    await sim.open("ICBC", ACTIVE, "activate", deposit=10_000)
    debit = sim.debit(1, ACTIVE)
    cardless = Outgoing(
        debit.message_id, debit.sequence, debit.topic, None, debit.occurred_at, debit.payload
    )
    [(status, error)] = statuses(await sim.send("ICBC", cardless))
    assert status == "rejected"
    assert error is not None
    assert "card_number" in error
    assert await sim.debits("ICBC") == []


async def test_a_batch_of_debits_costs_the_same_queries_as_one_debit(sim: Sim) -> None:
    """Set-based: the accounts, the recorded debits and the balances are read once, the rows
    written in bulk."""
    cards = [f"D{n:08d}" for n in range(30)]
    for card in cards:
        await sim.open("ICBC", card, "activate", deposit=1_000)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = sim.simulator.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await sim.send("ICBC", sim.debit(1, cards[0], 100))
        one = len(statements)
        statements.clear()
        many = [sim.debit(100 + n, card, 100 * n + 1) for n, card in enumerate(cards)]
        await sim.send("ICBC", *many, sim.debit(999, NONE))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == one
    found = await sim.outcomes("ICBC")
    assert len(found) == 32
    assert sum(outcome == "debited" for outcome, _ in found.values()) == 1 + 10  # 1 to 901 fen


async def test_balances_are_read_in_slices_under_the_parameter_limit(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "IN_SLICE", 3)
    cards = [f"E{n:08d}" for n in range(7)]
    for n, card in enumerate(cards):
        await sim.open("ICBC", card, "activate", deposit=100 + n)
    debits = [sim.debit(n + 1, card, 100 + n) for n, card in enumerate(cards)]
    assert results(await sim.send("ICBC", *debits)) == ["applied"] * 7
    assert {outcome for outcome, _ in (await sim.outcomes("ICBC")).values()} == {"debited"}


def test_the_refusals_come_in_order_status_first_then_funds() -> None:
    assert debit_refusal(None, 0, 1) == DebitRefusal.NO_ACCOUNT
    assert debit_refusal("closed", 10, 1) == DebitRefusal.ACCOUNT_CLOSED
    assert debit_refusal("account_opened", 10, 1) == DebitRefusal.ACCOUNT_NOT_ACTIVE
    assert debit_refusal("lost", 10, 1) == DebitRefusal.ACCOUNT_LOST
    assert debit_refusal("active", 0, 1) == DebitRefusal.INSUFFICIENT_FUNDS
    assert debit_refusal("active", 1, 1) is None


# ---- the answers ----


async def test_answers_are_posted_signed_per_bank_in_chunks(sim: Sim, sscard: FakeSscard) -> None:
    await sim.open("ICBC", ACTIVE, "activate", deposit=10_000)
    await sim.open("ICBC", OPENED)
    await sim.open("SZB", ACTIVE, "activate")
    await sim.send(
        "ICBC",
        sim.debit(11, ACTIVE, 1_000),
        sim.debit(12, NONE),
        sim.debit(13, OPENED),
        sim.instruction("CI-0010", credit(1, ACTIVE, 500)),
    )
    await sim.send("SZB", sim.debit(21, ACTIVE, 1))

    assert await sim.answer_pass() == 4  # one credit POST, three debit POSTs
    assert [(p.path, p.json) for p in sscard.posts] == [
        (
            CREDIT_ANSWERS_PATH,
            {"instruction_id": "CI-0010", "answers": [{"payment_id": 1, "outcome": "credited"}]},
        ),
        (
            DEBIT_ANSWERS_PATH,
            {
                "answers": [
                    {"debit_id": 11, "outcome": "debited"},
                    {"debit_id": 12, "outcome": "refused", "reason": "no_account"},
                ]
            },
        ),
        (
            DEBIT_ANSWERS_PATH,
            {"answers": [{"debit_id": 13, "outcome": "refused", "reason": "account_not_active"}]},
        ),
        (
            DEBIT_ANSWERS_PATH,
            {"answers": [{"debit_id": 21, "outcome": "refused", "reason": "insufficient_funds"}]},
        ),
    ]
    assert {a["outcome"] for p in sscard.debit_posts() for a in p.json["answers"]} <= {
        o.value for o in DebitOutcome
    }
    now = sim.simulator.clock.now()
    for post, bank in zip(sscard.posts, ["ICBC", "ICBC", "ICBC", "SZB"], strict=True):
        assert post.headers["authorization"] == f"Bearer {TOKENS[bank]}"
        assert post.headers["content-type"] == "application/json"
        verify(SECRETS[bank], post.headers, post.body, now)
    sent = await sim.debits("ICBC", answer_status="sent")
    assert [(d["debit_id"], d["attempts"], d["result_code"]) for d in sent] == [
        (11, 1, "recorded 2, duplicates 0"),
        (12, 1, "recorded 2, duplicates 0"),
        (13, 1, "recorded 1, duplicates 0"),
    ]
    assert all(d["sent_at"] is not None for d in sent)
    assert (await sim.stats("SZB"))["debits"]["answers"] == {"pending": 0, "sent": 1, "refused": 0}
    assert await sim.answer_pass() == 0  # each answered once


async def test_failed_answers_are_tried_again_and_a_conflict_ends_them_refused(
    sim: Sim, sscard: FakeSscard
) -> None:
    await sim.open("ICBC", ACTIVE, "activate", deposit=10_000)
    await sim.send("ICBC", sim.debit(1, ACTIVE), sim.debit(2, NONE))

    def refuse_the_connection(post: Post) -> httpx.Response:
        raise httpx.ConnectError("sscard is down")

    answers: list[Answer] = [
        refuse_the_connection,
        lambda post: httpx.Response(503, json={"code": "internal_error"}),
        lambda post: httpx.Response(401, json={"code": "unauthenticated"}),
        lambda post: httpx.Response(422, json={"code": "unknown_debits"}),
    ]
    sscard.answer = lambda post: answers.pop(0)(post)
    errors, delays = [], []
    for attempt in range(1, 4):
        assert await sim.answer_pass() == 1
        [row, _] = await sim.debits("ICBC", answer_status="pending")
        assert row["attempts"] == attempt
        errors.append(row["last_error"])
        wait = datetime.fromisoformat(row["next_attempt_at"]) - sim.simulator.clock.now()
        delays.append(round(wait.total_seconds()))
        assert await sim.answer_pass() == 0  # not due before its backoff
        sim.later(40)
    assert errors == ["ConnectError", "HTTP 503 internal_error", "HTTP 401 unauthenticated"]
    assert delays == [10, 20, 40]
    assert await sim.answer_pass() == 1
    refused = await sim.debits("ICBC", answer_status="refused")
    assert [(d["debit_id"], d["result_code"], d["attempts"]) for d in refused] == [
        (1, "unknown_debits", 4),
        (2, "unknown_debits", 4),
    ]
    assert len({p.body for p in sscard.posts}) == 1  # every attempt sent the same answers
    assert await sim.answer_pass() == 0
    assert await sim.balance("ICBC", ACTIVE) == 0  # a refused answer undoes nothing here


async def test_answer_twice_control_repeats_debit_answer_posts(
    sim: Sim, sscard: FakeSscard
) -> None:
    await sim.open("ICBC", ACTIVE, "activate", deposit=10_000)
    on = await sim.client.post("/control/answer-twice", json={"enabled": True})
    assert on.json() == {"enabled": True}
    await sim.send("ICBC", sim.debit(1, ACTIVE, 100), sim.debit(2, NONE))
    assert await sim.answer_pass() == 1
    first, second = sscard.posts
    assert first.path == second.path == DEBIT_ANSWERS_PATH
    assert first.body == second.body
    verify(SECRETS["ICBC"], second.headers, second.body, sim.simulator.clock.now())
    assert {
        (d["answer_status"], d["result_code"], d["last_error"]) for d in await sim.debits("ICBC")
    } == {
        ("sent", "recorded 2, duplicates 0", None)  # sscard took the repeat as duplicates
    }

    # A repeat sscard refuses shows on the answers (they stay sent).
    sscard.answer = lambda post: (
        httpx.Response(409, json={"code": "answer_conflicts"})
        if any(p.body == post.body for p in sscard.posts[:-1])
        else httpx.Response(200, json={"recorded": 1, "duplicates": 0})
    )
    await sim.send("ICBC", sim.debit(3, ACTIVE, 100))
    await sim.answer_pass()
    [third] = await sim.debits("ICBC", after=2)
    assert (third["answer_status"], third["last_error"]) == (
        "sent",
        "repeated: HTTP 409 answer_conflicts",
    )

    await sim.client.post("/control/answer-twice", json={"enabled": False})
    sscard.posts.clear()
    await sim.send("ICBC", sim.debit(4, ACTIVE, 100))
    await sim.answer_pass()
    assert len(sscard.posts) == 1


async def test_the_background_loop_sends_debit_answers_on_its_own(
    sim: Sim, sscard: FakeSscard
) -> None:
    await sim.open("ICBC", ACTIVE, "activate", deposit=1_000)
    sim.simulator.start()
    await sim.send("ICBC", sim.debit(1, ACTIVE, 1_000))  # wakes the loop
    async with asyncio.timeout(5):
        for _ in range(250):
            if await sim.debits("ICBC", answer_status="sent"):
                break
            await asyncio.sleep(0.02)
    assert [p.json for p in sscard.debit_posts()] == [
        {"answers": [{"debit_id": 1, "outcome": "debited"}]}
    ]


# ---- the deposit control ----


async def test_deposit_puts_money_on_an_account(sim: Sim) -> None:
    await sim.open("ICBC", ACTIVE, "activate")
    first = await sim.deposit("ICBC", ACTIVE, 12_345)
    assert first == {
        "deposit_id": first["deposit_id"],
        "bank_code": "ICBC",
        "card_number": ACTIVE,
        "amount_fen": 12_345,
        "balance_fen": 12_345,
    }
    second = await sim.deposit("ICBC", ACTIVE, 5)
    assert second["balance_fen"] == 12_350
    assert second["deposit_id"] != first["deposit_id"]
    assert await sim.balance("ICBC", ACTIVE) == 12_350
    assert await sim.balance("ICBC", ACTIVE) == 12_350
    await sim.open("SZB", ACTIVE, "activate")
    assert await sim.balance("SZB", ACTIVE) == 0  # the deposit was at ICBC


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"amount_fen": 0}, 422, "invalid_input"),
        ({"amount_fen": -100}, 422, "invalid_input"),
        ({"amount_fen": "100"}, 422, "invalid_input"),
        ({"amount_fen": 1.5}, 422, "invalid_input"),
        ({"amount_fen": True}, 422, "invalid_input"),
        ({"amount_fen": 2**63}, 422, "invalid_input"),
        ({"card_number": NONE}, 404, "account_not_found"),
        ({"bank_code": "NOBANK"}, 404, "not_found"),
        ({"extra": 1}, 422, "invalid_input"),
    ],
)
async def test_deposit_refuses_what_is_not_money_on_a_held_account(
    sim: Sim, body: dict[str, Any], status: int, code: str
) -> None:
    await sim.open("ICBC", ACTIVE, "activate")
    request = {"bank_code": "ICBC", "card_number": ACTIVE, "amount_fen": 100} | body
    response = await sim.client.post("/control/deposit", json=request)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert await sim.balance("ICBC", ACTIVE) == 0


# ---- the database ----


async def test_a_database_of_an_earlier_simulator_gets_the_debit_tables_on_start(
    tmp_path: Path,
) -> None:
    db = tmp_path / "sim.db"
    vault = Vault(load_key(key_file_for(str(db)), create=True))
    await (await store.open_store(str(db), vault)).dispose()
    with contextlib.closing(sqlite3.connect(db)) as raw:
        raw.execute("DROP TABLE sim_debits")  # as the simulator left it before debits
        raw.execute("DROP TABLE sim_deposits")
        raw.commit()
    engine = await store.open_store(str(db), vault)
    try:
        async with engine.begin() as conn:
            assert await store.recorded_debit_ids(conn, "ICBC", [1, 2]) == set()
            assert await store.balances_of(conn, "ICBC", [ACTIVE, NONE]) == {ACTIVE: 0, NONE: 0}
    finally:
        await engine.dispose()
