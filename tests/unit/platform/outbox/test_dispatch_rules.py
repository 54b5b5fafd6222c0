"""The delivery rules without a database: backoff, outcomes, bank answers, endpoint addresses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sscard.kernel.config import Settings
from sscard.kernel.errors import InvalidInput
from sscard.platform.outbox.dispatcher import sender_for
from sscard.platform.outbox.extensions import OutboxHooks
from sscard.platform.outbox.http_sender import HttpSender, parse_results
from sscard.platform.outbox.protocol import (
    DeliveryResult,
    EndpointUnavailable,
    Outcome,
    Transport,
    card_number_of,
)
from sscard.platform.outbox.rules import (
    Claimed,
    RetryPolicy,
    check_address,
    check_secret,
    parse_secret_hex,
    plan_outcomes,
    safe_error,
)

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
POLICY = RetryPolicy(base_seconds=2, max_seconds=60, max_attempts=3)


def _low() -> float:
    return 0.0


def _high() -> float:
    return 0.999999


@pytest.mark.parametrize(
    ("failures", "low", "high"),
    [(1, 1, 2), (2, 2, 4), (3, 4, 8), (5, 16, 32), (6, 30, 60), (40, 30, 60), (10_000, 30, 60)],
)
def test_backoff_doubles_up_to_the_cap_with_jitter_in_its_upper_half(
    failures: int, low: float, high: float
) -> None:
    assert POLICY.backoff(failures, 0.0) == timedelta(seconds=low)
    assert timedelta(seconds=low) < POLICY.backoff(failures, 0.999) <= timedelta(seconds=high)


def test_acknowledged_messages_are_delivered_and_missing_ones_count_as_an_attempt() -> None:
    """A message the answer leaves out goes again after a backoff, with the reason recorded,
    not at once round after round (found by the adversarial review of the delta exchange)."""
    claimed = [Claimed(1, "a", 0), Claimed(2, "b", 4), Claimed(3, "c", 0)]
    outcomes = [
        Outcome("a", DeliveryResult.APPLIED),
        Outcome("b", DeliveryResult.DUPLICATE),
        Outcome("zzz", DeliveryResult.APPLIED),
    ]
    plan = plan_outcomes(claimed, outcomes, NOW, POLICY, _low)
    assert (plan.delivered, plan.failed) == ([1, 2], 0)
    [missing] = plan.retried
    assert (missing["o_id"], missing["o_attempts"], missing["o_status"]) == (3, 1, "pending")
    assert missing["o_next"] > NOW
    assert missing["o_error"] == "the answer gave no result for this message"


def test_a_rejection_is_retried_with_backoff_then_failed_at_the_last_attempt() -> None:
    claimed = [Claimed(1, "a", 0), Claimed(2, "b", 2)]
    outcomes = [
        Outcome("a", DeliveryResult.REJECTED, "no such branch"),
        Outcome("b", DeliveryResult.REJECTED, None),
    ]
    plan = plan_outcomes(claimed, outcomes, NOW, POLICY, _high)
    first, last = plan.retried
    assert (first["o_id"], first["o_status"], first["o_attempts"]) == (1, "pending", 1)
    assert NOW + timedelta(seconds=1) < first["o_next"] <= NOW + timedelta(seconds=2)
    assert first["o_error"] == "no such branch"
    assert (last["o_id"], last["o_status"], last["o_attempts"], last["o_error"]) == (
        2,
        "failed",
        3,
        "rejected",
    )
    assert (plan.delivered, plan.failed) == ([], 1)


def test_a_banks_reason_quoting_a_personal_number_is_not_kept() -> None:
    """SPEC ID-6: a reason that echoes an ID or phone number is replaced, not stored."""
    assert "110101199001151234" not in safe_error("holder 110101199001151234 unknown")
    assert "13900000000" not in safe_error("call 139-0000-0000")
    assert safe_error("x" * 400) == "x" * 256


def test_the_card_a_message_is_about() -> None:
    """A topic names its card in `card_number` unless its publisher registered another field
    (banks: a supersession is about the old card)."""
    hooks = OutboxHooks(card_fields={"bank.card_superseded": "old_card_number"})
    assert card_number_of({"card_number": "A00000001"}) == "A00000001"
    superseded = {"old_card_number": "A00000001", "new_card_number": "B"}
    assert hooks.card_number("bank.card_superseded", superseded) == "A00000001"
    assert hooks.card_number("bank.card_status_changed", superseded) is None
    assert card_number_of({"card_id": 3}) is None


def test_a_banks_answer_is_read_leniently_per_result_but_must_be_a_results_list() -> None:
    sent = {"a", "b", "c"}
    answer = {
        "results": [
            {"message_id": "a", "status": "applied"},
            {"message_id": "b", "status": "rejected", "error": "closed"},
            {"message_id": "c", "status": "maybe"},
            {"message_id": "other", "status": "applied"},
            "junk",
        ]
    }
    assert parse_results(answer, sent) == [
        Outcome("a", DeliveryResult.APPLIED),
        Outcome("b", DeliveryResult.REJECTED, "closed"),
    ]
    for bad in ({"result": []}, [], None, {"results": {}}):
        with pytest.raises(EndpointUnavailable):
            parse_results(bad, sent)


@pytest.mark.parametrize(
    ("transport", "url", "ok"),
    [
        (Transport.HTTP, "http://127.0.0.1:8700/banks/ICBC/webhook", True),
        (Transport.HTTP, "https://bank.example/x?y=1", True),
        (Transport.HTTP, "ftp://bank.example/x", False),
        (Transport.HTTP, "https:///nohost", False),
        (Transport.HTTP, "http://bank.example/a b", False),
        (Transport.HTTP, "http://bank.example/" + "x" * 256, False),
        (Transport.NATS, "sscard.banks.ICBC", True),
        (Transport.NATS, "sscard.banks.*", False),
        (Transport.NATS, "sscard..banks", False),
        (Transport.NATS, "sscard banks", False),
    ],
)
def test_endpoint_addresses(transport: Transport, url: str, ok: bool) -> None:
    if ok:
        check_address(transport, url)
    else:
        with pytest.raises(InvalidInput):
            check_address(transport, url)


def test_secrets_given_in_hex_are_16_to_64_bytes() -> None:
    assert parse_secret_hex(None) is None
    assert parse_secret_hex(" ") is None
    assert parse_secret_hex("AB" * 16) == b"\xab" * 16
    with pytest.raises(InvalidInput):
        parse_secret_hex("xyz")
    check_secret(b"k" * 16)
    check_secret(b"k" * 64)
    for bad in (b"k" * 15, b"k" * 65):
        with pytest.raises(InvalidInput):
            check_secret(bad)


async def test_the_transport_picks_the_sender() -> None:
    settings = Settings.from_env({"SSCARD_NATS_URL": "nats://127.0.0.1:1"})
    http = sender_for(Transport.HTTP, settings)
    assert isinstance(http, HttpSender)
    await http.close()
    nats_sender = pytest.importorskip("sscard.platform.outbox.nats_sender")
    nats = sender_for(Transport.NATS, settings)
    assert isinstance(nats, nats_sender.NatsSender)
    await nats.close()
