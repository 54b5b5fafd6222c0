"""`sscard notifications`: deliver and list messages to people (SPEC REP-5, ISS-7, LOSS-2)."""

from __future__ import annotations

from typing import Any

import typer

from sscard.kernel.actor import OPERATOR
from sscard.kernel.db import MAX_ID
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime
from sscard.platform.notify import service as notifications
from sscard.platform.notify.rules import NotificationFilter, NotificationStatus
from sscard.platform.notify.senders import sender_from_settings
from sscard.platform.paging import page

app = typer.Typer(help="Notifications to people (SMS)", no_args_is_help=True)


@app.command("deliver")
def deliver(
    batch: int = typer.Option(500, min=1, max=5000, help="at most this many messages per pass"),
    until_done: bool = typer.Option(False, help="repeat passes while a batch comes back full"),
) -> None:
    """Send due messages through SSCARD_NOTIFICATION_SENDER (default: a file under var/)."""

    async def work(rt: Runtime) -> list[dict[str, Any]]:
        sender = sender_from_settings(rt.settings)
        reports = []
        while True:
            report = await notifications.deliver(rt, OPERATOR, sender, batch)
            reports.append(report.as_dict())
            if not (until_done and report.more):
                return reports

    reports = run_with_runtime(work)
    echo_json(reports[0] if len(reports) == 1 else reports)


@app.command("list")
def list_(
    status: NotificationStatus | None = typer.Option(None, help="only messages in this state"),
    person_id: int | None = typer.Option(
        None, min=1, max=MAX_ID, help="only messages to this person"
    ),
    after: int = typer.Option(0, min=0, max=MAX_ID, help="cursor from the previous page"),
    limit: int = typer.Option(100, min=1, max=1000),
) -> None:
    """Messages and their delivery state, oldest first."""
    f = NotificationFilter(status, person_id, after, limit)

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await page(notifications.list_notifications(ctx, f))

    echo_json(run_with_runtime(work))
