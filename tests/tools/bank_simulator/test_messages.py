"""The simulator's wire shapes: incoming messages and credit instructions, outgoing reports and
credit answers, backoff, the config file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from bank_simulator.callbacks import (
    answer_posts,
    answers_body,
    backoff_seconds,
    new_report,
    report_body,
)
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


def _instruction(*credits: object, **payload: object) -> dict[str, object]:
    return {
        "message_id": "m",
        "sequence": 7,
        "topic": "bank.credit_instruction",
        "card_number": None,
        "payload": {"instruction_id": "CI-1", "payer_code": "320400", "credits": list(credits)}
        | payload,
    }


def _credit(payment_id: object = 1, **changes: object) -> dict[str, object]:
    credit: dict[str, object] = {
        "payment_id": payment_id,
        "card_number": "A00000001",
        "amount_fen": 12_345,
        "kind": "pension",
        "period": "2026-11",
    }
    return credit | changes


def test_a_credit_instruction_is_read_whole() -> None:
    m = parse_message(_instruction(_credit(1), _credit(2, card_number="A00000002")))
    assert m.card is None
    assert m.instruction is not None
    assert (m.instruction.instruction_id, m.instruction.payer_code) == ("CI-1", "320400")
    assert [(c.payment_id, c.card_number, c.amount_fen) for c in m.instruction.credits] == [
        (1, "A00000001", 12_345),
        (2, "A00000002", 12_345),
    ]


def test_the_payer_code_may_be_left_out_and_control_totals_are_checked() -> None:
    # sscard's payload names its payments' instruction and totals, not always the payer
    without = parse_message(_instruction(_credit(1), payer_code=None))
    assert without.instruction is not None
    assert without.instruction.payer_code is None
    totals = parse_message(_instruction(_credit(1), _credit(2), payment_count=2, total_fen=24_690))
    assert totals.instruction is not None
    with pytest.raises(Invalid, match="payment_count 3"):
        parse_message(_instruction(_credit(1), _credit(2), payment_count=3))
    with pytest.raises(Invalid, match="total_fen 1"):
        parse_message(_instruction(_credit(1), total_fen=1))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (_instruction(_credit(amount_fen=0)), r"credits\[0\]\.amount_fen"),
        (_instruction(_credit(amount_fen=-5)), "amount_fen"),
        (_instruction(_credit(amount_fen="100")), "amount_fen"),
        (_instruction(_credit(amount_fen=True)), "amount_fen"),
        (_instruction(_credit(amount_fen=1.5)), "amount_fen"),
        (_instruction(_credit(amount_fen=2**63)), "amount_fen"),
        (_instruction(_credit(payment_id=None)), "payment_id"),
        (_instruction(_credit(1), _credit(card_number="")), r"credits\[1\]\.card_number"),
        (_instruction(_credit(kind=None)), "kind"),
        (_instruction(_credit(period=202611)), "period"),
        (_instruction(_credit(1), _credit(1)), "payment_id 1 is in the instruction twice"),
        (_instruction(), "credits"),
        (_instruction(credits="all"), "credits"),
        (_instruction(*(_credit(n) for n in range(1, 1002))), "1 to 1000"),
        (_instruction(_credit(), instruction_id=None), "instruction_id"),
        (_instruction(_credit(), payer_code=""), "payer_code"),
        (_instruction("credit"), r"credits\[0\] must be an object"),
    ],
)
def test_a_credit_instruction_with_any_bad_credit_is_invalid(
    raw: dict[str, object], reason: str
) -> None:
    with pytest.raises(Invalid, match=reason):
        parse_message(raw)


def test_answers_go_per_instruction_in_posts_of_at_most_n() -> None:
    rows = [
        {"bank_code": bank, "instruction_id": ci, "payment_id": n, "outcome": "credited"}
        for bank, ci, n in [
            ("ICBC", "CI-1", 1),
            ("ICBC", "CI-1", 2),
            ("ICBC", "CI-1", 3),
            ("ICBC", "CI-2", 4),
            ("SZB", "CI-2", 5),
        ]
    ]
    posts = answer_posts(rows, 2)
    assert [[r["payment_id"] for r in post] for post in posts] == [[1, 2], [3], [4], [5]]
    assert [len(p) for p in answer_posts(rows, 1000)] == [3, 1, 1]


def test_an_answer_carries_a_reason_only_when_refused() -> None:
    rows = [
        {"instruction_id": "CI-1", "payment_id": 1, "outcome": "credited", "reason": None},
        {"instruction_id": "CI-1", "payment_id": 2, "outcome": "refused", "reason": "no_account"},
    ]
    assert answers_body(rows) == {
        "instruction_id": "CI-1",
        "answers": [
            {"payment_id": 1, "outcome": "credited"},
            {"payment_id": 2, "outcome": "refused", "reason": "no_account"},
        ],
    }


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
    assert config.credit_answers_url == "http://127.0.0.1:8000/api/v1/bank-credit-answers"
    assert config.answers_per_post == 1000
    assert config.banks["ICBC"].secret == b"\x0a\x0b"
    assert config.banks["ICBC"].auto_close


def test_config_refuses_a_secret_that_is_not_hex(tmp_path: Path) -> None:
    path = tmp_path / "sim.json"
    path.write_text('{"sscard_url": "u", "banks": {"ICBC": {"secret_hex": "zz", "token": "t"}}}')
    with pytest.raises(ValidationError):
        load_config(path)
