"""The simulator's own reading of the wire contract (bank_simulator.wire, .signing, .rules)
against sscard's: a value that drifts on either side fails here by name, not later as a message
the other side cannot read. The end-to-end tests (tests/blackbox/test_bank_sync.py) run the two
against each other over HTTP."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from enum import StrEnum
from importlib import resources

import pytest

from bank_simulator import signing as bank_signing
from bank_simulator import wire
from bank_simulator.config import DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX
from bank_simulator.rules import KNOWN_BINS
from sscard.banks import protocol
from sscard.cards.lifecycle import FinancialStatus
from sscard.platform.outbox import nats_stream
from sscard.platform.outbox import signing as sscard_signing
from sscard.platform.outbox.protocol import DeliveryResult


def _values(enum: type[StrEnum]) -> set[str]:
    return {member.value for member in enum}


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (wire.Topic, protocol.Topic),
        (wire.DeliveryResult, DeliveryResult),
        (wire.ReportType, protocol.ReportType),
        (wire.ServiceChannel, protocol.ServiceChannel),
        (wire.CreditOutcome, protocol.CreditOutcome),
        (wire.CreditRefusal, protocol.CreditRefusal),
        (wire.DebitOutcome, protocol.DebitOutcome),
        (wire.DebitRefusal, protocol.DebitRefusal),
    ],
)
def test_the_bank_knows_every_value_sscard_sends_or_takes(
    ours: type[StrEnum], theirs: type[StrEnum]
) -> None:
    assert _values(ours) == _values(theirs)


def test_statement_statuses_are_sscard_s_financial_statuses_an_account_can_have() -> None:
    # account_requested is sscard's alone: an account the bank holds is at least opened.
    assert _values(wire.AccountStatus) == _values(FinancialStatus) - {"account_requested"}


def test_statement_and_report_names_match() -> None:
    assert wire.STATEMENT_COLUMNS == protocol.STATEMENT_COLUMNS
    assert wire.AS_OF_HEADER == protocol.AS_OF_HEADER
    assert wire.INBOX_REJECTED == protocol.InboxStatus.REJECTED


def test_credit_instruction_names_match() -> None:
    # SPEC PAY-1/2: where the answers go, and how many payments one instruction may carry
    assert wire.Topic.CREDIT_INSTRUCTION == protocol.Topic.CREDIT_INSTRUCTION
    assert wire.CREDIT_ANSWERS_PATH == protocol.CREDIT_ANSWERS_PATH
    assert wire.CREDITS_PER_INSTRUCTION == protocol.CREDITS_PER_INSTRUCTION


def test_debit_instruction_names_match() -> None:
    # SPEC PAY-1 collections: the topic, where the answers go, the outcomes and reasons by name
    assert wire.Topic.DEBIT_INSTRUCTION == protocol.Topic.DEBIT_INSTRUCTION
    assert wire.DEBIT_ANSWERS_PATH == protocol.DEBIT_ANSWERS_PATH
    assert {m.name: m.value for m in wire.DebitOutcome} == {
        m.name: m.value for m in protocol.DebitOutcome
    }
    assert {m.name: m.value for m in wire.DebitRefusal} == {
        m.name: m.value for m in protocol.DebitRefusal
    }


def test_signatures_are_the_same_both_ways() -> None:
    assert bank_signing.TIMESTAMP_HEADER == sscard_signing.TIMESTAMP_HEADER
    assert bank_signing.SIGNATURE_HEADER == sscard_signing.SIGNATURE_HEADER
    assert bank_signing.DEFAULT_TOLERANCE_SECONDS == sscard_signing.DEFAULT_TOLERANCE_SECONDS
    now = datetime.now(UTC)
    for size in (0, 1, 64, 5000):
        key, body = secrets.token_bytes(32), secrets.token_bytes(size)
        headers = bank_signing.signed_headers(key, now, body)
        assert headers == sscard_signing.signed_headers(key, now, body)
        sscard_signing.verify(key, headers, body, now)
        bank_signing.verify(key, sscard_signing.signed_headers(key, now, body), body, now)


def test_the_broker_defaults_are_sscard_s() -> None:
    assert DEFAULT_STREAM == nats_stream.STREAM
    assert DEFAULT_SUBJECT_PREFIX == nats_stream.SUBJECT_PREFIX


def test_known_bins_are_those_of_sscard_s_registry() -> None:
    text = resources.files("sscard.registry.reference").joinpath("data", "banks.json")
    registry = {b["code"]: b["bins"] for b in json.loads(text.read_text("utf-8"))}
    for code, bin_ in KNOWN_BINS.items():
        assert bin_ in registry[code]
    assert {code for code, bins in registry.items() if bins} <= set(KNOWN_BINS)
