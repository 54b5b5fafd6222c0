"""A batch's progress and its production as a whole (issue 13 item 8; SPEC APP-3, APP-7,
ISS-1): the agent follows its unit's batches, the card centre starts, finishes and delivers a
whole batch at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sscard.applications import service as applications
from sscard.applications.lifecycle import LABEL_ZH, ApplicationEvent, ApplicationStatus
from sscard.kernel.actor import Operation, Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import visible_or_not_found
from sscard.platform.history import Change, record
from sscard.platform.paging import next_cursor
from sscard.units.production import repository as repo
from sscard.units.production import rules
from sscard.units.production.permissions import (
    DELIVER_BATCH_TO_OUTLET,
    FINISH_BATCH_PRODUCTION,
    START_BATCH_PRODUCTION,
    VIEW_BATCH_PROGRESS,
)

ENTITY = "unit_batch"
# Cards produced per call of finish_production: each is a few statements (ISS-1), so a call of
# 1,000 took 4-8 s on PostgreSQL (measured); the rest waits for the next call.
FINISH_CHUNK = 1000


def may_see(ctx: Ctx, batch: dict[str, Any]) -> bool:
    """Who sees a batch: the agent its own unit's, the clerk its collecting outlet's, a city's
    centre its city's, the province's centre every one (issue 11's rule for the centre)."""
    actor = ctx.actor
    if actor.role is Role.UNIT_AGENT:
        return actor.unit_code is not None and actor.unit_code == batch["unit_code"]
    if actor.role is Role.OUTLET_CLERK:
        return actor.outlet_id == batch["outlet_id"]
    if actor.role is Role.CENTRE_ADMIN:
        return actor.city_code == batch["city_code"]
    return actor.role is Role.PROVINCE_ADMIN


async def batch_for(ctx: Ctx, operation: Operation, reference: str) -> dict[str, Any]:
    """The batch if the actor may do `operation` and see it; NotFound on `reference` for a
    batch that does not exist or is not theirs (the same answer, so references cannot be
    probed)."""
    authorize(ctx.actor, operation)
    found = await repo.batch_by_reference(ctx.conn, reference.strip().upper())
    return visible_or_not_found(
        found, lambda b: may_see(ctx, b), field="reference", what_zh="批次", what_en="Batch"
    )


def _batch_view(batch: dict[str, Any], counts: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    progress = rules.progress(
        counts["by_status"],
        counts["refused"],
        counts["photos_pending"],
        batch["due_date"],
        ctx.today,
    )
    return {
        "reference": batch["reference"],
        "unit": {"credit_code": batch["unit_code"], "name": batch["unit_name"]},
        "city_code": batch["city_code"],
        "outlet": {"code": batch["outlet_code"], "name": batch["outlet_name_zh"]},
        "bank_code": batch["bank_code"],
        "delivery": batch["delivery"],
        "file_name": batch["file_name"],
        "status": batch["status"],
        "rows_total": batch["rows_total"],
        "accepted_on": batch["accepted_on"],
        "uploaded_at": batch["uploaded_at"],
        **progress.as_dict(),
    }


async def batch_progress(ctx: Ctx, reference: str) -> dict[str, Any]:
    """One batch's progress: its members per application status (accepted, in production,
    produced, at the outlet, with the unit, collected), refused rows, photos the unit still
    owes, the due date (30 calendar days, APP-3) and whether it is overdue (APP-7)."""
    batch = await batch_for(ctx, VIEW_BATCH_PROGRESS, reference)
    found = await repo.counts(ctx.conn, [batch["id"]])
    return _batch_view(batch, found[batch["id"]], ctx)


@dataclass(frozen=True)
class BatchFilter:
    city_code: str | None = None
    in_production_queue: bool = False
    after_id: int = 0
    limit: int = 50


async def list_batches(ctx: Ctx, f: BatchFilter) -> tuple[list[dict[str, Any]], int | None]:
    """A page of the batches the actor sees, each with its progress: the agent its unit's,
    the clerk its outlet's, the centre its city's (the province's: any city, or the one
    asked); `in_production_queue` keeps those with work left for the centre."""
    authorize(ctx.actor, VIEW_BATCH_PROGRESS)
    actor = ctx.actor
    scope: dict[str, Any] = {}
    if actor.role is Role.UNIT_AGENT:
        scope["unit_code"] = actor.unit_code or "-"
    elif actor.role is Role.OUTLET_CLERK:
        scope["outlet_id"] = actor.outlet_id or -1
    elif actor.role is Role.CENTRE_ADMIN:
        own = actor.city_code or "-"
        scope["city_code"] = own if f.city_code in (None, own) else "----"
    elif f.city_code:
        scope["city_code"] = f.city_code
    rows = await repo.batches(
        ctx.conn,
        in_production_queue=f.in_production_queue,
        after_id=f.after_id,
        limit=f.limit,
        **scope,
    )
    found = await repo.counts(ctx.conn, [b["id"] for b in rows])
    return [_batch_view(b, found[b["id"]], ctx) for b in rows], next_cursor(rows, f.limit)


async def batch_members(
    ctx: Ctx, reference: str, after_row: int = 0, limit: int = 100
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of the batch's members in file order: masked name and number (ID-6), the row's
    outcome (and refusal), whether the unit owes the photo, the application and its status."""
    batch = await batch_for(ctx, VIEW_BATCH_PROGRESS, reference)
    rows = await repo.members(ctx.conn, batch["id"], after_row=after_row, limit=limit)
    items = [
        {
            "row_number": r["row_number"],
            "outcome": r["outcome"],
            "name": r["name_masked"],
            "number": r["number_masked"],
            "photo_pending": bool(r["photo_pending"])
            and r["application_status"] == ApplicationStatus.ACCEPTED.value,
            "refusal": (
                {"code": r["refusal_code"], "zh": r["refusal_zh"], "en": r["refusal_en"]}
                if r["refusal_code"]
                else None
            ),
            "application_reference": r["application_reference"],
            "application_status": r["application_status"],
            "application_status_zh": LABEL_ZH.get(r["application_status"] or ""),
        }
        for r in rows
    ]
    return items, next_cursor(rows, limit, key=lambda r: r["row_number"])


def batch_application_ids(batch_id: int) -> Any:
    """A SELECT of the batch's accepted members' application ids, for a set-based step."""
    return repo.application_ids(batch_id)


# ---- the card centre: a whole batch at once (APP-3, ISS-1) ----


async def start_production(ctx: Ctx, reference: str) -> dict[str, Any]:
    """Start production for every accepted member of the batch in one statement (set-based:
    one UPDATE over the batch's applications and their history rows in one INSERT), leaving
    out members whose photo the unit still owes (APP-5), counted and said why. Members in
    another state (already started, withdrawn) are left as they are."""
    batch = await batch_for(ctx, START_BATCH_PRODUCTION, reference)
    among = repo.application_ids(batch["id"], photo_ready_only=True)
    started = await applications.advance_in_bulk(
        ctx, among, ApplicationEvent.START_PRODUCTION, f"batch {batch['reference']}"
    )
    skipped = await repo.photo_pending_waiting(ctx.conn, batch["id"])
    outcome = rules.Started(len(started), skipped)
    await _record(ctx, batch, "production_started", f"{len(started)} started, {skipped} skipped")
    return {**outcome.as_dict(), "batch": await batch_progress(ctx, batch["reference"])}


async def finish_production(ctx: Ctx, reference: str) -> dict[str, Any]:
    """Finish production for the batch's members in production, FINISH_CHUNK at most per call
    (`remaining` says how many are left for the next): each card is produced as for one
    application (ISS-1: card number, history, the bank told), a few statements per card
    (4-8 ms a card on PostgreSQL), so one call stays within seconds; the batch's
    applications are read in one query."""
    batch = await batch_for(ctx, FINISH_BATCH_PRODUCTION, reference)
    among = repo.application_ids(batch["id"])
    done = await applications.finish_production_of(ctx, among, FINISH_CHUNK)
    await _record(ctx, batch, "production_finished", f"{len(done)} finished")
    progress = await batch_progress(ctx, batch["reference"])
    remaining = progress["by_status"][ApplicationStatus.IN_PRODUCTION.value]
    return {"finished": len(done), "remaining": remaining, "batch": progress}


async def deliver_to_outlet(ctx: Ctx, reference: str) -> dict[str, Any]:
    """Deliver every produced card of the batch to the batch's outlet in one statement (cards
    returned to stock by the unit included: they go back to the outlet)."""
    batch = await batch_for(ctx, DELIVER_BATCH_TO_OUTLET, reference)
    moved = await applications.advance_in_bulk(
        ctx,
        repo.application_ids(batch["id"]),
        ApplicationEvent.DELIVER_TO_OUTLET,
        f"batch {batch['reference']}",
    )
    await _record(ctx, batch, "delivered_to_outlet", f"{len(moved)} delivered")
    return {"delivered": len(moved), "batch": await batch_progress(ctx, batch["reference"])}


async def _record(ctx: Ctx, batch: dict[str, Any], event: str, reason: str) -> None:
    change = Change(ENTITY, batch["id"], event, None, None, reason)
    await record(ctx.conn, ctx.actor, ctx.now, change)
