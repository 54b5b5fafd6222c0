"""`sscard token`: actors and their API tokens (SPEC CH-1)."""

from __future__ import annotations

import typer

from sscard.actors import service as actors
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.db import MAX_ID
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime

app = typer.Typer(help="Actors and API tokens", no_args_is_help=True)


@app.command("create")
def create(
    role: Role = typer.Option(..., help="outlet_clerk, hotline_agent, bank_system, ..."),
    name: str = typer.Option(..., help="display name"),
    outlet: str | None = typer.Option(None, help="outlet code, for an outlet clerk"),
    bank: str | None = typer.Option(None, help="bank code, for a bank system"),
    city: str | None = typer.Option(None, help="city code, for a hotline agent or admin"),
    person_id: int | None = typer.Option(None, min=1, max=MAX_ID, help="person, for a cardholder"),
    unit: str | None = typer.Option(None, help="unified social credit code, for a unit agent"),
) -> None:
    """Create an actor; prints its token once (it is stored only as a hash)."""

    async def work(rt: Runtime) -> tuple[int, str]:
        async with rt.unit(OPERATOR) as ctx:
            new = actors.NewActor(role, name, outlet, bank, city, person_id, unit)
            return await actors.create_actor(ctx, new)

    actor_id, token = run_with_runtime(work)
    echo_json({"id": actor_id, "role": role.value, "token": token})


@app.command("list")
def list_actors() -> None:
    """All actors (without tokens)."""

    async def work(rt: Runtime) -> list[dict[str, object]]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await actors.list_actors(ctx)

    echo_json(run_with_runtime(work))
