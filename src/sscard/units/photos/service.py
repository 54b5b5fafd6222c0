"""The unit's photo supplements (SPEC APP-3: the unit supplies replacement photos for members
whose photos fail; APP-5: the photo standard): the agent uploads a JPEG per member owed one."""

from __future__ import annotations

from typing import Any

from sscard.applications.lifecycle import ApplicationStatus
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import invalid
from sscard.platform.history import Change, record
from sscard.registry import service as registry
from sscard.units.photos import repository as repo
from sscard.units.photos.permissions import SUPPLY_MEMBER_PHOTO
from sscard.units.photos.rules import MemberNotInBatch, PhotoNotOwed
from sscard.units.production import service as production

ENTITY = "unit_batch_row"


async def supply_photo(ctx: Ctx, reference: str, row_number: int, photo: bytes) -> dict[str, Any]:
    """Keep the photo of the batch member on `row_number` as the person's photo, once it passes
    every check of the standard of the person's city (registry.store_photo, as the counter's
    upload: PhotoRejected with each failed check otherwise, nothing kept); the row then no
    longer waits for a photo and the member can go into production (APP-3, APP-5).

    Only the unit's own agent; only a member still owed a photo whose application waits for
    production (PhotoNotOwed, 409). InvalidInput on `photo` for an empty file or one over
    registry.MAX_PHOTO_BYTES, before any check."""
    batch = await production.batch_for(ctx, SUPPLY_MEMBER_PHOTO, reference)
    row = await repo.member(ctx.conn, batch["id"], row_number)
    if row is None:
        raise MemberNotInBatch(field="row_number", row_number=row_number)
    waiting = row["application_status"] == ApplicationStatus.ACCEPTED.value
    if not row["photo_pending"] or not waiting:
        raise PhotoNotOwed(field="row_number", row_number=row_number)
    if not photo or len(photo) > registry.MAX_PHOTO_BYTES:
        raise invalid("photo", "须为1 MB以内的JPEG文件", "must be a JPEG file of at most 1 MB")
    await registry.store_photo(ctx, row["person_id"], photo)
    await repo.mark_photo_supplied(ctx.conn, row["id"])
    change = Change(ENTITY, row["id"], "photo_supplied", "photo_pending", None, batch["reference"])
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return {
        "batch_reference": batch["reference"],
        "row_number": row_number,
        "name": row["name_masked"],
        "number": row["number_masked"],
        "photo_pending": False,
    }
