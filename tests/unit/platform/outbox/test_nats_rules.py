"""The broker transport's rules that need no broker: stream limits, signature time, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson

from sscard.kernel.config import Settings
from sscard.platform.outbox.nats_sender import ack_outcome
from sscard.platform.outbox.nats_stream import (
    DUPLICATE_WINDOW_SECONDS,
    stream_config,
    subject_for,
)
from sscard.platform.outbox.protocol import DeliveryResult, Outcome
from tests.support.nats_bank import retry_delay, when_stored

WALL = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
BANK = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a bank's clock need not be the wall clock


def test_each_bank_has_its_own_subject_under_the_stream() -> None:
    assert subject_for("ICBC") == "sscard.banks.ICBC"
    assert stream_config("SSCARD_BANKS", ["sscard.banks.>"]).subjects == ["sscard.banks.>"]


def test_the_stream_refuses_new_messages_rather_than_losing_any() -> None:
    config = stream_config("SSCARD_BANKS", ["sscard.banks.>"])
    assert (config.retention, config.storage, config.discard) == ("workqueue", "file", "new")
    assert config.discard_new_per_subject
    assert config.max_age == 0  # nothing a bank has not taken expires
    assert config.max_msgs_per_subject > 0
    assert config.max_bytes is not None
    assert config.max_bytes > 0


def test_the_duplicate_window_covers_a_killed_dispatcher_and_the_first_retries() -> None:
    settings = Settings.from_env({})
    first_retries = sum(settings.delivery_backoff_base_seconds * 2**i for i in range(9))
    assert settings.delivery_lease_seconds + first_retries < DUPLICATE_WINDOW_SECONDS


def test_a_message_is_judged_against_the_moment_it_was_stored() -> None:
    stored = WALL - timedelta(hours=26)  # the bank was down for a day and two hours
    assert when_stored(stored, BANK, WALL) == BANK - timedelta(hours=26)


def test_a_store_time_ahead_of_the_wall_clock_counts_as_now() -> None:
    assert when_stored(WALL + timedelta(seconds=3), BANK, WALL) == BANK


def test_a_rejected_message_waits_longer_each_time_up_to_a_cap() -> None:
    assert [retry_delay(n, 1.0, 60.0) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_a_stored_message_is_applied_and_a_repeat_is_duplicate() -> None:
    stored = orjson.dumps({"stream": "SSCARD_BANKS", "seq": 7})
    repeat = orjson.dumps({"stream": "SSCARD_BANKS", "seq": 7, "duplicate": True})
    assert ack_outcome("m1", None, stored) == (Outcome("m1", DeliveryResult.APPLIED), None)
    assert ack_outcome("m1", None, repeat) == (Outcome("m1", DeliveryResult.DUPLICATE), None)


def refusal(code: int, err_code: int, description: str) -> bytes:
    """A stream's answer refusing a publish, as nats-server 2.9 words it."""
    return orjson.dumps({"error": {"code": code, "err_code": err_code, "description": description}})


def test_a_full_or_absent_stream_leaves_the_message_to_go_again() -> None:
    full = refusal(503, 10077, "maximum messages per subject exceeded")
    assert ack_outcome("m1", None, full) == (
        None,
        "broker refused: maximum messages per subject exceeded (503/10077)",
    )
    outcome, reason = ack_outcome("m1", {"Status": "503"}, b"")
    assert outcome is None
    assert reason is not None
    assert "no stream" in reason


def test_a_message_the_stream_refuses_for_itself_is_rejected() -> None:
    too_big = refusal(400, 10054, "message size exceeds maximum allowed")
    assert ack_outcome("m1", None, too_big) == (
        Outcome(
            "m1",
            DeliveryResult.REJECTED,
            "broker refused: message size exceeds maximum allowed (400/10054)",
        ),
        None,
    )
