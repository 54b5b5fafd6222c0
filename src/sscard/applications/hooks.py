"""What applications plug into other contexts: an open application is unfinished business that
blocks cancelling the person's card (SPEC CAN-2), and the application that superseded a card
decides whether that card may be cancelled (LOSS-4; issue 11). Both name the way forward:
withdraw the open application."""

from __future__ import annotations

from sscard.applications import lifecycle as proc
from sscard.applications import repository as repo
from sscard.cards.cancellation.extensions import Unfinished
from sscard.cards.cancellation.rules import Supersession
from sscard.kernel.ctx import Ctx

_APPLICATION_KIND_ZH = {
    "first": "首次申领",
    "replacement": "补卡",
    "exchange": "换卡",
    "upgrade": "升级换代",
}


def _withdraw(reference: str) -> str:
    return f"POST {proc.withdraw_path(reference)}"


async def open_applications(ctx: Ctx, person_id: int) -> list[Unfinished]:
    """An application still in progress (accepted .. ready for collection), and how to withdraw
    it (issue 11)."""
    rows = await repo.open_applications_of(ctx.conn, person_id)
    return [_open(r["reference"], r["kind"], r["status"]) for r in rows]


def _open(reference: str, kind: str, status: str) -> Unfinished:
    step = _withdraw(reference)
    return Unfinished(
        kind="open_application",
        reference=reference,
        label_zh=f"未办结的社保卡{_APPLICATION_KIND_ZH.get(kind, '申领')}",
        label_en=f"card application in progress ({kind}, {status})",
        next_step_zh=f"请先撤回申领{reference}：{step}",
        next_step_en=f"withdraw application {reference} first: {step}",
        next_step=step,
    )


async def superseding_application(ctx: Ctx, card_id: int) -> Supersession | None:
    """The replacement or exchange that superseded the card (LOSS-4), if any, and where it
    stands: open (withdraw it first), withdrawn (the old card may be cancelled) or collected."""
    row = await repo.replacing(ctx.conn, card_id)
    if row is None:
        return None
    status = proc.ApplicationStatus(row["status"])
    is_open = status in proc.OPEN_STATUSES
    return Supersession(
        reference=row["reference"],
        status=status.value,
        status_zh=proc.LABEL_ZH[status],
        open=is_open,
        withdrawn=status is proc.ApplicationStatus.WITHDRAWN,
        next_step=_withdraw(row["reference"]) if is_open else None,
    )
