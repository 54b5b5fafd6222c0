"""What the simulated bank does with a webhook batch from sscard, message by message, in order.

A batch is applied in one transaction with a fixed number of queries whatever its size: the
ids already applied, the accounts of the cards the messages and their credits name, the
payments and debits already recorded and the balances of the debited cards are read once, the
messages are applied in memory, and the new rows are written in bulk.

A credit instruction (SPEC PAY-1) credits each of its payments to the card's account or refuses
it, and queues the answer owed for it (callbacks.py sends them). A payment already recorded is
not applied again; an instruction that is not well formed is rejected whole, nothing applied.

A debit instruction (SPEC PAY-1 collections by mandate) debits the card's account or refuses it
(rules.debit_refusal: the account's status, then its balance as the batch has left it so far,
credits and debits in message order), and queues its answer. A debit already recorded is not
applied again; one that is not well formed is rejected, the field named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bank_simulator import store
from bank_simulator.callbacks import new_report
from bank_simulator.rules import (
    credit_refusal,
    debit_refusal,
    new_account_number,
    registry_change,
)
from bank_simulator.sealing import Vault
from bank_simulator.wire import (
    CREDITS_PER_INSTRUCTION,
    MESSAGE_ID_MAX,
    AccountStatus,
    CreditOutcome,
    DebitOutcome,
    DeliveryResult,
    ReportType,
    Topic,
)

BIGINT_MAX = 2**63 - 1  # payment ids and amounts are stored as 64-bit integers


@dataclass(frozen=True)
class Credit:
    """One payment of a credit instruction; amount in fen (1/100 yuan)."""

    payment_id: int
    card_number: str
    amount_fen: int
    kind: str
    period: str


@dataclass(frozen=True)
class Instruction:
    instruction_id: str
    payer_code: str | None  # the contract names it; a payload without it is taken all the same
    credits: tuple[Credit, ...]


@dataclass(frozen=True)
class Debit:
    """A debit instruction: collect the amount, in fen, from the card's account for the payee
    under the holder's mandate (checked by sscard)."""

    debit_id: int
    card_number: str
    amount_fen: int
    payee_code: str
    kind: str
    mandate_reference: str
    period: str


@dataclass(frozen=True)
class Message:
    message_id: str
    sequence: int
    topic: str
    card_number: str | None
    payload: dict[str, Any]
    instruction: Instruction | None = None  # bank.credit_instruction: its payload, checked
    debit: Debit | None = None  # bank.debit_instruction: its payload, checked

    @property
    def card(self) -> str | None:
        """The card the message is about; a supersession names the old card."""
        for value in (
            self.card_number,
            self.payload.get("card_number"),
            self.payload.get("old_card_number"),
        ):
            if isinstance(value, str) and value:
                return value
        return None


class Invalid(Exception):
    pass


def parse_message(raw: Any) -> Message:
    if not isinstance(raw, dict):
        raise Invalid("a message must be an object")
    message_id, sequence, topic = raw.get("message_id"), raw.get("sequence"), raw.get("topic")
    card_number, payload = raw.get("card_number"), raw.get("payload", {})
    if not isinstance(message_id, str) or not 0 < len(message_id) <= MESSAGE_ID_MAX:
        raise Invalid(f"message_id must be text of 1 to {MESSAGE_ID_MAX} characters")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise Invalid("sequence must be a positive integer")
    if not isinstance(topic, str):
        raise Invalid("topic must be text")
    if card_number is not None and not isinstance(card_number, str):
        raise Invalid("card_number must be text")
    if not isinstance(payload, dict):
        raise Invalid("payload must be an object")
    instruction = parse_instruction(payload) if topic == Topic.CREDIT_INSTRUCTION else None
    debit = parse_debit(payload, card_number) if topic == Topic.DEBIT_INSTRUCTION else None
    return Message(message_id, sequence, topic, card_number, payload, instruction, debit)


def parse_instruction(payload: dict[str, Any]) -> Instruction:
    """The payload of a credit instruction, every credit checked; Invalid names the first fault
    (the whole message is then rejected and sscard sends it again later)."""
    instruction_id = _required_text(payload, "instruction_id", 64)
    payer_code = None
    if payload.get("payer_code") is not None:
        payer_code = _required_text(payload, "payer_code", 32)
    raw = payload.get("credits")
    if not isinstance(raw, list) or not 0 < len(raw) <= CREDITS_PER_INSTRUCTION:
        raise Invalid(f"credits must be a list of 1 to {CREDITS_PER_INSTRUCTION} credits")
    credits = tuple(_parse_credit(i, c) for i, c in enumerate(raw))
    seen: set[int] = set()
    for c in credits:
        if c.payment_id in seen:
            raise Invalid(f"payment_id {c.payment_id} is in the instruction twice")
        seen.add(c.payment_id)
    _check_totals(payload, credits)
    return Instruction(instruction_id, payer_code, credits)


def parse_debit(payload: dict[str, Any], card_number: str | None) -> Debit:
    """The payload of a debit instruction, checked; Invalid names the first fault. The message
    is about the debited card: its card_number must be the payload's."""
    debit = Debit(
        debit_id=_positive_int(payload, "debit_id"),
        card_number=_required_text(payload, "card_number", 32),
        amount_fen=_positive_int(payload, "amount_fen"),
        payee_code=_required_text(payload, "payee_code", 32),
        kind=_required_text(payload, "kind", 32),
        mandate_reference=_required_text(payload, "mandate_reference", 64),
        period=_required_text(payload, "period", 32),
    )
    if card_number != debit.card_number:
        raise Invalid("card_number of the message must be the debited card's (the payload's)")
    return debit


def _check_totals(payload: dict[str, Any], credits: tuple[Credit, ...]) -> None:
    """The control totals, when the instruction gives them (payment_count, total_fen), must be
    those of its credits, as a bank checks a payment file's trailer."""
    count, total = payload.get("payment_count"), payload.get("total_fen")
    if count is not None and count != len(credits):
        raise Invalid(f"payment_count {count!r} is not the {len(credits)} credits given")
    if total is not None and total != sum(c.amount_fen for c in credits):
        raise Invalid(f"total_fen {total!r} is not the sum of the credits' amount_fen")


def _parse_credit(index: int, raw: Any) -> Credit:
    where = f"credits[{index}]"
    if not isinstance(raw, dict):
        raise Invalid(f"{where} must be an object")
    return Credit(
        payment_id=_positive_int(raw, "payment_id", where),
        card_number=_required_text(raw, "card_number", 32, where),
        amount_fen=_positive_int(raw, "amount_fen", where),
        kind=_required_text(raw, "kind", 32, where),
        period=_required_text(raw, "period", 32, where),
    )


def _required_text(raw: dict[str, Any], name: str, limit: int, where: str = "") -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        label = f"{where}.{name}" if where else name
        raise Invalid(f"{label} must be text of 1 to {limit} characters")
    return value


def _positive_int(raw: dict[str, Any], name: str, where: str = "") -> int:
    value = raw.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= BIGINT_MAX:
        label = f"{where}.{name}" if where else name
        raise Invalid(f"{label} must be a positive integer")
    return value


@dataclass
class Batch:
    """The batch being applied: the accounts it touches and the rows it will write."""

    bank_code: str
    bin: str
    auto_close: bool
    now: datetime
    accounts: dict[str, dict[str, Any]]
    recorded: set[int] = field(default_factory=set)  # payment ids credited or refused already
    refuse_credits: Mapping[str, str] = field(default_factory=dict)  # card -> forced reason
    recorded_debits: set[int] = field(default_factory=set)  # debit ids debited or refused
    balances: dict[str, int] = field(default_factory=dict)  # debited card -> balance (fen)
    opened: dict[str, dict[str, Any]] = field(default_factory=dict)  # card -> account_opened
    new_cards: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    reports: list[dict[str, Any]] = field(default_factory=list)
    credits: list[dict[str, Any]] = field(default_factory=list)  # new sim_credits rows
    debits: list[dict[str, Any]] = field(default_factory=list)  # new sim_debits rows


def _result(message_id: Any, result: DeliveryResult, error: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"message_id": message_id, "status": result.value}
    if error is not None:
        out["error"] = error
    return out


async def receive_batch(
    conn: AsyncConnection,
    vault: Vault,
    bank_code: str,
    bin_: str,
    auto_close: bool,
    messages: list[Any],
    now: datetime,
    reject_once: set[str],
    refuse_credits: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Apply the messages in order; returns one result per message and how many reports and
    credit and debit answers were queued.

    `reject_once` holds message ids the fault control asked to refuse; each is used up here.
    `refuse_credits` maps cards whose credits the fault control refuses to the reason given.
    """
    parsed: list[Message | Invalid] = []
    for raw in messages:
        try:
            parsed.append(parse_message(raw))
        except Invalid as bad:
            parsed.append(bad)
    good = [m for m in parsed if isinstance(m, Message)]
    seen = await store.applied_message_ids(conn, bank_code, [m.message_id for m in good])
    credits = [c for m in good if m.instruction for c in m.instruction.credits]
    debits = [m.debit for m in good if m.debit]
    cards = [c for m in good if (c := m.card) is not None] + [c.card_number for c in credits]
    batch = Batch(
        bank_code,
        bin_,
        auto_close,
        now,
        await store.accounts_of_cards(conn, bank_code, cards),
        recorded=await store.recorded_payment_ids(conn, bank_code, [c.payment_id for c in credits]),
        refuse_credits=refuse_credits or {},
        recorded_debits=await store.recorded_debit_ids(
            conn, bank_code, [d.debit_id for d in debits]
        ),
        balances=await store.balances_of(conn, bank_code, [d.card_number for d in debits]),
    )
    results: list[dict[str, Any]] = []
    log_rows: list[dict[str, Any]] = []
    error: str | None
    for raw, m in zip(messages, parsed, strict=True):
        if isinstance(m, Invalid):
            raw_id = raw.get("message_id") if isinstance(raw, dict) else None
            message_id = raw_id if isinstance(raw_id, str) else None
            result, error = DeliveryResult.REJECTED, f"invalid message: {m}"
            results.append(_result(message_id, result, error))
            log_rows.append(_log_row(batch, None, message_id, result, error))
            continue
        if m.message_id in seen:
            result, error = DeliveryResult.DUPLICATE, None
        elif m.message_id in reject_once:
            reject_once.discard(m.message_id)
            result, error = DeliveryResult.REJECTED, "refused once by the simulator's fault control"
        else:
            result, error = _apply(batch, m)
        if result is DeliveryResult.APPLIED:
            seen.add(m.message_id)
        results.append(_result(m.message_id, result, error))
        log_rows.append(_log_row(batch, m, m.message_id, result, error))
    await _unique_account_numbers(conn, vault, batch)
    await store.insert_accounts(conn, vault, [batch.accounts[c] for c in batch.new_cards])
    await store.update_accounts(conn, [batch.accounts[c] for c in batch.changed - batch.new_cards])
    await store.insert_reports(conn, vault, batch.reports)
    await store.insert_credits(conn, batch.credits)
    await store.insert_debits(conn, batch.debits)
    await store.record_received(conn, log_rows)
    return results, len(batch.reports) + len(batch.credits) + len(batch.debits)


def _log_row(
    batch: Batch,
    m: Message | None,
    message_id: str | None,
    result: DeliveryResult,
    error: str | None,
) -> dict[str, Any]:
    return {
        "bank_code": batch.bank_code,
        "message_id": message_id[:128] if message_id else None,
        "topic": m.topic[:64] if m else None,
        "card_number": m.card[:32] if m and m.card else None,
        "sequence": m.sequence if m else None,
        "result": result.value,
        "error": error[:256] if error else None,
        "received_at": batch.now,
    }


def _apply(batch: Batch, m: Message) -> tuple[DeliveryResult, str | None]:
    if m.instruction is not None:
        return _credit(batch, m.instruction)
    if m.debit is not None:
        return _debit(batch, m.debit)
    card = m.card
    if card is None:
        return DeliveryResult.REJECTED, "the message names no card"
    account = batch.accounts.get(card)
    if account is not None and m.sequence <= account["last_sequence"]:
        # Older than what this card already got: sscard sent it again after a later one.
        return DeliveryResult.DUPLICATE, f"stale: sequence {m.sequence} is not after the last"
    if m.topic == Topic.ACCOUNT_REQUESTED:
        if account is not None:
            return DeliveryResult.DUPLICATE, "the card's account is already open"
        _open_account(batch, card, m)
        return DeliveryResult.APPLIED, None
    try:
        topic = Topic(m.topic)
    except ValueError:
        return DeliveryResult.REJECTED, f"unknown topic {m.topic[:64]!r}"
    if account is None:
        return DeliveryResult.REJECTED, "this bank holds no account for the card"
    if topic is Topic.CARD_STATUS_CHANGED:
        account["hr_status"] = _text(m.payload.get("hr_status"), 32)
        account["hr_event"] = _text(m.payload.get("event"), 32)
        _follow_registry(account, account["hr_event"])
    elif topic is Topic.CARD_SUPERSEDED:
        account["superseded_by"] = _text(m.payload.get("new_card_number"), 32) or "?"
    elif topic is Topic.ACCOUNT_CLOSURE_REQUESTED:
        account["closure_requested_at"] = batch.now
        account["closure_reference"] = _text(m.payload.get("notice_reference"), 64)
        if batch.auto_close and account["status"] != AccountStatus.CLOSED:
            _close(batch, account)
    account["last_sequence"] = m.sequence
    account["updated_at"] = batch.now
    batch.changed.add(card)
    return DeliveryResult.APPLIED, None


def _credit(batch: Batch, instruction: Instruction) -> tuple[DeliveryResult, str | None]:
    """SPEC PAY-1: each payment not yet recorded is credited or refused, its answer queued; an
    instruction whose payments are all recorded already (sent again) changes nothing."""
    fresh = [c for c in instruction.credits if c.payment_id not in batch.recorded]
    if not fresh:
        return DeliveryResult.DUPLICATE, "every payment of the instruction is already recorded"
    for credit in fresh:
        batch.recorded.add(credit.payment_id)
        batch.credits.append(_credit_row(batch, instruction, credit))
    return DeliveryResult.APPLIED, None


def _credit_row(batch: Batch, instruction: Instruction, credit: Credit) -> dict[str, Any]:
    """The payment as recorded, with its answer pending. The fault control's refusal comes
    first; otherwise the account decides (rules.credit_refusal), as it stands at this point of
    the batch (an account opened or closed by an earlier message counts)."""
    account = batch.accounts.get(credit.card_number)
    reason = batch.refuse_credits.get(credit.card_number) or credit_refusal(
        account["status"] if account is not None else None
    )
    outcome = CreditOutcome.REFUSED if reason else CreditOutcome.CREDITED
    if outcome is CreditOutcome.CREDITED and credit.card_number in batch.balances:
        batch.balances[credit.card_number] += credit.amount_fen  # a later debit may spend it
    return {
        "bank_code": batch.bank_code,
        "payment_id": credit.payment_id,
        "instruction_id": instruction.instruction_id,
        "payer_code": instruction.payer_code,
        "card_number": credit.card_number,
        "amount_fen": credit.amount_fen,
        "kind": credit.kind,
        "period": credit.period,
        "outcome": outcome.value,
        "reason": str(reason)[:64] if reason else None,
        "recorded_at": batch.now,
        "credited_at": batch.now if outcome is CreditOutcome.CREDITED else None,
        "answer_status": store.PENDING,
        "attempts": 0,
        "next_attempt_at": batch.now,
        "last_error": None,
        "result_code": None,
        "sent_at": None,
    }


def _debit(batch: Batch, debit: Debit) -> tuple[DeliveryResult, str | None]:
    """SPEC PAY-1 collections: a debit not yet recorded is debited or refused, its answer
    queued; one recorded already (sent again) changes nothing."""
    if debit.debit_id in batch.recorded_debits:
        return DeliveryResult.DUPLICATE, "the debit is already recorded"
    batch.recorded_debits.add(debit.debit_id)
    account = batch.accounts.get(debit.card_number)
    balance = batch.balances.get(debit.card_number, 0)
    reason = debit_refusal(
        account["status"] if account is not None else None, balance, debit.amount_fen
    )
    outcome = DebitOutcome.REFUSED if reason else DebitOutcome.DEBITED
    if outcome is DebitOutcome.DEBITED:
        batch.balances[debit.card_number] = balance - debit.amount_fen
    batch.debits.append(
        {
            "bank_code": batch.bank_code,
            "debit_id": debit.debit_id,
            "card_number": debit.card_number,
            "amount_fen": debit.amount_fen,
            "payee_code": debit.payee_code,
            "kind": debit.kind,
            "mandate_reference": debit.mandate_reference,
            "period": debit.period,
            "outcome": outcome.value,
            "reason": reason.value if reason else None,
            "recorded_at": batch.now,
            "answer_status": store.PENDING,
            "attempts": 0,
            "next_attempt_at": batch.now,
            "last_error": None,
            "result_code": None,
            "sent_at": None,
        }
    )
    return DeliveryResult.APPLIED, None


def _follow_registry(account: dict[str, Any], event: str | None) -> None:
    """A formal loss or its unlock made at sscard's counters, on the account too; no report
    back (the change came from sscard)."""
    change = registry_change(account["status"], account["loss_kind"], account["before_loss"], event)
    if change is None:
        return
    account.update(
        status=change.status.value,
        loss_kind=change.loss_kind.value if change.loss_kind else None,
        before_loss=change.before_loss.value if change.before_loss else None,
    )
    if change.loss_kind is None:
        account["loss_outlet"] = None


def _text(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if value is not None else None


def _open_account(batch: Batch, card: str, m: Message) -> None:
    """SPEC ISS-2: a Class I account at once; the account number goes back to sscard."""
    account: dict[str, Any] = {
        "bank_code": batch.bank_code,
        "card_number": card,
        "account_number": new_account_number(batch.bin),
        "status": AccountStatus.ACCOUNT_OPENED.value,
        "loss_kind": None,
        "before_loss": None,
        "loss_outlet": None,
        "hr_status": None,
        "hr_event": None,
        "superseded_by": None,
        "closure_requested_at": None,
        "closure_reference": None,
        "holder": m.payload,  # store.insert_accounts keeps what a bank keeps, sealed
        "last_sequence": m.sequence,
        "report_sequence": 0,
        "opened_at": batch.now,
        "updated_at": batch.now,
    }
    batch.accounts[card] = account
    batch.new_cards.add(card)
    report = new_report(
        account, ReportType.ACCOUNT_OPENED, batch.now, account_number=account["account_number"]
    )
    batch.opened[card] = report
    batch.reports.append(report)


def _close(batch: Batch, account: dict[str, Any]) -> None:
    account.update(status=AccountStatus.CLOSED.value, loss_kind=None, before_loss=None)
    batch.reports.append(new_report(account, ReportType.ACCOUNT_CLOSED, batch.now))


async def _unique_account_numbers(conn: AsyncConnection, vault: Vault, batch: Batch) -> None:
    """Draw again for the (astronomically rare) number already taken, here or in the batch."""
    accepted: set[str] = set()
    pending = list(batch.opened)
    while pending:
        numbers = [batch.accounts[c]["account_number"] for c in pending]
        taken = await store.taken_account_numbers(conn, vault, numbers)
        again = []
        for card, number in zip(pending, numbers, strict=True):
            if number in taken or number in accepted:
                again.append(card)
            else:
                accepted.add(number)
        for card in again:
            number = new_account_number(batch.bin)
            batch.accounts[card]["account_number"] = number
            batch.opened[card]["account_number"] = number
        pending = again
