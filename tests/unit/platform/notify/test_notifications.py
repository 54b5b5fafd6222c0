"""Notification templates, params free of personal data, retries, the file sender.

SPEC REP-5, ISS-7, LOSS-2, ID-6.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sscard.kernel.config import Settings
from sscard.kernel.masking import personal_number_kind
from sscard.platform.notify.rules import MAX_ATTEMPTS, retry_at
from sscard.platform.notify.senders import FileSender, Message, sender_from_settings
from sscard.platform.notify.templates import TEMPLATES, clean_params, placeholders, render
from sscard.wiring import wire

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def wired() -> None:
    """Templates are registered by the composition root, as in every process."""
    wire()


def test_repeat_exchange_reminder_names_the_count_and_the_credit_record() -> None:
    """SPEC REP-5: the SMS says how many times and that malicious repeats enter the record."""
    zh, en = render("repeat_exchange_reminder", {"count": 4})
    assert zh.startswith("【江苏人社】")
    assert "补换卡4次" in zh
    assert "人社信用记录" in zh
    assert "4 times" in en
    assert "HR credit record" in en


def test_expiry_and_online_loss_templates_render() -> None:
    """SPEC ISS-7 (exchange before the financial function expires), LOSS-2 (report at the bank)."""
    zh, en = render("expiry_exchange_reminder", {"expiry_date": "2036-11-23"})
    assert "2036-11-23" in zh
    assert "换卡" in zh
    assert "2036-11-23" in en
    zh, en = render("online_loss_bank_reminder", {})
    assert "银行" in zh
    assert "bank" in en


def test_every_template_has_both_languages_and_the_same_placeholders() -> None:
    """SPEC REP-5: templates are data; zh and en need the same values."""
    import string

    assert set(TEMPLATES) == {
        "repeat_exchange_reminder",
        "expiry_exchange_reminder",
        "online_loss_bank_reminder",
        "online_sign_in_code",
        "online_card_mailed",
        "payment_held",
        "online_card_returned",
    }
    for code, spec in TEMPLATES.items():
        zh = {n for _, n, _, _ in string.Formatter().parse(spec.zh) if n}
        en = {n for _, n, _, _ in string.Formatter().parse(spec.en) if n}
        assert zh == en == placeholders(code), code
        assert spec.rule


@pytest.mark.parametrize(
    "text",
    [
        "320499199001151234",
        "32049919900115123X",
        "320499900115123",
        "３２０４９９１９９００１１５１２３４",  # full-width digits
        "证件 320499 19900115 1234",
    ],
)
def test_id_like_numbers_are_found(text: str) -> None:
    """SPEC ID-6: 15/18-digit ID-like numbers count as personal data."""
    assert personal_number_kind(text) == "id_number"


@pytest.mark.parametrize("text", ["13900000000", "电话139-0000-0000", "tel 139 0000 0000"])
def test_phone_like_numbers_are_found(text: str) -> None:
    """SPEC ID-6: 11-digit phone-like numbers count as personal data."""
    assert personal_number_kind(text) == "phone"


@pytest.mark.parametrize(
    "text", ["F41665315", "2026-11-23", "本月第4次补卡", "1234567890", "1234567890123456"]
)
def test_card_numbers_dates_and_counts_are_not_personal(text: str) -> None:
    """SPEC ID-6 / REP-5: card numbers and counts are fine in a message."""
    assert personal_number_kind(text) is None


def test_params_refuse_personal_data_without_echoing_it() -> None:
    """SPEC ID-6: params hold no names, ID numbers or phones; the error never shows the value."""
    with pytest.raises(ValueError, match="'card'") as e:
        clean_params("repeat_exchange_reminder", {"count": 4, "card": "320499199001151234"})
    assert "320499199001151234" not in str(e.value)
    with pytest.raises(ValueError, match="'phone'"):
        clean_params("repeat_exchange_reminder", {"count": 4, "phone": "x"})
    with pytest.raises(ValueError, match="'name'"):
        clean_params("repeat_exchange_reminder", {"count": 4, "name": "张三"})


def test_params_need_a_known_template_and_its_placeholders() -> None:
    """SPEC REP-5: a message that could not be rendered is refused when queued, not when sent."""
    with pytest.raises(ValueError, match="unknown"):
        clean_params("no_such_template", {})
    with pytest.raises(ValueError, match="count"):
        clean_params("repeat_exchange_reminder", {})
    with pytest.raises(ValueError, match="must be text"):
        clean_params("repeat_exchange_reminder", {"count": [4]})


def test_dates_in_params_are_stored_as_iso_text() -> None:
    """SPEC ISS-7: the expiry date goes into the JSON params as text."""
    params = clean_params("expiry_exchange_reminder", {"expiry_date": date(2036, 11, 23)})
    assert params == {"expiry_date": "2036-11-23"}


def test_retries_back_off_and_stop_at_the_cap() -> None:
    """SPEC REP-5: a failing message is retried later, and dead after the last attempt."""
    delays = [retry_at(n, NOW) for n in range(1, MAX_ATTEMPTS + 1)]
    assert delays[:-1] == sorted(d for d in delays[:-1] if d is not None)
    assert delays[0] == NOW + timedelta(minutes=1)
    assert delays[-1] is None


async def test_file_sender_writes_a_json_line_with_the_phone_masked(tmp_path: Path) -> None:
    """SPEC ID-6, REP-5: the operator's file shows the masked phone and the text."""
    sender = FileSender(tmp_path)
    message = Message(7, 3, "sms", "repeat_exchange_reminder", "13912345678", "中文", "en", NOW)
    await sender.send(message)
    await sender.send(message)
    path = tmp_path / "sms-2026-11-23.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["to"] == "139****5678"
    assert json.loads(lines[0])["text_zh"] == "中文"
    assert "13912345678" not in path.read_text(encoding="utf-8")
    assert "13912345678" not in repr(message)


def test_sender_is_chosen_by_setting(tmp_path: Path) -> None:
    """SPEC REP-5: SSCARD_NOTIFICATION_SENDER picks the sender; `file` is the default."""
    default = Settings.from_env({"SSCARD_VAR_DIR": str(tmp_path)})
    sender = sender_from_settings(default)
    assert isinstance(sender, FileSender)
    assert sender.directory == tmp_path / "notifications"
    unknown = Settings.from_env({"SSCARD_NOTIFICATION_SENDER": "carrier-pigeon"})
    with pytest.raises(ValueError, match="carrier-pigeon"):
        sender_from_settings(unknown)
