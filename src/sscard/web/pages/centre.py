"""The card centre in the browser (issue 12 item 6): the overview that leads to each area.

An administrator lands here after sign-in. The areas live in `centre_*.py`, each router
included here so that the app mounts one router for the desk. Whether an area is open to the
administrator is asked of its own use case (a dry run), never decided by the page: the outbox,
the bank inbox, reconciliation, the calendar and notifications are the province's (issue 11).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff import service as staff
from sscard.actors.staff.service import StaffSession
from sscard.applications import service as applications
from sscard.banks import service as inbox
from sscard.banks.reconciliation import service as reconciliation
from sscard.delta import service as delta
from sscard.kernel.ctx import Ctx
from sscard.medical import service as medical
from sscard.payments import service as payments
from sscard.platform.notify import service as notifications
from sscard.platform.notify.rules import NotificationFilter
from sscard.platform.outbox import service as outbox
from sscard.promotions import service as promotions
from sscard.registry.calendar import service as calendar
from sscard.registry.reference import service as reference
from sscard.scenes import service as scenes
from sscard.scenes.lists import service as lists
from sscard.transport import service as transport
from sscard.web import checks, i18n
from sscard.web.i18n import N_
from sscard.web.pages import centre_delivery, centre_production, centre_reference, centre_staff
from sscard.web.pages.centre_common import ADMIN, area_links, page_context
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import read

router = page_router()
for area in (centre_production, centre_staff, centre_delivery, centre_reference):
    router.include_router(area.router)


async def _first_banks_runs(ctx: Ctx) -> Any:
    """Reconciliation's first read: the runs of the first bank (any bank answers the same)."""
    banks = await reference.banks(ctx)
    return await reconciliation.list_runs(ctx, banks[0].code, 0, 1)


@dataclass(frozen=True)
class Area:
    path: str
    title: str
    what: str
    probe: Callable[[Ctx], Awaitable[Any]]  # the area's first read: refused if not open


AREAS = (
    Area(
        "/centre/production",
        N_("Production queue"),
        N_("Applications waiting, started and finished: start, finish, deliver to the outlet."),
        lambda ctx: applications.list_applications(ctx, applications.ListFilter(limit=1)),
    ),
    Area(
        "/centre/late",
        N_("Overdue work"),
        N_("Work past its due date, and work whose due date waits for a calendar year."),
        lambda ctx: applications.list_applications(ctx, applications.ListFilter(limit=1)),
    ),
    Area(
        "/centre/delivery",
        N_("Deliveries to banks"),
        N_("What waits per bank, failed messages and their replay, endpoints and their pause."),
        outbox.outbox_stats,
    ),
    Area(
        "/centre/inbox",
        N_("Bank inbox"),
        N_("Reports received from banks and what became of them."),
        lambda ctx: inbox.list_inbox(ctx, inbox.InboxFilter(None, None, None, None, 1)),
    ),
    Area(
        "/centre/reconciliation",
        N_("Reconciliation"),
        N_("Reconciliation runs with each bank, their differences and a CSV download."),
        _first_banks_runs,
    ),
    Area(
        "/centre/scenes",
        N_("Scenes"),
        N_(
            "Hospitals, pharmacies, scenic spots, museums, libraries, halls and hotels that "
            "accept the card, with their terminals and what they did with cards."
        ),
        scenes.list_scenes,
    ),
    Area(
        "/centre/application-lists",
        N_("Application lists"),
        N_("The delta's, the province's and each city's lists of what scenes may ask of cards."),
        lambda ctx: lists.published(ctx, ctx.actor.city_code or "3201"),
    ),
    Area(
        "/centre/delta",
        N_("Yangtze River Delta exchange"),
        N_("Shanghai's, Zhejiang's and Anhui's card nodes, and what crossed between them and us."),
        lambda ctx: delta.overview(ctx, 30),
    ),
    Area(
        "/centre/medical",
        N_("Medical personal accounts"),
        N_("What the fund credited and institutions debited, and a credit by its reference."),
        lambda ctx: medical.ledger_overview(ctx, 30),
    ),
    Area(
        "/centre/payments",
        N_("Benefit payments"),
        N_("Payers' batches routed to the newest active card accounts, held and returned ones."),
        lambda ctx: payments.list_batches(ctx, None, None, 1),
    ),
    Area(
        "/centre/transport",
        N_("Transport clearing"),
        N_("Fares by operator and the cards' city, what cities owe each other, offline files."),
        lambda ctx: transport.clearing(ctx, ctx.today),
    ),
    Area(
        "/centre/offers",
        N_("Offers for cardholders"),
        N_("Gifts and vouchers granted by rule on card events, and how many were redeemed."),
        promotions.list_offers,
    ),
    Area(
        "/centre/reference",
        N_("Reference data"),
        N_("Outlets, each city's banks and city policies with their effective dates."),
        lambda ctx: reference.outlets(ctx, None),
    ),
    Area(
        "/centre/calendar",
        N_("Holiday calendar"),
        N_("The years known; load a year from a file and see what it settles."),
        calendar.known_years,
    ),
    Area(
        "/centre/staff",
        N_("Staff accounts"),
        N_("Create staff accounts, reset and deactivate them."),
        staff.list_staff,
    ),
    Area(
        "/centre/notifications",
        N_("Notifications"),
        N_("Messages to people: what was sent and what failed."),
        lambda ctx: notifications.list_notifications(ctx, NotificationFilter(None, None, 0, 1)),
    ),
)


@router.get("/centre")
async def overview(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    open_to_role = {link.path for link in area_links(who.actor.role)}
    areas = [a for a in AREAS if a.path in open_to_role]  # the province's records: not a city's
    closed = {}
    for area in areas:
        closed[area.path] = await checks.dry_run(request, who.actor, area.probe)
    names = await read(request, who.actor, lambda ctx: place_names(ctx, i18n.language(request)))
    context = page_context(request, areas=areas, closed=closed, names=names)
    return render(request, "centre/overview.html", context)
