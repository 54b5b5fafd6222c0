"""The bank simulator in-process over HTTP (httpx ASGITransport); its reports go to a real HTTP
receiver. SPEC ISS-2, ISS-4, LOSS-2, LOSS-3, CAN-3. Batches are built and signed with sscard's own
code (banks/delivery.py, banks/signing.py), and its statements checked with it, so that the
simulator's separate implementation of the wire contract is held to sscard's."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from cryptography.hazmat.primitives import hashes, hmac

from bank_simulator.app import Simulator, create_app
from bank_simulator.config import BankConfig, SimConfig
from bank_simulator.rules import luhn_valid
from sscard.banks.protocol import AS_OF_HEADER, STATEMENT_COLUMNS, Topic
from sscard.platform.outbox.protocol import Outgoing
from sscard.platform.outbox.signing import signed_headers, verify
from tests.support.bank_sim import Receiver, message, results, signed_batch

SECRETS = {"ICBC": bytes.fromhex("11" * 32), "SZB": bytes.fromhex("22" * 32)}
TOKENS = {"ICBC": "token-icbc", "SZB": "token-szb"}
CARD, OTHER = "A00000001", "A00000002"
HOLDER = {"name": "张三丰", "ssn": "320102199001151234", "phone": "13800138000"}


class Sim:
    def __init__(self, simulator: Simulator, client: httpx.AsyncClient) -> None:
        self.simulator = simulator
        self.client = client
        self.next_sequence = 100

    def msg(self, topic: str, card: str, payload: dict[str, Any] | None = None) -> Outgoing:
        self.next_sequence += 1
        at = self.simulator.clock.now()
        return message(topic, card, self.next_sequence, payload or {"card_number": card}, at)

    async def send(
        self, bank: str, *messages: Outgoing, secret: bytes | None = None, skew: float = 0
    ) -> httpx.Response:
        now = self.simulator.clock.now() + timedelta(seconds=skew)
        body, headers = signed_batch(secret or SECRETS[bank], now, list(messages))
        return await self.client.post(f"/banks/{bank}/webhook", content=body, headers=headers)

    async def open(self, bank: str, card: str) -> Outgoing:
        m = self.msg(Topic.ACCOUNT_REQUESTED, card, {"card_number": card, "holder": HOLDER})
        assert results(await self.send(bank, m)) == ["applied"]
        return m

    async def teller(self, bank: str, card: str, action: str, **body: Any) -> httpx.Response:
        return await self.client.post(f"/banks/{bank}/teller/cards/{card}/{action}", json=body)

    async def account(self, bank: str, card: str) -> dict[str, Any]:
        response = await self.client.get(f"/banks/{bank}/accounts/{card}")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    async def reports(self, bank: str, status: str | None = None) -> list[dict[str, Any]]:
        params = {"status": status} if status else {}
        response = await self.client.get(f"/banks/{bank}/reports", params=params)
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def statement(self, bank: str) -> httpx.Response:
        headers = signed_headers(SECRETS[bank], self.simulator.clock.now(), b"")
        return await self.client.get(f"/banks/{bank}/statement", headers=headers)

    async def statement_rows(self, bank: str) -> dict[str, dict[str, str]]:
        response = await self.statement(bank)
        assert response.status_code == 200, response.text
        return {r["card_number"]: r for r in csv.DictReader(io.StringIO(response.text))}


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver({TOKENS[code]: SECRETS[code] for code in SECRETS})
    yield r
    await r.stop()


def sim_config(sscard_url: str) -> SimConfig:
    return SimConfig(
        sscard_url=sscard_url,
        banks={
            "ICBC": BankConfig(secret_hex=SECRETS["ICBC"].hex(), token=TOKENS["ICBC"]),
            "SZB": BankConfig(
                secret_hex=SECRETS["SZB"].hex(), token=TOKENS["SZB"], auto_close=True
            ),
        },
        retry_base_seconds=0.05,
        retry_max_seconds=0.2,
        poll_seconds=0.02,
    )


@pytest.fixture
async def sim(tmp_path: Path, receiver: Receiver) -> AsyncIterator[Sim]:
    simulator = await Simulator.open(sim_config(receiver.url), str(tmp_path / "sim.db"))
    transport = httpx.ASGITransport(app=create_app(simulator))
    async with httpx.AsyncClient(transport=transport, base_url="http://bank-sim.test") as client:
        yield Sim(simulator, client)
    await simulator.close()


# ---- signatures ----


async def test_webhook_refuses_a_wrong_signature(sim: Sim) -> None:
    response = await sim.send("ICBC", sim.msg(Topic.ACCOUNT_REQUESTED, CARD), secret=SECRETS["SZB"])
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "signature_refused"
    assert (await sim.client.get(f"/banks/ICBC/accounts/{CARD}")).status_code == 404


async def test_webhook_refuses_a_body_changed_after_signing(sim: Sim) -> None:
    now = sim.simulator.clock.now()
    body, headers = signed_batch(SECRETS["ICBC"], now, [sim.msg(Topic.ACCOUNT_REQUESTED, CARD)])
    tampered = body.replace(CARD.encode(), OTHER.encode())
    response = await sim.client.post("/banks/ICBC/webhook", content=tampered, headers=headers)
    assert response.status_code == 401


async def test_webhook_refuses_a_timestamp_outside_the_tolerance_of_its_own_clock(
    sim: Sim,
) -> None:
    late = await sim.send("ICBC", sim.msg(Topic.ACCOUNT_REQUESTED, CARD), skew=-301)
    assert late.status_code == 401
    # Move the simulator's clock as a test moving sscard's would: the same stamp is fresh again.
    moved = await sim.client.post("/control/clock", json={"offset_seconds": -301})
    assert moved.json()["offset_seconds"] == -301
    ok = await sim.send("ICBC", sim.msg(Topic.ACCOUNT_REQUESTED, CARD))
    assert results(ok) == ["applied"]


async def test_clock_can_be_set_to_a_moment(sim: Sim) -> None:
    moment = "2026-11-23T02:00:00+00:00"
    response = await sim.client.post("/control/clock", json={"now": moment})
    assert response.status_code == 200
    now = sim.simulator.clock.now()
    assert abs((now - datetime.fromisoformat(moment)).total_seconds()) < 5
    both = await sim.client.post("/control/clock", json={"now": moment, "offset_seconds": 1})
    assert both.status_code == 422
    naive = await sim.client.post("/control/clock", json={"now": "2026-11-23T02:00:00"})
    assert naive.status_code == 422


async def test_webhook_for_a_bank_not_simulated_is_not_found(sim: Sim) -> None:
    response = await sim.send("ICBC", sim.msg(Topic.ACCOUNT_REQUESTED, CARD))
    other = await sim.client.post("/banks/NOPE/webhook", content=b"{}")
    assert response.status_code == 200
    assert other.status_code == 404


# ---- account opening (ISS-2) ----


async def test_production_data_opens_an_account_with_a_luhn_valid_number(sim: Sim) -> None:
    # SPEC ISS-2: opened at once, the number comes back
    m = await sim.open("ICBC", CARD)
    account = await sim.account("ICBC", CARD)
    assert account["financial_status"] == "account_opened"
    assert account["last_sequence"] == m.sequence
    assert account["report_sequence"] == 1
    number = (await sim.statement_rows("ICBC"))[CARD]["account_number"]
    assert len(number) == 19
    assert number.startswith("622202")  # ICBC's BIN, as in sscard's registry
    assert luhn_valid(number)
    assert account["account"] == number[:4] + "*" * 11 + number[-4:]
    [report] = await sim.reports("ICBC", "pending")
    assert (report["type"], report["sequence"], report["card_number"]) == (
        "account_opened",
        1,
        CARD,
    )
    assert report["message_id"].startswith("ICBC-")


async def test_each_bank_opens_under_its_own_prefix(sim: Sim) -> None:
    await sim.open("ICBC", CARD)
    await sim.open("SZB", CARD)
    icbc = (await sim.statement_rows("ICBC"))[CARD]["account_number"]
    szb = (await sim.statement_rows("SZB"))[CARD]["account_number"]
    assert icbc[:6] != szb[:6]
    assert luhn_valid(szb)


async def test_personal_data_is_kept_but_never_shown_or_logged(
    sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bank_simulator")
    sim.simulator.start()  # the callback loop logs its attempts too
    await sim.open("ICBC", CARD)
    await asyncio.sleep(0.1)
    account = await sim.account("ICBC", CARD)
    assert account["holder"]["name"] == "张**"
    assert "ssn" in account["holder"]["fields_received"]
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("bank_simulator")]
    assert any("account_opened" in line for line in ours)  # the loop did log its attempts
    shown = orjson.dumps(account).decode() + "\n".join(ours)
    for value in HOLDER.values():
        assert value not in shown


async def test_a_second_account_request_for_an_open_card_opens_nothing(sim: Sim) -> None:
    await sim.open("ICBC", CARD)
    again = sim.msg(Topic.ACCOUNT_REQUESTED, CARD)
    assert results(await sim.send("ICBC", again)) == ["duplicate"]
    assert len(await sim.statement_rows("ICBC")) == 1
    assert len(await sim.reports("ICBC")) == 1


# ---- duplicates, order, refusals ----


async def test_a_message_id_seen_before_is_a_duplicate(sim: Sim) -> None:
    m = await sim.open("ICBC", CARD)
    status = sim.msg(Topic.CARD_STATUS_CHANGED, CARD, {"event": "collect", "hr_status": "active"})
    assert results(await sim.send("ICBC", status)) == ["applied"]
    assert results(await sim.send("ICBC", status, m)) == ["duplicate", "duplicate"]
    assert len(await sim.reports("ICBC")) == 1


async def test_a_duplicate_inside_one_batch_is_applied_once(sim: Sim) -> None:
    m = sim.msg(Topic.ACCOUNT_REQUESTED, CARD)
    assert results(await sim.send("ICBC", m, m)) == ["applied", "duplicate"]


async def test_an_older_sequence_for_the_card_is_stale_and_not_applied(sim: Sim) -> None:
    await sim.open("ICBC", CARD)
    older = sim.msg(
        Topic.CARD_STATUS_CHANGED,
        CARD,
        {"event": "report_temporary_loss", "hr_status": "temporarily_lost"},
    )
    newer = sim.msg(Topic.CARD_STATUS_CHANGED, CARD, {"event": "unlock", "hr_status": "active"})
    assert results(await sim.send("ICBC", newer)) == ["applied"]
    response = await sim.send("ICBC", older)
    [result] = response.json()["results"]
    assert result["status"] == "duplicate"
    assert "stale" in result["error"]
    account = await sim.account("ICBC", CARD)
    assert (account["hr_status"], account["last_sequence"]) == ("active", newer.sequence)


async def test_bad_messages_are_rejected_one_by_one_and_the_rest_applied(sim: Sim) -> None:
    good = sim.msg(Topic.ACCOUNT_REQUESTED, CARD)
    open_other = sim.msg(Topic.ACCOUNT_REQUESTED, OTHER)  # sent late, as if it had been lost
    unknown = sim.msg("bank.something_else", CARD)
    no_account = sim.msg(Topic.CARD_STATUS_CHANGED, OTHER, {"event": "cancel"})
    body = orjson.dumps(
        {
            "messages": [{"message_id": "bad", "sequence": "x"}]
            + [m.as_json() for m in (good, unknown, no_account)]
        }
    )
    headers = signed_headers(SECRETS["ICBC"], sim.simulator.clock.now(), body)
    response = await sim.client.post("/banks/ICBC/webhook", content=body, headers=headers)
    answers = response.json()["results"]
    assert [a["status"] for a in answers] == ["rejected", "applied", "rejected", "rejected"]
    assert answers[0]["message_id"] == "bad"
    assert "unknown topic" in answers[2]["error"]
    assert "no account" in answers[3]["error"]
    # A rejected message is not taken as seen: sent again after the account exists, it applies.
    assert results(await sim.send("ICBC", open_other, no_account)) == ["applied", "applied"]


async def test_a_body_that_is_not_a_batch_is_refused_whole(sim: Sim) -> None:
    body = b'{"message": []}'
    headers = signed_headers(SECRETS["ICBC"], sim.simulator.clock.now(), body)
    response = await sim.client.post("/banks/ICBC/webhook", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "messages"


async def test_reject_control_refuses_one_message_once(sim: Sim) -> None:
    m = sim.msg(Topic.ACCOUNT_REQUESTED, CARD)
    control = await sim.client.post(
        "/control/reject", json={"bank": "ICBC", "message_id": m.message_id}
    )
    assert control.status_code == 200
    assert results(await sim.send("ICBC", m)) == ["rejected"]
    assert results(await sim.send("ICBC", m)) == ["applied"]


async def test_outage_answers_503_until_the_bank_is_back(sim: Sim) -> None:
    down = await sim.client.post("/control/outage", json={"bank": "ICBC", "down": True})
    assert down.json() == {"bank": "ICBC", "down": True}
    m = sim.msg(Topic.ACCOUNT_REQUESTED, CARD)
    refused = await sim.send("ICBC", m)
    assert refused.status_code == 503
    assert refused.json()["code"] == "bank_unavailable"
    assert results(await sim.send("SZB", sim.msg(Topic.ACCOUNT_REQUESTED, CARD))) == ["applied"]
    await sim.client.post("/control/outage", json={"bank": "ICBC", "down": False})
    assert results(await sim.send("ICBC", m)) == ["applied"]


# ---- notes from sscard ----


async def test_hr_changes_and_supersession_are_noted_without_touching_the_account(
    sim: Sim,
) -> None:
    # SPEC LOSS-1/LOSS-5: an hr temporary loss does not lose the bank account
    await sim.open("ICBC", CARD)
    loss = sim.msg(
        Topic.CARD_STATUS_CHANGED,
        CARD,
        {"card_number": CARD, "event": "report_temporary_loss", "hr_status": "temporarily_lost"},
    )
    superseded = message(
        Topic.CARD_SUPERSEDED,
        None,  # type: ignore[arg-type]
        sim.next_sequence + 1,
        {"old_card_number": CARD, "new_card_number": OTHER, "new_bank_code": "ICBC"},
        sim.simulator.clock.now(),
    )
    assert results(await sim.send("ICBC", loss, superseded)) == ["applied", "applied"]
    account = await sim.account("ICBC", CARD)
    assert account["financial_status"] == "account_opened"
    assert (account["hr_status"], account["hr_event"]) == (
        "temporarily_lost",
        "report_temporary_loss",
    )
    assert account["superseded_by"] == OTHER


async def test_a_formal_loss_at_sscards_counter_stops_the_account_and_its_unlock_frees_it(
    sim: Sim,
) -> None:
    """SPEC LOSS-2/3: a formal loss is of both functions; taken at sscard's bank desk, the
    account follows (found by the fresh-user session: the statement still said open, and
    reconciliation, which follows the bank, undid the loss in sscard's mirror)."""
    await sim.open("ICBC", CARD)
    loss = sim.msg(
        Topic.CARD_STATUS_CHANGED,
        CARD,
        {"card_number": CARD, "event": "report_formal_loss", "hr_status": "formally_lost"},
    )
    assert results(await sim.send("ICBC", loss)) == ["applied"]
    account = await sim.account("ICBC", CARD)
    assert (account["financial_status"], account["loss_kind"]) == ("lost", "formal")
    assert (await sim.statement_rows("ICBC"))[CARD]["financial_status"] == "lost"
    unlock = sim.msg(
        Topic.CARD_STATUS_CHANGED,
        CARD,
        {"card_number": CARD, "event": "unlock", "hr_status": "active"},
    )
    assert results(await sim.send("ICBC", unlock)) == ["applied"]
    account = await sim.account("ICBC", CARD)
    assert (account["financial_status"], account["loss_kind"]) == ("account_opened", None)
    assert len(await sim.reports("ICBC")) == 1  # the account opening only: nothing reported back


async def test_closure_notice_waits_for_the_teller_unless_the_bank_closes_at_once(sim: Sim) -> None:
    # SPEC CAN-3: two steps; SZB is configured to close on the notice by itself
    notice = {"notice_reference": "CN-2026-0001", "card_number": CARD, "reason": "death"}
    for bank in ("ICBC", "SZB"):
        await sim.open(bank, CARD)
        m = sim.msg(Topic.ACCOUNT_CLOSURE_REQUESTED, CARD, notice)
        assert results(await sim.send(bank, m)) == ["applied"]
    icbc, szb = await sim.account("ICBC", CARD), await sim.account("SZB", CARD)
    assert icbc["financial_status"] == "account_opened"
    assert icbc["closure_reference"] == "CN-2026-0001"
    assert icbc["closure_requested_at"] is not None
    assert szb["financial_status"] == "closed"
    assert [r["type"] for r in await sim.reports("SZB")] == ["account_opened", "account_closed"]
    closed = await sim.teller("ICBC", CARD, "close")
    assert closed.status_code == 200
    assert closed.json()["report"]["type"] == "account_closed"
    assert closed.json()["report"]["id"] == (await sim.reports("ICBC"))[-1]["id"]


# ---- the teller (ISS-4, LOSS-2/3, CAN-3) ----


async def test_teller_actions_report_with_gap_free_sequences_per_card(sim: Sim) -> None:
    await sim.open("ICBC", CARD)
    await sim.open("ICBC", OTHER)
    outlet = {"outlet_code": "3204-BANK-001"}
    steps = [
        (CARD, "activate", {"channel": "onsite"}),
        (OTHER, "financial-loss", {}),
        (CARD, "financial-loss", {}),
        (CARD, "financial-loss-lift", {}),
        (CARD, "formal-loss", outlet),
        (OTHER, "financial-loss-lift", {}),
        (CARD, "formal-unlock", {"outlet_code": "3204-BANK-002"}),
        (CARD, "close", {}),
    ]
    for card, action, body in steps:
        response = await sim.teller("ICBC", card, action, **body)
        assert response.status_code == 200, (action, response.text)
    reports = await sim.reports("ICBC")
    by_card = {
        card: [(r["sequence"], r["type"]) for r in reports if r["card_number"] == card]
        for card in (CARD, OTHER)
    }
    assert by_card[CARD] == [
        (1, "account_opened"),
        (2, "financial_activated"),
        (3, "financial_loss"),
        (4, "financial_loss_lifted"),
        (5, "formal_loss"),
        (6, "formal_loss_lifted"),
        (7, "account_closed"),
    ]
    assert by_card[OTHER] == [
        (1, "account_opened"),
        (2, "financial_loss"),
        (3, "financial_loss_lifted"),
    ]
    formal = next(r for r in reports if r["type"] == "formal_loss")
    assert (formal["outlet_code"], formal["channel"]) == ("3204-BANK-001", "counter")
    activated = next(r for r in reports if r["type"] == "financial_activated")
    assert activated["channel"] == "onsite"
    assert len({r["message_id"] for r in reports}) == len(reports)
    assert (await sim.account("ICBC", OTHER))["financial_status"] == "account_opened"


async def test_teller_refuses_what_the_account_does_not_allow(sim: Sim) -> None:
    await sim.open("ICBC", CARD)
    assert (await sim.teller("ICBC", CARD, "formal-unlock", outlet_code="X")).status_code == 409
    no_outlet = await sim.teller("ICBC", CARD, "formal-loss")
    assert no_outlet.status_code == 422
    assert no_outlet.json()["field"] == "outlet_code"
    assert (await sim.teller("ICBC", CARD, "close")).status_code == 200
    twice = await sim.teller("ICBC", CARD, "close")
    assert twice.status_code == 409
    assert twice.json()["code"] == "teller_action_refused"
    assert (await sim.teller("ICBC", OTHER, "activate")).status_code == 404
    assert (await sim.teller("ICBC", CARD, "dance")).status_code == 422
    assert [r["type"] for r in await sim.reports("ICBC")] == ["account_opened", "account_closed"]


# ---- statement ----


async def test_statement_is_signed_and_lists_every_account(sim: Sim) -> None:
    await sim.open("ICBC", CARD)
    await sim.open("ICBC", OTHER)
    await sim.teller("ICBC", CARD, "activate")
    await sim.teller("ICBC", OTHER, "formal-loss", outlet_code="3204-BANK-001")
    response = await sim.statement("ICBC")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    verify(SECRETS["ICBC"], response.headers, response.content, sim.simulator.clock.now())
    assert response.headers[AS_OF_HEADER].startswith(sim.simulator.clock.now().date().isoformat())
    lines = response.text.splitlines()
    assert lines[0] == ",".join(STATEMENT_COLUMNS)
    rows = {
        r["card_number"]: r["financial_status"] for r in csv.DictReader(io.StringIO(response.text))
    }
    assert rows == {CARD: "active", OTHER: "lost"}


async def test_statement_needs_a_signed_request(sim: Sim) -> None:
    unsigned = await sim.client.get("/banks/ICBC/statement")
    assert unsigned.status_code == 401
    wrong = await sim.client.get(
        "/banks/ICBC/statement",
        headers=signed_headers(SECRETS["SZB"], sim.simulator.clock.now(), b""),
    )
    assert wrong.status_code == 401


# ---- stats ----


async def test_stats_count_messages_by_topic_and_result(sim: Sim) -> None:
    m = await sim.open("ICBC", CARD)
    await sim.send("ICBC", m, sim.msg("bank.nope", CARD))
    await sim.send("ICBC", sim.msg(Topic.ACCOUNT_REQUESTED, CARD), secret=b"wrong")
    stats = (await sim.client.get("/banks/ICBC/stats")).json()
    assert stats["messages"]["received"] == 3
    assert (stats["messages"]["applied"], stats["messages"]["duplicate"]) == (1, 1)
    assert stats["messages"]["rejected"] == 1
    assert stats["messages"]["by_topic"][Topic.ACCOUNT_REQUESTED] == {"applied": 1, "duplicate": 1}
    assert stats["batches"] == {"accepted": 2, "signature_refused": 1}
    assert stats["reports"] == {"pending": 1, "sent": 0, "refused": 0}
    assert stats["accounts"] == {"account_opened": 1}


# ---- callbacks ----


async def test_reports_are_retried_until_the_receiver_takes_them(
    sim: Sim, receiver: Receiver
) -> None:
    await sim.open("ICBC", CARD)
    await sim.open("SZB", OTHER)
    await sim.teller("ICBC", CARD, "activate")
    sim.simulator.start()
    # Nobody listens yet: connection errors, retried with backoff.
    await asyncio.sleep(0.3)
    first, second = await sim.reports("ICBC", "pending")
    assert first["attempts"] >= 1
    assert first["last_error"] == "ConnectError"
    assert second["attempts"] == 0  # a card's next report waits for the one before it
    # Then a receiver that fails some first.
    answers = iter([(503, {"code": "internal_error"}), (401, {"code": "unauthenticated"})])
    receiver.answer = lambda report: next(answers, (201, {"status": "applied"}))
    await receiver.start()
    got = await receiver.wait_for(3)
    icbc = [r for r in got if r["card_number"] == CARD]
    assert [(r["sequence"], r["type"]) for r in icbc] == [
        (1, "account_opened"),
        (2, "financial_activated"),
    ]
    assert all(r.signature_ok for r in receiver.received)
    assert {r.token for r in receiver.received} == {TOKENS["ICBC"], TOKENS["SZB"]}
    assert luhn_valid(icbc[0]["account_number"])
    assert "account_number" not in icbc[1]
    await _settled(sim)
    sent = await sim.reports("ICBC", "sent")
    assert [r["result_code"] for r in sent] == ["applied", "applied"]
    assert (await sim.client.get("/banks/ICBC/stats")).json()["reports"]["sent"] == 2


async def test_a_report_refused_by_a_rule_is_recorded_and_the_next_one_goes(
    sim: Sim, receiver: Receiver
) -> None:
    await sim.open("ICBC", CARD)
    await sim.teller("ICBC", CARD, "activate")
    await sim.teller("ICBC", CARD, "financial-loss")

    await sim.open("ICBC", OTHER)
    await sim.teller("ICBC", OTHER, "activate")

    def answer(report: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if report["type"] == "financial_activated" and report["card_number"] == CARD:
            return 409, {"code": "financial_transition_refused"}
        if report["type"] == "financial_activated":
            return 403, {"code": "channel_not_allowed", "inbox_status": "rejected"}
        return 200, {"status": "applied"}

    receiver.answer = answer
    await receiver.start()
    sim.simulator.start()
    got = await receiver.wait_for(3)
    assert [r["sequence"] for r in got if r["card_number"] == CARD] == [1, 3]
    await _settled(sim)
    refused = await sim.reports("ICBC", "refused")
    assert [(r["card_number"], r["sequence"], r["result_code"]) for r in refused] == [
        (CARD, 2, "financial_transition_refused"),
        (OTHER, 2, "channel_not_allowed"),
    ]


async def test_reports_of_one_card_go_one_at_a_time_in_order(sim: Sim, receiver: Receiver) -> None:
    await receiver.start()
    sim.simulator.start()
    cards = [f"B{n:08d}" for n in range(20)]
    for card in cards:
        await sim.open("ICBC", card)
        for action in ("activate", "financial-loss", "financial-loss-lift"):
            await sim.teller("ICBC", card, action)
    got = await receiver.wait_for(80)
    for card in cards:
        assert [r["sequence"] for r in got if r["card_number"] == card] == [1, 2, 3, 4]


async def _settled(sim: Sim) -> None:
    """Until no ICBC report is pending (the loop writes outcomes after the receiver answers)."""
    async with asyncio.timeout(5):
        for _ in range(1000):
            if not await sim.reports("ICBC", "pending"):
                return
            await asyncio.sleep(0.02)


# ---- identity (what devstack checks before it starts sscard) ----


async def test_identity_proves_the_nonce_and_every_bank_secret(sim: Sim) -> None:
    sim.simulator.instance_nonce = "0f" * 32
    challenge = "c4" * 32
    response = await sim.client.post("/control/identity", json={"challenge": challenge})
    assert response.status_code == 200, response.text
    proofs = response.json()["proofs"]
    assert set(proofs) == set(SECRETS)
    for code, secret in SECRETS.items():
        mac = hmac.HMAC(secret, hashes.SM3())
        mac.update(f"bank-simulator identity\n{'0f' * 32}\n{challenge}\n{code}".encode())
        assert proofs[code] == "hmac-sm3=" + mac.finalize().hex()
    assert "0f" * 32 not in response.text


async def test_identity_needs_a_nonce_and_a_hex_challenge(sim: Sim) -> None:
    none = await sim.client.post("/control/identity", json={"challenge": "ab" * 16})
    assert (none.status_code, none.json()["code"]) == (409, "no_instance_nonce")
    sim.simulator.instance_nonce = "0f" * 32
    short = await sim.client.post("/control/identity", json={"challenge": "ab"})
    assert short.status_code == 422
