"""The simulator's HTTP face: the banks' webhooks, tellers and statements, and test controls.

POST /banks/{code}/webhook                               signed batch from sscard
POST /banks/{code}/teller/cards/{card_number}/{action}   a clerk at the counter
GET  /banks/{code}/statement                             signed CSV for reconciliation
GET  /banks/{code}/reports?status=                       reports to sscard and their state
GET  /banks/{code}/credits?card_number=&answer_status=   credits (PAY-1) and their answers
GET  /banks/{code}/debits?card_number=&answer_status=    debits (PAY-1 collections), answers
GET  /banks/{code}/accounts/{card_number}                the bank's view of one card
GET  /banks/{code}/stats                                 what came in and went out
POST /control/outage | /control/delay | /control/clock | /control/reject   faults, time
POST /control/refuse-credits | /control/answer-twice     faults of credit (and debit) answers
POST /control/deposit                                    put money on an account (tests)
POST /control/identity                                   proof of the instance (identity.py)
GET  /health
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import Response
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncEngine

from bank_simulator import broker, identity, inbound, problems, store, teller
from bank_simulator.callbacks import Callbacks
from bank_simulator.clock import AdjustableClock
from bank_simulator.config import BankConfig, SimConfig
from bank_simulator.db import transaction
from bank_simulator.errors import BankError, InvalidInput, NotFound
from bank_simulator.rules import TellerAction, bank_bin
from bank_simulator.sealing import Vault, key_file_for, load_key
from bank_simulator.signing import SignatureRefused, signed_headers, verify
from bank_simulator.statement import statement
from bank_simulator.wire import (
    AS_OF_HEADER,
    CreditOutcome,
    DebitOutcome,
    DeliveryResult,
    ServiceChannel,
)


class BankUnavailable(BankError):
    code = "bank_unavailable"
    status = 503
    message_zh = "银行系统暂停服务（模拟故障）"
    message_en = "The bank's system is down (simulated outage)"


class Simulator:
    """One running simulator: its configuration, store, clock, faults and callback loop."""

    def __init__(
        self,
        config: SimConfig,
        engine: AsyncEngine,
        clock: AdjustableClock,
        client: httpx.AsyncClient,
        vault: Vault,
        instance_nonce: str | None = None,
    ) -> None:
        self.config = config
        self.engine = engine
        self.vault = vault
        self.clock = clock
        self.client = client
        self.instance_nonce = instance_nonce
        self.down: set[str] = set()
        # Seconds a bank takes to answer after it has applied a batch (kill -9 fault tests).
        self.answer_delay: dict[str, float] = {}
        self.reject_once: dict[str, set[str]] = {code: set() for code in config.banks}
        # Cards whose credits every bank refuses, with the reason to answer (fault tests).
        self.refuse_credits: dict[str, str] = {}
        self.batches: dict[str, Counter[str]] = {code: Counter() for code in config.banks}
        self.callbacks = Callbacks(engine, config, clock, client, vault)
        self._tasks: list[asyncio.Task[None]] = []
        self._stop_consumers = asyncio.Event()

    @classmethod
    async def open(
        cls,
        config: SimConfig,
        db: str,
        *,
        clock: AdjustableClock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        instance_nonce: str | None = None,
        key_file: Path | None = None,
    ) -> Simulator:
        """Create the store's tables if needed; `transport` lets tests route the callbacks.

        The data key is read from `key_file` (default: `<db>.key` beside a SQLite file), and
        made (0600) on the first start.
        """
        vault = Vault(load_key(key_file or key_file_for(db), create=True))
        engine = await store.open_store(db, vault)
        client = httpx.AsyncClient(transport=transport)
        return cls(config, engine, clock or AdjustableClock(), client, vault, instance_nonce)

    def start(self) -> None:
        """Start sending reports, and with the nats transport reading the banks' queues."""
        self._tasks.append(asyncio.create_task(self.callbacks.run()))
        if self.config.transport == "nats":
            for code in self.config.banks:
                self._tasks.append(asyncio.create_task(self._consume(code)))

    async def close(self) -> None:
        self.callbacks.stop()
        self._stop_consumers.set()
        await asyncio.gather(*self._tasks)
        await self.client.aclose()
        await self.engine.dispose()

    async def receive(self, code: str, messages: list[Any], now: datetime) -> list[dict[str, Any]]:
        """Apply messages from sscard (a webhook batch or one broker message), in order."""
        bank = self.bank(code)
        async with transaction(self.engine) as conn:
            results, queued = await inbound.receive_batch(
                conn,
                self.vault,
                code,
                self.bin_of(code),
                bank.auto_close,
                messages,
                now,
                self.reject_once[code],
                self.refuse_credits,
            )
        if queued:
            self.callbacks.wake.set()
        return results

    async def _consume(self, code: str) -> None:
        async def handle(message: dict[str, Any]) -> DeliveryResult:
            self.available(code)  # down: the message is given back for later
            self.batches[code]["broker_messages"] += 1
            [result] = await self.receive(code, [message], self.clock.now())
            return DeliveryResult(result["status"])

        await broker.read_queue(
            self.config.nats_url,
            self.config.nats_stream,
            f"{self.config.nats_subject_prefix}.{code}",
            f"bank-{code}",
            self.bank(code).secret,
            handle,
            self._stop_consumers,
            self.clock.now,
            self.config.signature_tolerance_seconds,
        )

    def bank(self, code: str) -> BankConfig:
        bank = self.config.banks.get(code)
        if bank is None:
            raise NotFound(
                field="code", what_zh=f"模拟银行 {code[:16]}", what_en=f"Bank {code[:16]}"
            )
        return bank

    def available(self, code: str) -> BankConfig:
        bank = self.bank(code)
        if code in self.down:
            self.batches[code]["unavailable"] += 1
            raise BankUnavailable()
        return bank

    def bin_of(self, code: str) -> str:
        return bank_bin(code, self.bank(code).bin)

    def verify(self, code: str, bank: BankConfig, headers: Any, body: bytes) -> datetime:
        now = self.clock.now()
        try:
            verify(bank.secret, headers, body, now, self.config.signature_tolerance_seconds)
        except SignatureRefused:
            self.batches[code]["signature_refused"] += 1
            raise
        return now


def _sim(request: Request) -> Simulator:
    sim: Simulator = request.app.state.sim
    return sim


def _json(value: Any) -> Response:
    return Response(orjson.dumps(value), media_type="application/json")


# ---- shapes ----


class TellerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outlet_code: str | None = Field(
        None, min_length=1, max_length=32, description="the bank outlet; formal loss/unlock need it"
    )
    channel: ServiceChannel = Field(ServiceChannel.COUNTER, description="counter or onsite visit")


class DelayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank: str
    seconds: float = Field(ge=0, le=600)


class OutageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank: str
    down: bool


class ClockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offset_seconds: float | None = Field(
        None, description="the simulator's clock = system time + this"
    )
    now: datetime | None = Field(
        None, description="or: the moment the clock reads now (with a time zone), e.g. sscard's"
    )


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    challenge: str = Field(
        pattern="^[0-9a-f]{32,128}$", description="fresh random hex from the one who asks"
    )


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank: str
    message_id: str = Field(min_length=1, max_length=128)


class RefuseCreditsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_numbers: list[str] = Field(
        max_length=10_000, description="credits to these cards are refused; [] clears the list"
    )
    reason: str = Field(
        "refused_by_bank",
        min_length=1,
        max_length=64,
        description="the answer's reason: a CreditRefusal value or a code of the bank's own",
    )


class AnswerTwiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool


class DepositIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bank_code: str = Field(min_length=1, max_length=16)
    card_number: str = Field(min_length=1, max_length=32)
    amount_fen: int = Field(
        gt=0, le=inbound.BIGINT_MAX, strict=True, description="fen (1/100 yuan) put on the account"
    )


def account_view(a: dict[str, Any], balance_fen: int) -> dict[str, Any]:
    """The account as the teller sees it: the number and the holder's name masked; the balance
    in fen (what credit instructions credited to it and deposits put on it, less what debit
    instructions debited from it)."""
    return {
        "bank_code": a["bank_code"],
        "card_number": a["card_number"],
        "account": a["account_number_masked"],
        "financial_status": a["status"],
        "loss_kind": a["loss_kind"],
        "loss_outlet": a["loss_outlet"],
        "hr_status": a["hr_status"],
        "hr_event": a["hr_event"],
        "superseded_by": a["superseded_by"],
        "closure_requested_at": _iso(a["closure_requested_at"]),
        "closure_reference": a["closure_reference"],
        "last_sequence": a["last_sequence"],
        "report_sequence": a["report_sequence"],
        "balance_fen": balance_fen,
        "holder": {
            "name": a["holder_name_masked"],
            "fields_received": a["holder_fields"],
        },
        "opened_at": _iso(a["opened_at"]),
        "updated_at": _iso(a["updated_at"]),
    }


def report_view(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "message_id": r["message_id"],
        "card_number": r["card_number"],
        "sequence": r["sequence"],
        "type": r["type"],
        "occurred_at": _iso(r["occurred_at"]),
        "account": r.get("account_number_masked"),
        "outlet_code": r["outlet_code"],
        "channel": r["channel"],
        "status": r["status"],
        "attempts": r["attempts"],
        "next_attempt_at": _iso(r["next_attempt_at"]),
        "last_error": r["last_error"],
        "result_code": r["result_code"],
        "sent_at": _iso(r["sent_at"]),
    }


def credit_view(c: dict[str, Any]) -> dict[str, Any]:
    """One payment of a credit instruction (amount in fen) and the state of its answer."""
    return {
        "payment_id": c["payment_id"],
        "instruction_id": c["instruction_id"],
        "payer_code": c["payer_code"],
        "card_number": c["card_number"],
        "amount_fen": c["amount_fen"],
        "kind": c["kind"],
        "period": c["period"],
        "outcome": c["outcome"],
        "reason": c["reason"],
        "recorded_at": _iso(c["recorded_at"]),
        "credited_at": _iso(c["credited_at"]),
        "answer_status": c["answer_status"],
        "attempts": c["attempts"],
        "next_attempt_at": _iso(c["next_attempt_at"]),
        "last_error": c["last_error"],
        "result_code": c["result_code"],
        "sent_at": _iso(c["sent_at"]),
    }


def debit_view(d: dict[str, Any]) -> dict[str, Any]:
    """One debit instruction (amount in fen) and the state of its answer."""
    return {
        "debit_id": d["debit_id"],
        "card_number": d["card_number"],
        "amount_fen": d["amount_fen"],
        "payee_code": d["payee_code"],
        "kind": d["kind"],
        "mandate_reference": d["mandate_reference"],
        "period": d["period"],
        "outcome": d["outcome"],
        "reason": d["reason"],
        "recorded_at": _iso(d["recorded_at"]),
        "answer_status": d["answer_status"],
        "attempts": d["attempts"],
        "next_attempt_at": _iso(d["next_attempt_at"]),
        "last_error": d["last_error"],
        "result_code": d["result_code"],
        "sent_at": _iso(d["sent_at"]),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# ---- banks ----

banks = APIRouter(prefix="/banks/{code}", tags=["bank"])


@banks.post("/webhook", summary="A signed batch of messages from sscard")
async def webhook(code: str, request: Request) -> Response:
    sim = _sim(request)
    bank = sim.available(code)
    body = await request.body()
    now = sim.verify(code, bank, request.headers, body)
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        document = None
    messages = document.get("messages") if isinstance(document, dict) else None
    if not isinstance(messages, list):
        raise InvalidInput(
            field="messages",
            field_name="messages",
            reason_zh="须为报文列表",
            reason_en="the body must be {'messages': [...]}",
        )
    results = await sim.receive(code, messages, now)
    sim.batches[code]["accepted"] += 1
    if delay := sim.answer_delay.get(code):
        await asyncio.sleep(delay)
    return _json({"results": results})


@banks.post("/teller/cards/{card_number}/{action}", summary="A clerk's action at the counter")
async def teller_action(
    code: str,
    card_number: str,
    action: TellerAction,
    request: Request,
    body: TellerIn | None = None,
) -> Response:
    sim = _sim(request)
    sim.bank(code)
    body = body or TellerIn(outlet_code=None, channel=ServiceChannel.COUNTER)
    async with transaction(sim.engine) as conn:
        account, report = await teller.act(
            conn,
            sim.vault,
            code,
            card_number,
            action,
            body.outlet_code,
            body.channel,
            sim.clock.now(),
        )
        balance = await store.balance_of(conn, code, card_number)
    sim.callbacks.wake.set()
    return _json({"account": account_view(account, balance), "report": report_view(report)})


@banks.get("/statement", summary="Every account's status, signed (reconciliation)")
async def bank_statement(code: str, request: Request) -> Response:
    sim = _sim(request)
    bank = sim.available(code)
    now = sim.verify(code, bank, request.headers, await request.body())
    body = await statement(sim.engine, sim.vault, code)
    headers = {AS_OF_HEADER: now.isoformat(), **signed_headers(bank.secret, now, body)}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@banks.get("/reports", summary="Reports to sscard and how each went")
async def reports(
    code: str,
    request: Request,
    status: str | None = Query(None, pattern="^(pending|sent|refused)$"),
    after: int = Query(0, ge=0, description="the last id of the previous page"),
    limit: int = Query(100, ge=1, le=1000),
) -> Response:
    sim = _sim(request)
    sim.bank(code)
    async with transaction(sim.engine, readonly=True) as conn:
        rows = await store.list_reports(conn, code, status, after, limit)
    items = [report_view(r) for r in rows]
    return _json({"items": items, "next_after": rows[-1]["id"] if len(rows) == limit else None})


@banks.get("/accounts/{card_number}", summary="The bank's view of one card")
async def account(code: str, card_number: str, request: Request) -> Response:
    sim = _sim(request)
    sim.bank(code)
    async with transaction(sim.engine, readonly=True) as conn:
        found = await store.get_account(conn, code, card_number)
        balance = await store.balance_of(conn, code, card_number)
    if found is None:
        raise teller.AccountNotFound(field="card_number")
    return _json(account_view(found, balance))


@banks.get("/credits", summary="Credits of sscard's credit instructions and their answers")
async def credits(
    code: str,
    request: Request,
    card_number: str | None = Query(None, max_length=32),
    answer_status: str | None = Query(None, pattern="^(pending|sent|refused)$"),
    after: int = Query(0, ge=0, description="the last payment_id of the previous page"),
    limit: int = Query(100, ge=1, le=1000),
) -> Response:
    sim = _sim(request)
    sim.bank(code)
    async with transaction(sim.engine, readonly=True) as conn:
        rows = await store.list_credits(conn, code, card_number, answer_status, after, limit)
    items = [credit_view(c) for c in rows]
    return _json(
        {"items": items, "next_after": rows[-1]["payment_id"] if len(rows) == limit else None}
    )


@banks.get("/debits", summary="sscard's debit instructions and their answers")
async def debits(
    code: str,
    request: Request,
    card_number: str | None = Query(None, max_length=32),
    answer_status: str | None = Query(None, pattern="^(pending|sent|refused)$"),
    after: int = Query(0, ge=0, description="the last debit_id of the previous page"),
    limit: int = Query(100, ge=1, le=1000),
) -> Response:
    sim = _sim(request)
    sim.bank(code)
    async with transaction(sim.engine, readonly=True) as conn:
        rows = await store.list_debits(conn, code, card_number, answer_status, after, limit)
    items = [debit_view(d) for d in rows]
    return _json(
        {"items": items, "next_after": rows[-1]["debit_id"] if len(rows) == limit else None}
    )


@banks.get("/stats", summary="Messages received and reports sent")
async def stats(code: str, request: Request) -> Response:
    sim = _sim(request)
    sim.bank(code)
    async with transaction(sim.engine, readonly=True) as conn:
        received = await store.received_counts(conn, code)
        sent = await store.status_counts(conn, store.reports, code)
        held = await store.status_counts(conn, store.accounts, code)
        outcomes = await store.status_counts(conn, store.credits, code, "outcome")
        answers = await store.status_counts(conn, store.credits, code, "answer_status")
        debited = await store.status_counts(conn, store.debits, code, "outcome")
        debit_answers = await store.status_counts(conn, store.debits, code, "answer_status")
    totals: Counter[str] = Counter()
    by_topic: dict[str, dict[str, int]] = {}
    for topic, result, n in received:
        totals[result] += n
        by_topic.setdefault(topic, {})[result] = n
    return _json(
        {
            "bank_code": code,
            "batches": dict(sim.batches[code]),
            "messages": {
                "received": sum(totals.values()),
                "applied": totals["applied"],
                "duplicate": totals["duplicate"],
                "rejected": totals["rejected"],
                "by_topic": by_topic,
            },
            "reports": {s: sent.get(s, 0) for s in store.REPORT_STATUSES},
            "accounts": held,
            "credits": {
                **{o.value: outcomes.get(o.value, 0) for o in CreditOutcome},
                "answers": {s: answers.get(s, 0) for s in store.REPORT_STATUSES},
            },
            "debits": {
                **{o.value: debited.get(o.value, 0) for o in DebitOutcome},
                "answers": {s: debit_answers.get(s, 0) for s in store.REPORT_STATUSES},
            },
        }
    )


# ---- control ----

control = APIRouter(tags=["control"])


@control.get("/health")
async def health(request: Request) -> Response:
    sim = _sim(request)
    now = sim.clock.now()
    return _json({"status": "ok", "banks": sorted(sim.config.banks), "now": now.isoformat()})


@control.post("/control/outage", summary="Take a bank's webhook down (503) or bring it back")
async def outage(body: OutageIn, request: Request) -> Response:
    sim = _sim(request)
    sim.bank(body.bank)
    if body.down:
        sim.down.add(body.bank)
    else:
        sim.down.discard(body.bank)
    return _json({"bank": body.bank, "down": body.bank in sim.down})


@control.post("/control/delay", summary="Answer webhooks this long after applying them")
async def delay(body: DelayIn, request: Request) -> Response:
    sim = _sim(request)
    sim.bank(body.bank)
    sim.answer_delay[body.bank] = body.seconds
    return _json({"bank": body.bank, "seconds": body.seconds})


@control.get("/control/clock")
async def get_clock(request: Request) -> Response:
    return _clock(_sim(request))


@control.post("/control/clock", summary="Set the simulator's clock offset from system time")
async def set_clock(body: ClockIn, request: Request) -> Response:
    sim = _sim(request)
    if (body.offset_seconds is None) == (body.now is None):
        raise InvalidInput(
            field="offset_seconds",
            field_name="offset_seconds",
            reason_zh="须给出 offset_seconds 或 now 之一",
            reason_en="give either offset_seconds or now",
        )
    if body.now is not None:
        if body.now.tzinfo is None:
            raise InvalidInput(
                field="now", field_name="now", reason_zh="须带时区", reason_en="needs a time zone"
            )
        system_now = sim.clock.now() - sim.clock.offset
        sim.clock.set_offset(body.now - system_now)
    else:
        sim.clock.set_offset(timedelta(seconds=body.offset_seconds or 0))
    sim.callbacks.wake.set()
    return _clock(sim)


def _clock(sim: Simulator) -> Response:
    offset = sim.clock.offset.total_seconds()
    return _json({"offset_seconds": offset, "now": sim.clock.now().isoformat()})


@control.post("/control/reject", summary="Refuse one message id once (fault tests)")
async def reject(body: RejectIn, request: Request) -> Response:
    sim = _sim(request)
    sim.bank(body.bank)
    sim.reject_once[body.bank].add(body.message_id)
    return _json({"bank": body.bank, "message_id": body.message_id})


@control.post("/control/refuse-credits", summary="Refuse credits to these cards (fault tests)")
async def refuse_credits(body: RefuseCreditsIn, request: Request) -> Response:
    """Every bank refuses the credits to these cards with this reason, whatever their accounts,
    until the list is replaced ([] clears it). Credits already recorded keep their outcome."""
    sim = _sim(request)
    sim.refuse_credits = dict.fromkeys(body.card_numbers, body.reason)
    return _json({"card_numbers": sorted(sim.refuse_credits), "reason": body.reason})


@control.post("/control/answer-twice", summary="Send every credit and debit answer POST twice")
async def answer_twice(body: AnswerTwiceIn, request: Request) -> Response:
    """Each POST of credit or debit answers sscard took is made again at once: sscard must take
    the repeat as a duplicate (200) and change nothing."""
    sim = _sim(request)
    sim.callbacks.answer_twice = body.enabled
    return _json({"enabled": sim.callbacks.answer_twice})


@control.post("/control/deposit", summary="Put money on an account (tests of debits)")
async def deposit(body: DepositIn, request: Request) -> Response:
    """Cash at the counter: the amount counts in the account's balance from now on, whatever
    the account's status (a debit still looks at the status first). 404 for a bank or an
    account the simulator does not hold."""
    sim = _sim(request)
    sim.bank(body.bank_code)
    async with transaction(sim.engine) as conn:
        if await store.get_account(conn, body.bank_code, body.card_number) is None:
            raise teller.AccountNotFound(field="card_number")
        deposit_id = await store.insert_deposit(
            conn, body.bank_code, body.card_number, body.amount_fen, sim.clock.now()
        )
        balance = await store.balance_of(conn, body.bank_code, body.card_number)
    return _json(
        {
            "deposit_id": deposit_id,
            "bank_code": body.bank_code,
            "card_number": body.card_number,
            "amount_fen": body.amount_fen,
            "balance_fen": balance,
        }
    )


@control.post("/control/identity", summary="Prove this is the instance its starter started")
async def prove_identity(body: IdentityIn, request: Request) -> Response:
    sim = _sim(request)
    if not sim.instance_nonce:
        raise identity.NoInstanceNonce()
    proofs = {
        code: identity.proof(bank.secret, sim.instance_nonce, body.challenge, code)
        for code, bank in sorted(sim.config.banks.items())
    }
    return _json({"proofs": proofs})


def create_app(
    sim: Simulator | None = None,
    *,
    config: SimConfig | None = None,
    db: str | None = None,
    instance_nonce: str | None = None,
    key_file: Path | None = None,
) -> FastAPI:
    """The app; tests pass a running Simulator, the CLI passes the configuration and database."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if sim is not None:
            yield
            return
        assert config is not None
        assert db is not None
        owned = await Simulator.open(config, db, instance_nonce=instance_nonce, key_file=key_file)
        app.state.sim = owned
        owned.start()
        try:
            yield
        finally:
            await owned.close()

    # Swagger UI served from the installed package, not a CDN: it works offline. No ReDoc: its
    # footer draws a logo from Redocly's CDN.
    app = FastAPIOffline(
        title="bank simulator (for sscard)",
        description=__doc__ or "",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    if sim is not None:
        app.state.sim = sim
    problems.install(app)
    app.include_router(banks)
    app.include_router(control)
    return app
