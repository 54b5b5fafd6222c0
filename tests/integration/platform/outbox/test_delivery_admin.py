"""The administrator's side of delivery: endpoints, the outbox list, stats and replay (CH-1)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from sscard.platform.outbox.models import delivery_endpoints, outbox
from sscard.platform.outbox.repository import endpoint_secret, load_endpoints
from tests.support.api import Api

URL = "https://bank.example/sscard/webhook"


async def put_endpoint(api: Api, recipient: str, body: dict[str, Any], as_: str = "admin") -> Any:
    return await api.call("PUT", f"/api/v1/delivery-endpoints/{recipient}", as_, body)


async def fail_all(api: Api) -> None:
    """Mark every message failed, as if the bank had rejected each one to the last attempt."""
    async with api.rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(update(outbox).values(status="failed", attempts=3, last_error="x"))


async def test_a_generated_secret_is_shown_once_and_stored_only_encrypted(api: Api) -> None:
    """The endpoint's HMAC-SM3 key: generated, answered once in hex, never listed again."""
    r = await put_endpoint(api, "ICBC", {"transport": "http", "url": URL})

    assert r.status_code == 200, r.text
    secret_hex = r.json()["secret_hex"]
    assert len(secret_hex) == 64
    assert (r.json()["enabled"], r.json()["url"]) == (True, URL)
    again = await put_endpoint(api, "ICBC", {"url": URL + "2", "statement_url": URL + "/st"})
    assert again.status_code == 200, again.text
    assert again.json()["secret_hex"] is None
    listed = await api.get("/api/v1/delivery-endpoints", "admin")
    assert listed.status_code == 200
    [view] = listed.json()
    assert "secret" not in str(view).lower()
    assert (view["url"], view["statement_url"]) == (URL + "2", URL + "/st")
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        assert await endpoint_secret(ctx.conn, ctx.vault, "ICBC") == bytes.fromhex(secret_hex)
        assert await endpoint_secret(ctx.conn, ctx.vault, "SZB") is None
        stored = (await ctx.conn.execute(select(delivery_endpoints.c.secret_enc))).scalar_one()
        [loaded] = await load_endpoints(ctx.conn, ctx.vault)
    assert bytes.fromhex(secret_hex) not in stored
    assert loaded.secret == bytes.fromhex(secret_hex)


async def test_a_given_secret_replaces_the_old_one(api: Api) -> None:
    await put_endpoint(api, "ICBC", {"url": URL})
    r = await put_endpoint(api, "ICBC", {"url": URL, "secret_hex": "11" * 32})
    assert r.status_code == 200, r.text
    assert r.json()["secret_hex"] is None
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        assert await endpoint_secret(ctx.conn, ctx.vault, "ICBC") == b"\x11" * 32


@pytest.mark.parametrize(
    ("recipient", "body", "field"),
    [
        ("NOBANK", {"url": URL}, "recipient"),
        ("centre:9999", {"url": URL}, "recipient"),
        ("ICBC", {"url": "ftp://bank.example/x"}, "url"),
        ("ICBC", {"url": "not a url"}, "url"),
        ("ICBC", {"transport": "nats", "url": "sscard.banks.>"}, "url"),
        ("ICBC", {"transport": "nats", "url": "http://bank.example"}, "url"),
        ("ICBC", {"url": URL, "statement_url": "file:///etc/passwd"}, "statement_url"),
        ("ICBC", {"url": URL, "secret_hex": "zz"}, "secret_hex"),
        ("ICBC", {"url": URL, "secret_hex": "ab" * 16}, None),
        ("ICBC", {"url": URL, "secret_hex": "ab" * 15}, "secret_hex"),
    ],
)
async def test_endpoint_refusals_name_the_field(
    api: Api, recipient: str, body: dict[str, Any], field: str | None
) -> None:
    """A clear refusal, in Chinese and English, naming the field; nothing stored."""
    r = await put_endpoint(api, recipient, body)
    if field is None:
        assert r.status_code == 200, r.text
        return
    assert r.status_code == 422, r.text
    problem = r.json()
    assert (problem["code"], problem["field"]) == ("invalid_input", field)
    assert problem["detail_zh"]
    assert problem["detail_en"]
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await api.count("delivery_endpoints") == 0


async def test_other_parties_and_broker_subjects_are_accepted(api: Api) -> None:
    """Recipients the outbox writes to besides banks: medical insurance, a city's centre."""
    r = await put_endpoint(api, "medical_insurance", {"url": "http://127.0.0.1:9/medical"})
    assert r.status_code == 200, r.text
    r = await put_endpoint(api, "centre:3205", {"transport": "nats", "url": "sscard.centre.3205"})
    assert r.status_code == 200, r.text
    assert r.json()["transport"] == "nats"


async def test_enable_and_disable(api: Api) -> None:
    await put_endpoint(api, "ICBC", {"url": URL})
    r = await api.post("/api/v1/delivery-endpoints/ICBC/disable", "admin")
    assert r.status_code == 200, r.text
    assert r.json()["enabled"] is False
    r = await api.post("/api/v1/delivery-endpoints/ICBC/enable", "admin")
    assert r.json()["enabled"] is True
    r = await api.post("/api/v1/delivery-endpoints/SZB/enable", "admin")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


async def test_the_outbox_list_filters_and_pages_without_personal_data(api: Api) -> None:
    """Keyset pages; by recipient, status, topic and card; payloads as stored (ID-6)."""
    first = await api.card(bank="ICBC")
    await api.card_post(first["card_number"], "temporary-loss", "hotline")
    await api.card(bank="SZB")

    r = await api.get("/api/v1/outbox?limit=2", "admin")
    assert r.status_code == 200, r.text
    page = r.json()
    assert len(page["items"]) == 2
    assert page["next_after"] == page["items"][-1]["id"]
    rest = (await api.get(f"/api/v1/outbox?after_id={page['next_after']}", "admin")).json()
    assert len(rest["items"]) == 1
    assert rest["next_after"] is None
    everything = page["items"] + rest["items"]
    assert [m["recipient"] for m in everything] == ["ICBC", "ICBC", "SZB"]
    assert all(m["status"] == "pending" and m["attempts"] == 0 for m in everything)
    assert "测试人" not in r.text
    assert first["document"]["number"] not in r.text

    n = first["card_number"]
    by_card = (await api.get(f"/api/v1/outbox?card_number={n}", "admin")).json()["items"]
    assert [m["topic"] for m in by_card] == ["bank.account_requested", "bank.card_status_changed"]
    assert {m["card_number"] for m in by_card} == {n}
    by_topic = await api.get("/api/v1/outbox?topic=bank.card_status_changed", "admin")
    assert [m["card_number"] for m in by_topic.json()["items"]] == [n]
    szb = (await api.get("/api/v1/outbox?recipient=SZB&status=pending", "admin")).json()
    assert len(szb["items"]) == 1
    none = await api.get("/api/v1/outbox?status=failed", "admin")
    assert none.json()["items"] == []
    unknown = await api.get("/api/v1/outbox?card_number=Z00000000", "admin")
    assert unknown.json() == {"items": [], "next_after": None}


async def test_stats_count_per_recipient_with_the_oldest_pending_age(
    api: Api, clock: ManualClock
) -> None:
    await api.card(bank="ICBC")
    await api.card(bank="SZB")
    await put_endpoint(api, "ICBC", {"url": URL})
    await put_endpoint(api, "medical_insurance", {"url": URL})
    clock.advance(timedelta(minutes=5))

    r = await api.get("/api/v1/outbox/stats", "admin")

    assert r.status_code == 200, r.text
    by = {s["recipient"]: s for s in r.json()["recipients"]}
    assert set(by) == {"ICBC", "SZB", "medical_insurance"}
    icbc = by["ICBC"]
    assert (icbc["pending"], icbc["failed"]) == (1, 0)
    assert "delivered" not in icbc  # counting every delivered row would read the whole table
    assert icbc["oldest_pending_age_seconds"] == 300
    assert (icbc["has_endpoint"], icbc["enabled"]) == (True, True)
    assert (by["SZB"]["pending"], by["SZB"]["has_endpoint"]) == (1, False)
    assert (by["medical_insurance"]["pending"], by["medical_insurance"]["has_endpoint"]) == (
        0,
        True,
    )
    assert by["medical_insurance"]["oldest_pending_age_seconds"] is None


async def test_bulk_replay_makes_failed_messages_due_again_once_per_key(
    api: Api, clock: ManualClock
) -> None:
    """Replay by filter: one UPDATE; the Idempotency-Key answers a retry without replaying."""
    for _ in range(3):
        await api.card(bank="ICBC")
    await api.card(bank="SZB")
    await fail_all(api)
    ids = [m["id"] for m in (await api.get("/api/v1/outbox", "admin")).json()["items"]]
    clock.advance(timedelta(hours=1))
    body = {"status": "failed", "recipient": "ICBC", "from_id": ids[1], "to_id": ids[2]}
    headers = {"Idempotency-Key": "replay-1"}

    r = await api.post("/api/v1/outbox/replay", "admin", body, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"replayed": 2}
    again = await api.post("/api/v1/outbox/replay", "admin", body, headers=headers)
    assert again.json() == {"replayed": 2}
    assert again.headers["idempotent-replayed"] == "true"

    rows = (await api.get("/api/v1/outbox", "admin")).json()["items"]
    assert [(m["status"], m["attempts"]) for m in rows] == [
        ("failed", 3),
        ("pending", 0),
        ("pending", 0),
        ("failed", 3),
    ]
    assert datetime.fromisoformat(rows[1]["next_attempt_at"]) == clock.now()
    assert rows[1]["last_error"] is None
    rest = await api.post("/api/v1/outbox/replay", "admin", {"status": "failed"})
    assert rest.json() == {"replayed": 2}


async def test_replay_refusals(api: Api) -> None:
    r = await api.post("/api/v1/outbox/999999/replay", "admin")
    assert r.status_code == 404
    r = await api.post("/api/v1/outbox/replay", "admin", {"status": "pending"})
    assert r.status_code == 422
    r = await api.post("/api/v1/outbox/replay", "admin", {"status": "failed", "extra": 1})
    assert r.status_code == 422


@pytest.mark.parametrize("who", ["clerk_instant", "hotline", "bank_icbc"])
async def test_only_the_centre_sees_and_changes_delivery(api: Api, who: str) -> None:
    """SPEC CH-1: the outbox, replay and endpoints are the centre administrator's."""
    await api.card(bank="ICBC")
    calls = [
        ("GET", "/api/v1/outbox", None),
        ("GET", "/api/v1/outbox/stats", None),
        ("POST", "/api/v1/outbox/replay", {"status": "failed"}),
        ("POST", "/api/v1/outbox/1/replay", None),
        ("GET", "/api/v1/delivery-endpoints", None),
        ("PUT", "/api/v1/delivery-endpoints/ICBC", {"url": URL}),
        ("POST", "/api/v1/delivery-endpoints/ICBC/enable", None),
        ("POST", "/api/v1/delivery-endpoints/ICBC/disable", None),
    ]
    for method, path, body in calls:
        r = await api.call(method, path, who, body)
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["code"] == "forbidden"
    assert await api.count("delivery_endpoints") == 0


async def test_a_replay_for_a_recipient_that_is_none_is_refused(api: Api) -> None:
    """Like enabling or disabling one: an unknown recipient is named, not answered 0 replayed."""
    r = await api.post(
        "/api/v1/outbox/replay", "admin", {"status": "failed", "recipient": "NOBANK"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "recipient"
