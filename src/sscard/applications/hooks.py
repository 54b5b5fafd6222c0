"""What applications plug into other contexts: an open application is unfinished business that
blocks cancelling the person's card (SPEC CAN-2)."""

from __future__ import annotations

from sscard.applications import repository as repo
from sscard.cards.cancellation.extensions import Unfinished
from sscard.kernel.ctx import Ctx

_APPLICATION_KIND_ZH = {
    "first": "首次申领",
    "replacement": "补卡",
    "exchange": "换卡",
    "upgrade": "升级换代",
}


async def open_applications(ctx: Ctx, person_id: int) -> list[Unfinished]:
    """An application still in progress (accepted .. ready for collection)."""
    rows = await repo.open_applications_of(ctx.conn, person_id)
    return [
        Unfinished(
            kind="open_application",
            reference=r["reference"],
            label_zh=f"未办结的社保卡{_APPLICATION_KIND_ZH.get(r['kind'], '申领')}",
            label_en=f"card application in progress ({r['kind']}, {r['status']})",
        )
        for r in rows
    ]
