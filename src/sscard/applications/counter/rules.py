"""When a person's photo may change at the counter (SPEC APP-5, REP-2a; issue 11). Pure.

The photo is printed on the card and sent to the bank: it changes only inside a process that
needs it — a first photo for an application, a new photo for the application open at this
outlet, or before a new-photo exchange of a card the person holds — and never while a card is
being made with the photo already taken. The holder's document must have been presented at the
outlet (platform.access); that is checked where the person is reached.
"""

from __future__ import annotations

from dataclasses import dataclass

from sscard.applications.lifecycle import ApplicationStatus
from sscard.kernel.errors import DomainError

S = ApplicationStatus
BEING_MADE = frozenset({S.IN_PRODUCTION, S.PRODUCED, S.READY_FOR_COLLECTION})


@dataclass(frozen=True)
class PhotoContext:
    has_photo: bool
    holds_live_card: bool
    open_applications: tuple[tuple[ApplicationStatus, int | None], ...]  # (status, outlet id)


class PhotoLockedInProduction(DomainError):
    code = "photo_locked_in_production"
    status = 409
    rule = "APP-5"
    message_zh = "卡片正在用已采集的照片制作，此时不能更换照片"
    message_en = "A card is being made with the photo on record; it cannot change now"


class PhotoNotInAProcess(DomainError):
    code = "photo_not_in_a_process"
    status = 409
    rule = "REP-2a"
    message_zh = "已有照片只能在本网点受理的申领中，或为持卡人办理“更换照片”换卡时更换"
    message_en = (
        "A photo on record changes only for an application open at this outlet, or for a "
        "new-photo exchange of a card the person holds"
    )


def check_photo_change(context: PhotoContext, outlet_id: int | None) -> None:
    """Refuse a photo outside a process that needs it (see the module docstring)."""
    if any(status in BEING_MADE for status, _ in context.open_applications):
        raise PhotoLockedInProduction(field="person_id")
    if not context.has_photo:
        return
    here = any(outlet == outlet_id for _, outlet in context.open_applications)
    if not (here or context.holds_live_card):
        raise PhotoNotInAProcess(field="person_id")
