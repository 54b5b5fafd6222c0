"""The notification outbox: enqueue in the business transaction, deliver outside it.

SPEC REP-5 (repeat-exchange SMS), ID-6 (phone decrypted only to send, masked in the file),
CH-1 (who may list and deliver), CH-2 (the row records attempts and outcome).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sscard.cli import app as cli_app
from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from sscard.platform.notify import delivery
from sscard.platform.notify import rules as notify_rules
from sscard.platform.notify import service as notifications
from sscard.platform.notify.models import notifications as table
from sscard.platform.notify.senders import FileSender, Message
from tests.integration.conftest import TEST_KEY
from tests.support.api import Api


class Counting:
    """A sender that remembers every message it got."""

    def __init__(self, pause: float = 0.0) -> None:
        self.sent: list[Message] = []
        self.pause = pause

    async def send(self, message: Message) -> None:
        if self.pause:
            await asyncio.sleep(self.pause)
        self.sent.append(message)


class Failing:
    """A gateway that is down."""

    def __init__(self) -> None:
        self.calls = 0

    async def send(self, message: Message) -> None:
        self.calls += 1
        raise ConnectionError("gateway down for 139****0000")


async def _enqueue(api: Api, person_id: int, count: int = 4) -> int:
    async with api.rt.unit(OPERATOR) as ctx:
        return await notifications.enqueue(
            ctx.conn,
            person_id=person_id,
            template="repeat_exchange_reminder",
            params={"count": count},
            at=ctx.now,
        )


async def _row(api: Api, notification_id: int) -> dict[str, Any]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        r = (await ctx.conn.execute(select(table).where(table.c.id == notification_id))).one()
        return dict(r._mapping)


def _lines(directory: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(directory.glob("sms-*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


async def test_enqueue_in_a_rolled_back_transaction_leaves_nothing(api: Api) -> None:
    """SPEC REP-5: the reminder is part of the business transaction; a rollback takes it back."""
    person = await api.person()

    async def refused_replacement() -> None:
        async with api.rt.unit(OPERATOR) as ctx:
            await notifications.enqueue(
                ctx.conn,
                person_id=person["person_id"],
                template="repeat_exchange_reminder",
                params={"count": 4},
                at=ctx.now,
            )
            raise RuntimeError("the replacement was refused after all")

    with pytest.raises(RuntimeError):
        await refused_replacement()
    assert await api.count("notifications") == 0


async def test_enqueue_many_queues_a_batch_in_one_go(api: Api, tmp_path: Path) -> None:
    """SPEC ISS-7: expiry reminders for many cards are queued set-based, then delivered."""
    people = [await api.person() for _ in range(3)]
    async with api.rt.unit(OPERATOR) as ctx:
        queued = await notifications.enqueue_many(
            ctx.conn,
            [
                {
                    "person_id": p["person_id"],
                    "template": "expiry_exchange_reminder",
                    "params": {"card_number": "F41665315", "expiry_date": "2036-11-23"},
                }
                for p in people
            ],
            at=ctx.now,
        )
    assert queued == 3
    report = await delivery.deliver_pending(api.rt, FileSender(tmp_path))
    assert report.sent == 3
    assert all("2036-11-23" in line["text_zh"] for line in _lines(tmp_path))


async def test_delivery_writes_the_file_with_the_masked_phone_and_marks_sent(
    api: Api, tmp_path: Path, clock: ManualClock
) -> None:
    """SPEC REP-5, ID-6: the SMS reaches the operator's file, phone masked; the row says sent."""
    person = await api.person(phone="13912345678")
    nid = await _enqueue(api, person["person_id"], count=4)

    report = await delivery.deliver_pending(api.rt, FileSender(tmp_path))

    assert (report.claimed, report.sent, report.more) == (1, 1, False)
    [line] = _lines(tmp_path)
    assert line["notification_id"] == nid
    assert line["to"] == "139****5678"
    assert "补换卡4次" in line["text_zh"]
    assert "13912345678" not in (tmp_path / "sms-2026-11-23.jsonl").read_text(encoding="utf-8")
    row = await _row(api, nid)
    assert row["status"] == "sent"
    assert row["sent_at"] == clock.now()
    assert row["attempts"] == 1
    assert row["recipient_masked"] == "139****5678"
    again = await delivery.deliver_pending(api.rt, FileSender(tmp_path))
    assert again.claimed == 0
    assert len(_lines(tmp_path)) == 1


async def test_failing_sender_is_retried_later_and_dead_after_the_cap(
    api: Api, clock: ManualClock
) -> None:
    """SPEC REP-5: a failure is recorded by class name, retried with back-off, dead at the cap."""
    person = await api.person()
    nid = await _enqueue(api, person["person_id"])
    sender = Failing()

    report = await delivery.deliver_pending(api.rt, sender)
    assert (report.failed, report.sent) == (1, 0)
    row = await _row(api, nid)
    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 1, "ConnectionError")
    assert row["next_attempt_at"] == clock.now() + timedelta(minutes=1)
    assert (await delivery.deliver_pending(api.rt, sender)).claimed == 0  # not due yet

    for attempt in range(2, notify_rules.MAX_ATTEMPTS + 1):
        clock.advance(timedelta(hours=3))
        await delivery.deliver_pending(api.rt, sender)
        assert (await _row(api, nid))["attempts"] == attempt
    row = await _row(api, nid)
    assert row["status"] == "dead"
    assert sender.calls == notify_rules.MAX_ATTEMPTS
    clock.advance(timedelta(days=1))
    assert (await delivery.deliver_pending(api.rt, sender)).claimed == 0


async def test_a_retry_that_succeeds_is_sent(api: Api, clock: ManualClock) -> None:
    """SPEC REP-5: after the gateway comes back, the waiting message goes out once."""
    person = await api.person()
    nid = await _enqueue(api, person["person_id"])
    await delivery.deliver_pending(api.rt, Failing())
    clock.advance(timedelta(minutes=1))
    counting = Counting()
    report = await delivery.deliver_pending(api.rt, counting)
    assert report.sent == 1
    row = await _row(api, nid)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, None)
    assert [m.notification_id for m in counting.sent] == [nid]


async def test_person_without_phone_is_undeliverable(api: Api) -> None:
    """SPEC REP-5: no phone, no SMS; the row says so and the sender is never called."""
    person = await api.person(phone=None)
    nid = await _enqueue(api, person["person_id"])
    counting = Counting()
    report = await delivery.deliver_pending(api.rt, counting)
    assert report.undeliverable == 1
    assert counting.sent == []
    assert (await _row(api, nid))["status"] == "undeliverable"


async def test_a_pass_that_died_leaves_rows_due_again_after_the_lease(
    api: Api, clock: ManualClock
) -> None:
    """SPEC REP-5: a crash between claim and outcome does not lose the message."""
    person = await api.person()
    nid = await _enqueue(api, person["person_id"])

    class Crashing:
        async def send(self, message: Message) -> None:
            raise asyncio.CancelledError  # the process going away, not a gateway error

    with pytest.raises(asyncio.CancelledError):
        await delivery.deliver_pending(api.rt, Crashing())
    assert (await _row(api, nid))["status"] == "sending"
    assert (await delivery.deliver_pending(api.rt, Counting())).claimed == 0
    clock.advance(notify_rules.LEASE)
    assert (await delivery.deliver_pending(api.rt, Counting())).sent == 1


async def test_concurrent_passes_send_each_message_once(api: Api) -> None:
    """SPEC REP-5: concurrent deliverers never double-send (PostgreSQL: SKIP LOCKED claims)."""
    people = [await api.person() for _ in range(4)]
    ids = [await _enqueue(api, p["person_id"], n) for n in range(10) for p in people]
    counting = Counting(pause=0.005)

    reports = await asyncio.gather(
        *(delivery.deliver_pending(api.rt, counting, batch=12) for _ in range(4))
    )
    reports.append(await delivery.deliver_pending(api.rt, counting, batch=100))

    sends = Counter(m.notification_id for m in counting.sent)
    assert set(sends) == set(ids)
    assert max(sends.values()) == 1
    assert sum(r.sent for r in reports) == len(ids)


# ---- operators: HTTP and CLI (SPEC CH-1) ----


async def test_admin_lists_and_delivers_over_http(api: Api) -> None:
    """SPEC REP-5, CH-1: the centre sees each message's state and runs a pass."""
    person = await api.person(phone="13700001111")
    nid = await _enqueue(api, person["person_id"])

    listed = await api.get("/api/v1/notifications", "admin", params={"status": "pending"})
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert (item["id"], item["status"], item["rule"]) == (nid, "pending", "REP-5")
    assert item["params"] == {"count": 4}

    r = await api.post("/api/v1/notifications/deliver", "admin")
    assert r.status_code == 200, r.text
    assert r.json()["sent"] == 1
    assert r.json()["ids"] == {"sent": [nid]}

    sent = await api.get(
        "/api/v1/notifications",
        "admin",
        params={"status": "sent", "person_id": person["person_id"]},
    )
    [item] = sent.json()["items"]
    assert (item["status"], item["recipient"]) == ("sent", "137****1111")
    lines = _lines(api.rt.settings.var_dir / "notifications")
    assert [line["to"] for line in lines if line["notification_id"] == nid] == ["137****1111"]


async def test_listing_is_paged_by_cursor(api: Api) -> None:
    """SPEC REP-5: keyset paging over the outbox."""
    person = await api.person()
    ids = [await _enqueue(api, person["person_id"], n) for n in (4, 5, 6)]
    first = (await api.get("/api/v1/notifications", "admin", params={"limit": 2})).json()
    second = (
        await api.get(
            "/api/v1/notifications", "admin", params={"limit": 2, "after": first["next_after"]}
        )
    ).json()
    assert [i["id"] for i in first["items"] + second["items"]] == ids
    assert second["next_after"] is None


@pytest.mark.parametrize("who", ["clerk_instant", "hotline", "bank_icbc"])
async def test_only_the_centre_lists_or_delivers(api: Api, who: str) -> None:
    """SPEC CH-1: notifications are the centre's; clerks, the hotline and banks are refused."""
    person = await api.person()
    nid = await _enqueue(api, person["person_id"])
    listed = await api.get("/api/v1/notifications", who)
    assert listed.status_code == 403
    delivered = await api.post("/api/v1/notifications/deliver", who)
    assert delivered.status_code == 403
    assert delivered.json()["code"] == "forbidden"
    assert (await _row(api, nid))["status"] == "pending"


async def test_cli_delivers_and_lists(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPEC REP-5: `sscard notifications deliver` sends through the configured file sender."""
    person = await api.person(phone="13600002222")
    nid = await _enqueue(api, person["person_id"])
    monkeypatch.setenv("SSCARD_DATABASE_URL", api.rt.settings.database_url)
    monkeypatch.setenv("SSCARD_DATA_KEY", TEST_KEY)
    monkeypatch.setenv("SSCARD_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SSCARD_NOTIFICATION_SENDER", "file")
    runner = CliRunner()

    done = await asyncio.to_thread(runner.invoke, cli_app, ["notifications", "deliver"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["sent"] == 1
    assert [line["to"] for line in _lines(tmp_path / "notifications")] == ["136****2222"]

    listed = await asyncio.to_thread(
        runner.invoke, cli_app, ["notifications", "list", "--status", "sent"]
    )
    assert listed.exit_code == 0, listed.output
    assert [i["id"] for i in json.loads(listed.output)["items"]] == [nid]
