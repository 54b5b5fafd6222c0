"""Credit instructions at the simulated bank (SPEC PAY-1/2): each payment credited to its card's
account or refused by name, once whatever sscard sends again; the answers posted back signed,
per instruction, in chunks; the fault controls that refuse chosen cards' credits and answer
twice. Batches are built and signed with sscard's own code; the answers are caught by an httpx
MockTransport standing in for sscard and checked with sscard's own signature check."""

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
from bank_simulator.sealing import Vault, key_file_for, load_key
from sscard.banks.protocol import CREDIT_ANSWERS_PATH, CreditRefusal, Topic
from sscard.platform.outbox.protocol import Outgoing
from sscard.platform.outbox.signing import verify
from tests.support.bank_sim import REPORTS_PATH, message, results, signed_batch

SECRETS = {"ICBC": bytes.fromhex("33" * 32), "SZB": bytes.fromhex("44" * 32)}
TOKENS = {"ICBC": "token-icbc", "SZB": "token-szb"}
SSCARD = "http://sscard.test"
ACTIVE, LOST, OPENED, CLOSED, NONE = (f"C0000000{n}" for n in range(1, 6))
ANSWERS_PER_POST = 2  # small, so that an instruction of a few payments takes several POSTs


@dataclass
class Post:
    """One credit answer POST as sscard would receive it."""

    body: bytes
    headers: httpx.Headers

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = orjson.loads(self.body)
        return data


# Decides sscard's answer to one POST of credit answers; raising an httpx error fails it.
Answer = Callable[[Post], httpx.Response]


@dataclass
class FakeSscard:
    """sscard's two endpoints for a bank: reports are taken; credit answers are caught and,
    unless a test says otherwise, answered as sscard does (the first answer of a payment is
    recorded, the same again counted a duplicate, another one refused whole: 409)."""

    answer: Answer | None = None
    posts: list[Post] = field(default_factory=list)
    outcomes: dict[int, str] = field(default_factory=dict)  # payment id -> outcome recorded

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == REPORTS_PATH:
            return httpx.Response(201, json={"status": "applied"})
        assert str(request.url) == SSCARD + CREDIT_ANSWERS_PATH
        post = Post(request.content, request.headers)
        self.posts.append(post)
        return self.answer(post) if self.answer else self.record(post)

    def record(self, post: Post) -> httpx.Response:
        answers = {a["payment_id"]: a["outcome"] for a in post.json["answers"]}
        if any(self.outcomes.get(n, outcome) != outcome for n, outcome in answers.items()):
            return httpx.Response(409, json={"code": "answer_conflicts"})
        duplicates = sum(n in self.outcomes for n in answers)
        self.outcomes |= answers
        counts = {"recorded": len(answers) - duplicates, "duplicates": duplicates}
        return httpx.Response(200, json={"instruction_id": post.json["instruction_id"], **counts})


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

    def instruction(self, instruction_id: str, *credits: dict[str, Any]) -> Outgoing:
        """bank.credit_instruction as sscard sends it: no card of its own, control totals."""
        payload = {
            "instruction_id": instruction_id,
            "payer_code": "320400",
            "payment_count": len(credits),
            "total_fen": sum(a for c in credits if isinstance(a := c.get("amount_fen"), int)),
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

    async def open(self, bank: str, card: str, *actions: str) -> None:
        m = self.msg(Topic.ACCOUNT_REQUESTED, card, {"card_number": card, "holder": {}})
        assert results(await self.send(bank, m)) == ["applied"]
        for action in actions:
            done = await self.client.post(f"/banks/{bank}/teller/cards/{card}/{action}", json={})
            assert done.status_code == 200, done.text

    async def account(self, bank: str, card: str) -> dict[str, Any]:
        response = await self.client.get(f"/banks/{bank}/accounts/{card}")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    async def credits(self, bank: str, **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get(f"/banks/{bank}/credits", params=params)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def stats(self, bank: str) -> dict[str, Any]:
        data: dict[str, Any] = (await self.client.get(f"/banks/{bank}/stats")).json()
        return data

    async def answer_pass(self) -> int:
        """One pass of the callback loop's credit answers; how many POSTs it tried."""
        return await self.simulator.callbacks.answers_pass()

    def later(self, seconds: float) -> None:
        """Move the bank's clock on, so that answers waiting for a retry are due."""
        self.simulator.clock.set_offset(self.simulator.clock.offset + timedelta(seconds=seconds))


def credit(payment_id: int, card: str, amount_fen: int = 10_000, **more: Any) -> dict[str, Any]:
    return {
        "payment_id": payment_id,
        "card_number": card,
        "amount_fen": amount_fen,
        "kind": "pension",
        "period": "2026-11",
    } | more


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


async def _five_accounts(sim: Sim) -> None:
    """ICBC: one account of each kind a credit meets, and a card it holds no account for."""
    await sim.open("ICBC", ACTIVE, "activate")
    await sim.open("ICBC", LOST, "activate", "financial-loss")
    await sim.open("ICBC", OPENED)
    await sim.open("ICBC", CLOSED, "activate", "close")


# ---- applying an instruction ----


async def test_credits_reach_active_and_lost_accounts_and_the_rest_are_refused_by_name(
    sim: Sim,
) -> None:
    # SPEC PAY-1: a lost card's account still takes incoming money
    await _five_accounts(sim)
    instruction = sim.instruction(
        "CI-0001",
        credit(1, ACTIVE, 150_000),
        credit(2, LOST, 80_000),
        credit(3, OPENED),
        credit(4, CLOSED),
        credit(5, NONE),
        credit(6, ACTIVE, 2_500, kind="subsidy"),
    )
    assert results(await sim.send("ICBC", instruction)) == ["applied"]
    found = {c["payment_id"]: c for c in await sim.credits("ICBC")}
    assert {n: (c["outcome"], c["reason"]) for n, c in found.items()} == {
        1: ("credited", None),
        2: ("credited", None),
        3: ("refused", CreditRefusal.ACCOUNT_NOT_ACTIVE),
        4: ("refused", CreditRefusal.ACCOUNT_CLOSED),
        5: ("refused", CreditRefusal.NO_ACCOUNT),
        6: ("credited", None),
    }
    assert found[1]["credited_at"] is not None
    assert found[3]["credited_at"] is None
    assert (found[6]["instruction_id"], found[6]["kind"], found[6]["period"]) == (
        "CI-0001",
        "subsidy",
        "2026-11",
    )
    assert {c["answer_status"] for c in found.values()} == {"pending"}
    assert (await sim.account("ICBC", ACTIVE))["balance_fen"] == 152_500
    assert (await sim.account("ICBC", LOST))["balance_fen"] == 80_000
    for card in (OPENED, CLOSED):
        assert (await sim.account("ICBC", card))["balance_fen"] == 0
    stats = await sim.stats("ICBC")
    assert stats["credits"] == {
        "credited": 3,
        "refused": 3,
        "answers": {"pending": 6, "sent": 0, "refused": 0},
    }
    assert stats["messages"]["by_topic"][Topic.CREDIT_INSTRUCTION] == {"applied": 1}
    assert await sim.credits("SZB") == []  # another bank's books are its own


async def test_a_credit_follows_the_account_as_the_batch_left_it(sim: Sim) -> None:
    """Messages apply in order: an account opened earlier in the batch is not active yet, one
    closed earlier in it (SZB closes on the CAN-3 notice by itself) is closed."""
    await sim.open("SZB", CLOSED, "activate")
    opening = sim.msg(Topic.ACCOUNT_REQUESTED, OPENED, {"card_number": OPENED, "holder": {}})
    closing = sim.msg(
        Topic.ACCOUNT_CLOSURE_REQUESTED,
        CLOSED,
        {"notice_reference": "CN-1", "card_number": CLOSED, "reason": "death"},
    )
    instruction = sim.instruction("CI-0002", credit(1, OPENED), credit(2, CLOSED))
    response = await sim.send("SZB", opening, closing, instruction)
    assert results(response) == ["applied", "applied", "applied"]
    found = {c["payment_id"]: c["reason"] for c in await sim.credits("SZB")}
    assert found == {1: "account_not_active", 2: "account_closed"}


async def test_an_instruction_sent_again_changes_nothing(sim: Sim) -> None:
    await sim.open("ICBC", ACTIVE, "activate")
    first = sim.instruction("CI-0003", credit(1, ACTIVE, 5_000), credit(2, NONE))
    assert results(await sim.send("ICBC", first)) == ["applied"]
    # The same message again, and the same instruction as a new message (sscard queued it anew).
    again = sim.instruction("CI-0003", credit(1, ACTIVE, 5_000), credit(2, NONE))
    answers = orjson.loads((await sim.send("ICBC", first, again)).content)["results"]
    assert [a["status"] for a in answers] == ["duplicate", "duplicate"]
    assert "already recorded" in answers[1]["error"]
    assert len(await sim.credits("ICBC")) == 2
    assert (await sim.account("ICBC", ACTIVE))["balance_fen"] == 5_000
    # An instruction with one payment already recorded and one new: only the new one applies.
    mixed = sim.instruction("CI-0004", credit(1, ACTIVE, 5_000), credit(3, ACTIVE, 700))
    assert results(await sim.send("ICBC", mixed)) == ["applied"]
    found = {c["payment_id"]: c["instruction_id"] for c in await sim.credits("ICBC")}
    assert found == {1: "CI-0003", 2: "CI-0003", 3: "CI-0004"}
    assert (await sim.account("ICBC", ACTIVE))["balance_fen"] == 5_700
    # Answers are owed once per payment: three, not five.
    assert (await sim.stats("ICBC"))["credits"]["answers"]["pending"] == 3


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ({"amount_fen": 0}, "credits[1].amount_fen"),
        ({"amount_fen": "100"}, "credits[1].amount_fen"),
        ({"payment_id": None}, "credits[1].payment_id"),
        ({"card_number": None}, "credits[1].card_number"),
        ({"kind": ""}, "credits[1].kind"),
    ],
)
async def test_an_invalid_credit_rejects_the_whole_message(
    sim: Sim, bad: dict[str, Any], named: str
) -> None:
    await sim.open("ICBC", ACTIVE, "activate")
    broken = sim.instruction("CI-0005", credit(1, ACTIVE), credit(2, ACTIVE) | bad)
    [answer] = orjson.loads((await sim.send("ICBC", broken)).content)["results"]
    assert (answer["message_id"], answer["status"]) == (broken.message_id, "rejected")
    assert named in answer["error"]
    assert await sim.credits("ICBC") == []
    assert (await sim.account("ICBC", ACTIVE))["balance_fen"] == 0
    assert await sim.answer_pass() == 0
    # Not taken as seen: once sscard sends it right, under the same id, it applies.
    mended = Outgoing(
        broken.message_id,
        broken.sequence,
        broken.topic,
        None,
        broken.occurred_at,
        {**broken.payload, "credits": [credit(1, ACTIVE), credit(2, ACTIVE)], "total_fen": 20_000},
    )
    assert results(await sim.send("ICBC", mended)) == ["applied"]
    assert (await sim.account("ICBC", ACTIVE))["balance_fen"] == 20_000


async def test_a_batch_of_credits_costs_the_same_queries_as_one_credit(sim: Sim) -> None:
    """Set-based: the accounts and recorded payments are read once, the rows written in bulk."""
    cards = [f"D{n:08d}" for n in range(40)]
    for card in cards:
        await sim.open("ICBC", card, "activate")
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = sim.simulator.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await sim.send("ICBC", sim.instruction("CI-0006", credit(1, cards[0])))
        one = len(statements)
        statements.clear()
        many = [credit(100 + n, card) for n, card in enumerate(cards)]
        await sim.send("ICBC", sim.instruction("CI-0007", *many, credit(999, NONE)))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == one
    assert len(await sim.credits("ICBC", limit=1000)) == 42


async def test_reads_of_many_cards_go_in_slices_under_the_parameter_limit(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch may name more cards than one IN (...) may carry (both databases cap a statement
    at 32766 parameters): the reads go IN_SLICE values at a time, and miss nothing."""
    monkeypatch.setattr(store, "IN_SLICE", 3)
    cards = [f"E{n:08d}" for n in range(7)]
    for card in cards:
        await sim.open("ICBC", card, "activate")
    credits = [credit(n, card) for n, card in enumerate(cards, start=1)]
    assert results(await sim.send("ICBC", sim.instruction("CI-0008", *credits))) == ["applied"]
    assert {c["outcome"] for c in await sim.credits("ICBC")} == {"credited"}
    again = sim.instruction("CI-0008", *credits)
    assert results(await sim.send("ICBC", again)) == ["duplicate"]


# ---- the answers ----


async def test_answers_are_posted_signed_per_instruction_in_chunks(
    sim: Sim, sscard: FakeSscard
) -> None:
    await _five_accounts(sim)
    await sim.open("SZB", ACTIVE, "activate")
    icbc = sim.instruction(
        "CI-0010", credit(11, ACTIVE), credit(12, NONE), credit(13, LOST), credit(14, OPENED)
    )
    icbc_small = sim.instruction("CI-0011", credit(15, CLOSED))
    szb = sim.instruction("CI-0012", credit(21, ACTIVE))
    await sim.send("ICBC", icbc, icbc_small)
    await sim.send("SZB", szb)

    assert await sim.answer_pass() == 4
    assert [p.json for p in sscard.posts] == [
        {
            "instruction_id": "CI-0010",
            "answers": [
                {"payment_id": 11, "outcome": "credited"},
                {"payment_id": 12, "outcome": "refused", "reason": "no_account"},
            ],
        },
        {
            "instruction_id": "CI-0010",
            "answers": [
                {"payment_id": 13, "outcome": "credited"},
                {"payment_id": 14, "outcome": "refused", "reason": "account_not_active"},
            ],
        },
        {
            "instruction_id": "CI-0011",
            "answers": [{"payment_id": 15, "outcome": "refused", "reason": "account_closed"}],
        },
        {"instruction_id": "CI-0012", "answers": [{"payment_id": 21, "outcome": "credited"}]},
    ]
    now = sim.simulator.clock.now()
    for post, bank in zip(sscard.posts, ["ICBC", "ICBC", "ICBC", "SZB"], strict=True):
        assert post.headers["authorization"] == f"Bearer {TOKENS[bank]}"
        assert post.headers["content-type"] == "application/json"
        verify(SECRETS[bank], post.headers, post.body, now)
    sent = await sim.credits("ICBC", answer_status="sent")
    assert [(c["payment_id"], c["attempts"], c["result_code"]) for c in sent] == [
        (11, 1, "recorded 2, duplicates 0"),
        (12, 1, "recorded 2, duplicates 0"),
        (13, 1, "recorded 2, duplicates 0"),
        (14, 1, "recorded 2, duplicates 0"),
        (15, 1, "recorded 1, duplicates 0"),
    ]
    assert all(c["sent_at"] is not None for c in sent)
    assert (await sim.stats("SZB"))["credits"]["answers"] == {"pending": 0, "sent": 1, "refused": 0}
    assert await sim.answer_pass() == 0  # each answered once


async def test_failed_answers_are_tried_again_and_a_conflict_ends_them_refused(
    sim: Sim, sscard: FakeSscard
) -> None:
    await sim.open("ICBC", ACTIVE, "activate")
    await sim.send("ICBC", sim.instruction("CI-0020", credit(1, ACTIVE), credit(2, NONE)))

    def refuse_the_connection(post: Post) -> httpx.Response:
        raise httpx.ConnectError("sscard is down")

    answers: list[Answer] = [
        refuse_the_connection,
        lambda post: httpx.Response(503, json={"code": "internal_error"}),
        lambda post: httpx.Response(401, json={"code": "unauthenticated"}),
        lambda post: httpx.Response(409, json={"code": "answer_conflicts"}),
    ]
    sscard.answer = lambda post: answers.pop(0)(post)
    errors, delays = [], []
    for attempt in range(1, 4):
        assert await sim.answer_pass() == 1
        [row, _] = await sim.credits("ICBC", answer_status="pending")
        assert row["attempts"] == attempt
        errors.append(row["last_error"])
        wait = datetime.fromisoformat(row["next_attempt_at"]) - sim.simulator.clock.now()
        delays.append(round(wait.total_seconds()))
        assert await sim.answer_pass() == 0  # not due before its backoff
        sim.later(40)
    assert errors == ["ConnectError", "HTTP 503 internal_error", "HTTP 401 unauthenticated"]
    assert delays == [10, 20, 40]  # the reports' backoff: base 10 s, doubled, at most 40 s
    assert await sim.answer_pass() == 1
    refused = await sim.credits("ICBC", answer_status="refused")
    assert [(c["payment_id"], c["result_code"], c["attempts"]) for c in refused] == [
        (1, "answer_conflicts", 4),
        (2, "answer_conflicts", 4),
    ]
    assert len({p.body for p in sscard.posts}) == 1  # every attempt sent the same answers
    assert await sim.answer_pass() == 0


async def test_the_background_loop_sends_the_answers_on_its_own(
    sim: Sim, sscard: FakeSscard
) -> None:
    await sim.open("ICBC", ACTIVE, "activate")
    sim.simulator.start()
    await sim.send("ICBC", sim.instruction("CI-0030", credit(1, ACTIVE)))  # wakes the loop
    async with asyncio.timeout(5):
        for _ in range(250):
            if await sim.credits("ICBC", answer_status="sent"):
                break
            await asyncio.sleep(0.02)
    assert [p.json["instruction_id"] for p in sscard.posts] == ["CI-0030"]


# ---- fault controls ----


async def test_refuse_credits_control_refuses_chosen_cards_until_cleared(
    sim: Sim, sscard: FakeSscard
) -> None:
    await sim.open("ICBC", ACTIVE, "activate")
    await sim.open("ICBC", LOST, "activate")
    control = await sim.client.post(
        "/control/refuse-credits", json={"card_numbers": [ACTIVE], "reason": "frozen_by_court"}
    )
    assert control.json() == {"card_numbers": [ACTIVE], "reason": "frozen_by_court"}
    await sim.send("ICBC", sim.instruction("CI-0040", credit(1, ACTIVE), credit(2, LOST)))
    cleared = await sim.client.post("/control/refuse-credits", json={"card_numbers": []})
    assert cleared.json()["card_numbers"] == []
    await sim.send("ICBC", sim.instruction("CI-0041", credit(3, ACTIVE)))

    await sim.answer_pass()
    assert [a for p in sscard.posts for a in p.json["answers"]] == [
        {"payment_id": 1, "outcome": "refused", "reason": "frozen_by_court"},
        {"payment_id": 2, "outcome": "credited"},
        {"payment_id": 3, "outcome": "credited"},
    ]
    assert (await sim.account("ICBC", ACTIVE))["balance_fen"] == 10_000
    bad = await sim.client.post("/control/refuse-credits", json={"cards": [ACTIVE]})
    assert bad.status_code == 422


async def test_answer_twice_control_repeats_every_answer_post(sim: Sim, sscard: FakeSscard) -> None:
    await sim.open("ICBC", ACTIVE, "activate")
    on = await sim.client.post("/control/answer-twice", json={"enabled": True})
    assert on.json() == {"enabled": True}
    await sim.send("ICBC", sim.instruction("CI-0050", credit(1, ACTIVE), credit(2, NONE)))
    await sim.send("ICBC", sim.instruction("CI-0051", credit(3, ACTIVE)))
    assert await sim.answer_pass() == 2
    bodies = [p.json for p in sscard.posts]
    assert len(bodies) == 4
    assert sorted(b["instruction_id"] for b in bodies) == ["CI-0050"] * 2 + ["CI-0051"] * 2
    for instruction_id in ("CI-0050", "CI-0051"):
        first, second = (p for p in sscard.posts if p.json["instruction_id"] == instruction_id)
        assert first.body == second.body
    assert len(await sim.credits("ICBC", answer_status="sent")) == 3

    # sscard took each repeat as duplicates: nothing to note.
    assert {(c["result_code"], c["last_error"]) for c in await sim.credits("ICBC")} == {
        ("recorded 2, duplicates 0", None),
        ("recorded 1, duplicates 0", None),
    }

    # A repeat sscard records again, or refuses, shows on the answers (they stay sent).
    sscard.answer = lambda post: httpx.Response(200, json={"recorded": 1, "duplicates": 0})
    await sim.send("ICBC", sim.instruction("CI-0052", credit(4, ACTIVE)))
    await sim.answer_pass()
    sscard.answer = lambda post: (
        httpx.Response(409, json={"code": "answer_conflicts"})
        if any(p.body == post.body for p in sscard.posts[:-1])
        else httpx.Response(200, json={"recorded": 1, "duplicates": 0})
    )
    await sim.send("ICBC", sim.instruction("CI-0053", credit(5, ACTIVE)))
    await sim.answer_pass()
    noted = [
        (c["payment_id"], c["answer_status"], c["last_error"])
        for c in await sim.credits("ICBC", after=3)
    ]
    assert noted == [
        (4, "sent", "repeated: sscard recorded 1 again"),
        (5, "sent", "repeated: HTTP 409 answer_conflicts"),
    ]

    off = await sim.client.post("/control/answer-twice", json={"enabled": False})
    assert off.json() == {"enabled": False}
    sscard.posts.clear()
    await sim.send("ICBC", sim.instruction("CI-0054", credit(6, ACTIVE)))
    await sim.answer_pass()
    assert len(sscard.posts) == 1


# ---- the database ----


async def test_a_database_of_an_earlier_simulator_gets_the_credits_table_on_start(
    tmp_path: Path,
) -> None:
    db = tmp_path / "sim.db"
    vault = Vault(load_key(key_file_for(str(db)), create=True))
    await (await store.open_store(str(db), vault)).dispose()
    with contextlib.closing(sqlite3.connect(db)) as raw:
        raw.execute("DROP TABLE sim_credits")  # as the simulator left it before credits
        raw.commit()
    engine = await store.open_store(str(db), vault)
    try:
        async with engine.begin() as conn:
            assert await store.recorded_payment_ids(conn, "ICBC", [1, 2]) == set()
            assert await store.balance_of(conn, "ICBC", ACTIVE) == 0
    finally:
        await engine.dispose()
