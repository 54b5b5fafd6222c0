"""A batch's progress and its production as a whole (issue 13 item 8; SPEC APP-3, APP-5, APP-7,
ISS-1): the agent follows its batches, the card centre starts, finishes and delivers a batch at
once, members whose photo the unit owes left out."""

from __future__ import annotations

from datetime import date, timedelta

from sscard.kernel.clock import ManualClock
from tests.support.api import Api
from tests.support.unit_batches import unit_batch

TODAY = date(2026, 11, 23)


async def _status(api: Api, reference: str) -> str:
    r = await api.get(f"/api/v1/applications/{reference}", "admin")
    assert r.status_code == 200, r.text
    return str(r.json()["status"])


async def test_the_agent_sees_its_batch_counts_and_a_due_date_of_30_calendar_days(
    api: Api,
) -> None:
    """SPEC APP-3, APP-7: members per status, refused rows, photos owed; due in 30 calendar
    days (not working days)."""
    batch = await unit_batch(api, 3, pending=(2,), refused=1)

    r = await api.get(f"/api/v1/units/batches/{batch.reference}", batch.agent)

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["by_status"]["accepted"] == 3
    assert body["accepted_rows"] == 3
    assert body["refused_rows"] == 1
    assert body["photos_pending"] == 1
    assert body["due_date"] == str(TODAY + timedelta(days=30))
    assert body["due_in_calendar_days"] == 30
    assert body["overdue"] is False
    listed = await api.get("/api/v1/units/batches/progress", batch.agent)
    assert [b["reference"] for b in listed.json()["items"]] == [batch.reference]


async def test_a_batch_still_waiting_after_30_days_is_overdue(api: Api, clock: ManualClock) -> None:
    """SPEC APP-7: past the due date with cards still waiting, the batch is overdue."""
    batch = await unit_batch(api, 1)
    clock.advance(timedelta(days=31))

    r = await api.get(f"/api/v1/units/batches/{batch.reference}", batch.agent)

    assert r.json()["overdue"] is True


async def test_members_are_masked_and_paged_in_file_order(api: Api) -> None:
    """SPEC APP-7, ID-6: every member with masked name and number and its application's
    status; refused rows with their reason."""
    batch = await unit_batch(api, 2, pending=(1,), refused=1)

    first = await api.get(f"/api/v1/units/batches/{batch.reference}/members?limit=2", batch.agent)
    assert first.status_code == 200, first.text
    page = first.json()
    assert [m["row_number"] for m in page["items"]] == batch.rows
    assert page["next_after"] == batch.rows[-1]
    one = page["items"][0]
    assert "*" in one["name"]
    assert "*" in one["number"]
    assert one["photo_pending"] is True
    assert one["application_reference"] == batch.applications[0]
    assert one["application_status"] == "accepted"
    rest = await api.get(
        f"/api/v1/units/batches/{batch.reference}/members?after={batch.rows[-1]}", batch.agent
    )
    (refused,) = rest.json()["items"]
    assert refused["outcome"] == "refused"
    assert refused["refusal"]["code"] == "invalid_document_number"
    assert rest.json()["next_after"] is None


async def test_no_one_else_sees_the_batch(api: Api) -> None:
    """SPEC CH-1, ID-6: another unit's agent, another outlet's clerk and another city's centre
    are answered as if there were no such batch."""
    batch = await unit_batch(api, 1)
    other = await unit_batch(api, 1, credit_code="91320400MA1W2X3Y5N")

    for who in (other.agent, "clerk_instant", "admin_suzhou"):
        r = await api.get(f"/api/v1/units/batches/{batch.reference}", who)
        assert r.status_code == 404, (who, r.text)
    for who in ("clerk_fast", "admin"):
        r = await api.get(f"/api/v1/units/batches/{batch.reference}", who)
        assert r.status_code == 200, (who, r.text)
    listed = await api.get("/api/v1/units/batches/progress", other.agent)
    assert [b["reference"] for b in listed.json()["items"]] == [other.reference]


async def test_the_centre_starts_a_whole_batch_leaving_out_members_owing_a_photo(
    api: Api,
) -> None:
    """SPEC APP-3, APP-5: one step starts every accepted member; a member whose photo the unit
    owes is not put into production, counted with the reason."""
    batch = await unit_batch(api, 4, pending=(2, 4))
    queue = await api.get("/api/v1/units/batches/progress?in_production_queue=true", "admin")
    assert [b["reference"] for b in queue.json()["items"]] == [batch.reference]

    r = await api.post(f"/api/v1/units/batches/{batch.reference}/start-production", "admin")

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["started"] == 2
    assert body["skipped_photo_pending"] == 2
    assert "APP-5" in body["skipped_reason_zh"]
    assert body["batch"]["by_status"]["in_production"] == 2
    statuses = [await _status(api, ref) for ref in batch.applications]
    assert statuses == ["in_production", "accepted", "in_production", "accepted"]
    history = await api.get(f"/api/v1/applications/{batch.applications[0]}/history", "admin")
    assert [h["event"] for h in history.json()][-1] == "start_production"
    again = await api.post(f"/api/v1/units/batches/{batch.reference}/start-production", "admin")
    assert again.json()["started"] == 0


async def test_the_centre_finishes_and_delivers_a_whole_batch(api: Api) -> None:
    """SPEC ISS-1: each card is produced (number, bank asked to open the account) and the batch's
    cards are delivered to its outlet at once."""
    batch = await unit_batch(api, 3)
    outbox_before = await api.count("outbox")
    base = f"/api/v1/units/batches/{batch.reference}"
    assert (await api.post(f"{base}/start-production", "admin")).status_code == 200

    finished = await api.post(f"{base}/finish-production", "admin")
    assert finished.status_code == 200, finished.text
    assert finished.json()["finished"] == 3
    assert finished.json()["remaining"] == 0
    assert await api.count("cards") == 3
    assert await api.count("outbox") >= outbox_before + 3  # bank.account_requested (ISS-2)

    delivered = await api.post(f"{base}/deliver-to-outlet", "admin")
    assert delivered.json()["delivered"] == 3
    assert delivered.json()["batch"]["by_status"]["ready_for_collection"] == 3
    assert delivered.json()["batch"]["waiting"] == 0
    queue = await api.get("/api/v1/units/batches/progress?in_production_queue=true", "admin")
    assert queue.json()["items"] == []


async def test_another_citys_centre_cannot_start_the_batch(api: Api) -> None:
    """SPEC CH-1 (issue 11): a city's centre acts on its own city's batches only."""
    batch = await unit_batch(api, 1)
    before = await api.counts()

    r = await api.post(f"/api/v1/units/batches/{batch.reference}/start-production", "admin_suzhou")
    queue = await api.get("/api/v1/units/batches/progress?in_production_queue=true", "admin_suzhou")

    assert r.status_code == 404, r.text
    assert await api.counts() == before
    assert queue.json()["items"] == []
    assert await _status(api, batch.applications[0]) == "accepted"
