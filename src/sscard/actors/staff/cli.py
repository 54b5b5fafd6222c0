"""`sscard staff`: staff accounts of the console, for the operator (issue 12)."""

from __future__ import annotations

from enum import StrEnum

import typer

from sscard.actors.staff import service as staff
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.db import MAX_ID
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime

app = typer.Typer(
    help="Staff accounts of the console (password + TOTP sign-in)", no_args_is_help=True
)


# The roles a staff account may have (staff.STAFF_ROLES): the only choices `create` offers.
StaffRole = StrEnum("StaffRole", {r.name: r.value for r in staff.STAFF_ROLES})  # type: ignore[misc]


@app.command("create")
def create(
    username: str = typer.Option(..., help="sign-in name: 3-32 of a-z 0-9 . _ -"),
    name: str = typer.Option(..., help="the name shown on the console"),
    role: StaffRole = typer.Option(
        ..., help="the desk (cardholders, banks and other systems have API tokens instead)"
    ),
    outlet: str | None = typer.Option(None, help="outlet code, for an outlet clerk"),
    city: str | None = typer.Option(None, help="city code, for a hotline agent or a city admin"),
) -> None:
    """Create a staff account; prints its one-time initial password once. At the first
    sign-in the person sets a password of their own and enrols an authenticator app."""

    async def work(rt: Runtime) -> tuple[int, str]:
        async with rt.unit(OPERATOR) as ctx:
            new = staff.NewStaff(username, name, Role(role), outlet_code=outlet, city_code=city)
            return await staff.create_staff(ctx, new)

    account_id, password = run_with_runtime(work)
    echo_json({"id": account_id, "username": username, "initial_password": password})


@app.command("reset")
def reset(account_id: int = typer.Option(..., "--id", min=1, max=MAX_ID)) -> None:
    """A new one-time password; the authenticator is enrolled afresh, the lock lifted and
    every session of the account ended."""

    async def work(rt: Runtime) -> str:
        async with rt.unit(OPERATOR) as ctx:
            return await staff.reset_staff(ctx, account_id)

    echo_json({"id": account_id, "initial_password": run_with_runtime(work)})


@app.command("list")
def list_staff() -> None:
    """Every staff account with its role, binding and state (no secrets)."""

    async def work(rt: Runtime) -> list[dict[str, object]]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await staff.list_staff(ctx)

    echo_json(run_with_runtime(work))
