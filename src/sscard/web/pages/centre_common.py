"""What the card centre's pages share: who may open them, labels, times in Beijing (issue 12)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import Request

from sscard.actors.staff.service import StaffSession
from sscard.applications.online.permissions import MAIL_CARD
from sscard.banks.permissions import VIEW_BANK_INBOX
from sscard.banks.reconciliation.permissions import VIEW_RECONCILIATION
from sscard.delta.permissions import VIEW_DELTA
from sscard.kernel.actor import ROLE_EN, ROLE_ZH, Operation, Role
from sscard.kernel.errors import DomainError
from sscard.medical.permissions import VIEW_MEDICAL_LEDGER
from sscard.payments.permissions import VIEW_PAYMENT_BATCH
from sscard.platform.notify.permissions import VIEW_NOTIFICATIONS
from sscard.platform.outbox.permissions import VIEW_OUTBOX
from sscard.promotions.permissions import VIEW_OFFERS
from sscard.registry.reference import service as reference
from sscard.scenes.permissions import VIEW_SCENES
from sscard.transport.permissions import VIEW_TRANSPORT_CLEARING
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.session import current_staff, of_role, read

# A city's centre administrator or the province's; the use cases scope each by city (issue 11).
ADMIN = of_role(Role.CENTRE_ADMIN, Role.PROVINCE_ADMIN)
BEIJING = timedelta(hours=8)


def beijing(moment: datetime | date | str | None) -> str:
    """A stored moment as Beijing local time (minutes), a date as it is, nothing as '—'."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        try:
            return beijing(datetime.fromisoformat(moment))
        except ValueError:
            return moment
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.replace(tzinfo=None) - (moment.utcoffset() or timedelta()) + BEIJING
        else:  # stored in UTC without its zone (SQLite)
            moment = moment + BEIJING
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.isoformat()


def role_label(request: Request, role: Role | str) -> str:
    """A role in the page language (the role names are the kernel's own Chinese)."""
    role = Role(role)
    return ROLE_ZH[role] if i18n.language(request) == "zh" else ROLE_EN[role]


def in_language(request: Request, zh: str | None, en: str) -> str:
    """Data that carries its own Chinese (a label of the domain) in the page language."""
    return zh if zh and i18n.language(request) == "zh" else en


def errors_of(request: Request, refusal: DomainError) -> dict[str, str]:
    """A refusal's messages by form field ('' for one naming no field of the form)."""
    return forms.field_messages(request, refusal)


@dataclass(frozen=True)
class AreaLink:
    """A link of the centre's navigation; `operation` is the one its page reads with, when
    not every centre administrator may (the outbox, the bank inbox, reconciliation and
    notifications are the province's, issue 11)."""

    path: str
    label: str  # an English message id
    operation: Operation | None = None


AREA_LINKS = (
    AreaLink("/centre", N_("Overview")),
    AreaLink("/centre/production", N_("Production queue")),
    AreaLink("/centre/batches", N_("Unit batches")),
    AreaLink("/centre/mailing", N_("Mailing desk"), MAIL_CARD),
    AreaLink("/centre/late", N_("Overdue work")),
    AreaLink("/centre/delivery", N_("Deliveries to banks"), VIEW_OUTBOX),
    AreaLink("/centre/inbox", N_("Bank inbox"), VIEW_BANK_INBOX),
    AreaLink("/centre/reconciliation", N_("Reconciliation"), VIEW_RECONCILIATION),
    AreaLink("/centre/scenes", N_("Scenes"), VIEW_SCENES),
    AreaLink("/centre/application-lists", N_("Application lists")),
    AreaLink("/centre/delta", N_("Yangtze River Delta exchange"), VIEW_DELTA),
    AreaLink("/centre/medical", N_("Medical personal accounts"), VIEW_MEDICAL_LEDGER),
    AreaLink("/centre/payments", N_("Benefit payments"), VIEW_PAYMENT_BATCH),
    AreaLink("/centre/transport", N_("Transport clearing"), VIEW_TRANSPORT_CLEARING),
    AreaLink("/centre/offers", N_("Offers for cardholders"), VIEW_OFFERS),
    AreaLink("/centre/reference", N_("Reference data")),
    AreaLink("/centre/calendar", N_("Holiday calendar")),
    AreaLink("/centre/staff", N_("Staff accounts")),
    AreaLink("/centre/notifications", N_("Notifications"), VIEW_NOTIFICATIONS),
)


def area_links(role: Role | None) -> list[AreaLink]:
    """The centre's areas a role may open: the operations' own role lists, not a copy."""
    return [a for a in AREA_LINKS if a.operation is None or role in a.operation.roles]


# The codes the centre's records carry (outbox, bank inbox, notifications, reconciliation runs,
# a card's financial status), as the pages name them; an unknown code is shown as it is.
STATUS_LABELS = {
    "pending": N_("Waiting"),
    "delivered": N_("Delivered"),
    "failed": N_("Failed"),
    "applied": N_("Applied"),
    "deferred": N_("Waiting for an earlier report"),
    "rejected": N_("Refused"),
    "sending": N_("Being sent"),
    "sent": N_("Sent out"),
    "dead": N_("Given up"),
    "undeliverable": N_("No phone to send to"),
    "running": N_("Running"),
    "finished": N_("Finished"),
    "api": N_("Fetched from the bank"),
    "file": N_("Uploaded file"),
    "account_requested": N_("Account requested"),
    "account_opened": N_("Account opened"),
    "active": N_("Active"),
    "lost": N_("Lost"),
    "closed": N_("Account closed"),
}


def status_labeller(request: Request) -> Any:
    """label(code): a record's status in the page language."""
    _ = i18n.translator(request)
    return lambda code: _(STATUS_LABELS[code]) if code in STATUS_LABELS else (code or "—")


async def city_choices(request: Request, who: StaffSession) -> list[Any]:
    """The cities a centre page's filter offers: every one to the province, none but its own
    to a city's administrator (issue 11)."""
    found = await read(request, who.actor, reference.cities)
    own = who.actor.city_code if who.actor.role is Role.CENTRE_ADMIN else None
    return [c for c in found if own is None or c.code == own]


def page_context(request: Request, **extra: Any) -> dict[str, Any]:
    """What every centre page's template takes besides its own data."""
    staff = current_staff(request)
    links = area_links(staff.actor.role if staff else None)
    return {"bj": beijing, "area_links": links, "label": status_labeller(request), **extra}
