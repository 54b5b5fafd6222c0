"""The simulator's wire shapes: incoming messages, outgoing reports, backoff, the config file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from bank_simulator.callbacks import backoff_seconds, new_report, report_body
from bank_simulator.config import load_config
from bank_simulator.inbound import Invalid, parse_message
from bank_simulator.statement import statement_csv
from bank_simulator.wire import STATEMENT_COLUMNS, ReportType, ServiceChannel

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _account(card: str = "A00000001") -> dict[str, object]:
    return {"bank_code": "ICBC", "card_number": card, "report_sequence": 0}


def test_reports_count_per_card_from_one_without_gaps() -> None:
    a, b = _account("A00000001"), _account("A00000002")
    seqs = [new_report(a, ReportType.ACCOUNT_OPENED, NOW)["sequence"] for _ in range(3)]
    assert seqs == [1, 2, 3]
    assert new_report(b, ReportType.ACCOUNT_OPENED, NOW)["sequence"] == 1


def test_report_ids_are_fresh_and_name_the_bank() -> None:
    a = _account()
    ids = {new_report(a, ReportType.FINANCIAL_LOSS, NOW)["message_id"] for _ in range(50)}
    assert len(ids) == 50
    assert all(i.startswith("ICBC-") and len(i) <= 64 for i in ids)


def test_report_body_carries_only_the_fields_set() -> None:
    a = _account()
    opened = new_report(a, ReportType.ACCOUNT_OPENED, NOW, account_number="6222020000000000001")
    body = report_body(opened)
    assert body == {
        "message_id": opened["message_id"],
        "card_number": "A00000001",
        "sequence": 1,
        "type": "account_opened",
        "occurred_at": NOW.isoformat(),
        "account_number": "6222020000000000001",
    }
    loss = report_body(
        new_report(
            a,
            ReportType.FORMAL_LOSS,
            NOW,
            outlet_code="3204-BANK-001",
            channel=ServiceChannel.ONSITE,
        )
    )
    assert (loss["outlet_code"], loss["channel"], loss["sequence"]) == (
        "3204-BANK-001",
        "onsite",
        2,
    )
    assert "account_number" not in loss


def test_backoff_doubles_up_to_the_ceiling() -> None:
    assert [backoff_seconds(n, 0.5, 5) for n in range(1, 7)] == [0.5, 1, 2, 4, 5, 5]
    assert backoff_seconds(10_000, 0.5, 60) == 60


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("text", "object"),
        ({"sequence": 1, "topic": "t"}, "message_id"),
        ({"message_id": "x" * 65, "sequence": 1, "topic": "t"}, "message_id"),
        ({"message_id": "m", "sequence": "1", "topic": "t"}, "sequence"),
        ({"message_id": "m", "sequence": True, "topic": "t"}, "sequence"),
        ({"message_id": "m", "sequence": 0, "topic": "t"}, "sequence"),
        ({"message_id": "m", "sequence": 1, "topic": 5}, "topic"),
        ({"message_id": "m", "sequence": 1, "topic": "t", "payload": []}, "payload"),
    ],
)
def test_malformed_messages_are_named(raw: object, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        parse_message(raw)


def test_a_supersession_is_about_the_old_card() -> None:
    m = parse_message(
        {
            "message_id": "m",
            "sequence": 3,
            "topic": "bank.card_superseded",
            "card_number": None,
            "payload": {"old_card_number": "A00000001", "new_card_number": "A00000009"},
        }
    )
    assert m.card == "A00000001"


def test_statement_csv_has_the_protocol_header() -> None:
    body = statement_csv([("A00000001", "6222020000000000001", "active")])
    assert body.decode().splitlines() == [
        ",".join(STATEMENT_COLUMNS),
        "A00000001,6222020000000000001,active",
    ]


def test_config_reads_banks_and_ignores_foreign_members(tmp_path: Path) -> None:
    path = tmp_path / "sim.json"
    path.write_text(
        '{"sscard_url": "http://127.0.0.1:8000/", "transport": "http",'
        ' "banks": {"ICBC": {"secret_hex": "0a0b", "token": "t", "auto_close": true}}}'
    )
    config = load_config(path)
    assert config.reports_url == "http://127.0.0.1:8000/api/v1/bank-reports"
    assert config.banks["ICBC"].secret == b"\x0a\x0b"
    assert config.banks["ICBC"].auto_close


def test_config_refuses_a_secret_that_is_not_hex(tmp_path: Path) -> None:
    path = tmp_path / "sim.json"
    path.write_text('{"sscard_url": "u", "banks": {"ICBC": {"secret_hex": "zz", "token": "t"}}}')
    with pytest.raises(ValidationError):
        load_config(path)
