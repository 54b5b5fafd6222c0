"""The cardholder's own record (issue 13 item 2): the person as the hall shows them (masked),
their cards and states, the open application with its progress and due date (APP-7), and the
messages sent to them. Only ever the signed-in cardholder's own: the actor names the person, no
request does. Reading it is logged like every full-record read (SPEC ID-6)."""

from __future__ import annotations

from typing import Any

from sscard.applications import service as applications
from sscard.applications.counter import repository as counter
from sscard.applications.online.permissions import VIEW_OWN_RECORD
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound
from sscard.platform.notify import service as notifications
from sscard.registry import service as registry
from sscard.registry.service import person_view

MESSAGES_SHOWN = 20  # the latest messages the hall lists


async def my_record(ctx: Ctx) -> dict[str, Any]:
    """{person (masked), cards, open application (with progress and due date) or None, the
    latest messages}; NotFound if the cardholder's person is gone."""
    authorize(ctx.actor, VIEW_OWN_RECORD)
    person = await counter.person_at_counter(ctx.conn, person_id=ctx.actor.person_id or 0)
    if person is None:
        raise NotFound(field="person_id", what_zh="人员", what_en="Person")
    await registry.reach_person(ctx, person)
    body = person_view(person, ctx.today)
    body["has_photo"] = bool(person["has_photo"])
    body["cards"] = [c for c in person["cards"] or [] if c]
    reference = person["open_application"]
    body["open_application"] = await applications.view(ctx, reference) if reference else None
    body["messages"] = await notifications.latest_of_person(ctx, person["id"], MESSAGES_SHOWN)
    return body
