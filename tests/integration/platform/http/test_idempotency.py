"""Idempotent writes: a retried POST with the same Idempotency-Key answers as the first time
(SPEC CH-2)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from sscard.platform.http.service import KEEP_DAYS
from sscard.platform.http.tasks import forget_old_keys
from sscard.platform.models import idempotency_keys
from tests.support.api import Api


async def test_retry_with_same_key_returns_first_result(api: Api) -> None:
    person = await api.person("clerk_instant")
    headers = {"Idempotency-Key": "counter-7-0001"}

    first = await api.submit(person["person_id"], "clerk_instant", headers=headers)
    again = await api.submit(person["person_id"], "clerk_instant", headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await api.count("applications") == 1


async def test_same_key_with_another_body_refused(api: Api) -> None:
    person = await api.person("clerk_instant")
    headers = {"Idempotency-Key": "counter-7-0002"}
    await api.submit(person["person_id"], "clerk_instant", headers=headers)

    r = await api.submit(person["person_id"], "clerk_instant", bank="ABC", headers=headers)

    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused"
    assert r.json()["field"] == "Idempotency-Key"


async def test_keys_are_per_actor(api: Api) -> None:
    a = await api.person("clerk_instant")
    b = await api.person("clerk_fast")
    headers = {"Idempotency-Key": "same-key"}
    assert (await api.submit(a["person_id"], "clerk_instant", headers=headers)).status_code == 201
    assert (await api.submit(b["person_id"], "clerk_fast", headers=headers)).status_code == 201


async def test_concurrent_twins_make_one_application(api: Api) -> None:
    person = await api.person("clerk_fast")
    headers = {"Idempotency-Key": "twin"}
    rs = await asyncio.gather(
        *(api.submit(person["person_id"], "clerk_fast", headers=headers) for _ in range(4))
    )
    assert {r.status_code for r in rs} == {201}
    assert len({r.json()["reference"] for r in rs}) == 1
    assert await api.count("applications") == 1


async def test_refusal_is_not_stored_under_the_key(api: Api) -> None:
    """Nothing changed, so a corrected retry with the same key is judged afresh."""
    person = await api.person("clerk_instant", photo=False)
    headers = {"Idempotency-Key": "retry-after-photo"}
    assert (await api.submit(person["person_id"], headers=headers)).status_code == 422
    await api.put_photo(person["person_id"])
    assert (await api.submit(person["person_id"], headers=headers)).status_code == 201


async def test_a_kept_answer_is_sealed_and_replayed_whole(api: Api) -> None:
    """SPEC ID-6: the answer kept for the key holds a new token; it is stored encrypted, and the
    retry still gets it (the first answer may never have arrived)."""
    body = {"role": "hotline_agent", "display_name": "坐席乙"}
    headers = {"Idempotency-Key": "actor-create-1"}
    first = await api.post("/api/v1/actors", "admin", body, headers=headers)
    again = await api.post("/api/v1/actors", "admin", body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    token = first.json()["token"]
    assert again.json()["token"] == token
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        [row] = (await ctx.conn.execute(select(idempotency_keys))).mappings().all()
    stored = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row.values())
    assert token.encode() not in stored
    assert row["body"] is None


async def test_the_query_string_is_part_of_the_request(api: Api) -> None:
    """Issue 11: one key on `?within_days=1` then `?within_days=3660` is two requests, not a
    replay of the first answer."""
    headers = {"Idempotency-Key": "reminders-1"}
    path = "/api/v1/cards/expiry-reminders"
    first = await api.post(f"{path}?within_days=1", "admin", headers=headers)
    again = await api.post(f"{path}?within_days=3660", "admin", headers=headers)
    assert first.status_code == 200, first.text
    assert again.status_code == 422
    assert again.json()["code"] == "idempotency_key_reused"
    same = await api.post(f"{path}?within_days=1", "admin", headers=headers)
    assert same.headers["Idempotent-Replayed"] == "true"


async def test_keys_older_than_a_week_are_forgotten(api: Api, clock: ManualClock) -> None:
    """Issue 11: kept answers age out (the hourly worker job), so no key lies about for ever."""
    person = await api.person("clerk_instant")
    await api.submit(person["person_id"], "clerk_instant", headers={"Idempotency-Key": "old"})
    clock.advance(timedelta(days=KEEP_DAYS, hours=1))
    await api.submit(
        (await api.person("clerk_fast"))["person_id"], "clerk_fast",
        headers={"Idempotency-Key": "new"},
    )  # fmt: skip
    assert await forget_old_keys(api.rt) == 1
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        keys = [r.key for r in await ctx.conn.execute(select(idempotency_keys))]
    assert keys == ["new"]
