"""`sscard cards`: the operator's card jobs — the 7-day lift and the expiry reminders."""

from __future__ import annotations

import typer

from sscard.cards.expiry import service as expiry
from sscard.cards.expiry.rules import EXPIRY_WINDOW_DAYS
from sscard.cards.loss import service as loss
from sscard.kernel.actor import OPERATOR
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime

app = typer.Typer(help="Card jobs", no_args_is_help=True)


@app.command("sweep-temporary-losses")
def sweep_temporary_losses() -> None:
    """Record every temporary loss past its 7 days as lifted (SPEC LOSS-1)."""

    async def work(rt: Runtime) -> dict[str, int]:
        async with rt.unit(OPERATOR) as ctx:
            return {"lifted": await loss.sweep(ctx)}

    echo_json(run_with_runtime(work))


@app.command("remind-expiring")
def remind_expiring(
    within_days: int = typer.Option(EXPIRY_WINDOW_DAYS, min=0, max=3660),
) -> None:
    """Queue one reminder per card whose 10 years end within the days given (SPEC ISS-7)."""

    async def work(rt: Runtime) -> dict[str, int]:
        async with rt.unit(OPERATOR) as ctx:
            return {"queued": await expiry.send_reminders(ctx, within_days)}

    echo_json(run_with_runtime(work))
