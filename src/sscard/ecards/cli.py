"""`sscard ecards`: the issuing platform's signing key of the ecard's QR codes (ECARD-3)."""

from __future__ import annotations

from typing import Any

import typer

from sscard.ecards import service as ecards
from sscard.kernel.actor import OPERATOR
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime

app = typer.Typer(help="The electronic card", no_args_is_help=True)


@app.command("rotate-key")
def rotate_key() -> None:
    """A new SM2 key signs the QR codes from now on; the older keys still verify the codes they
    signed and stay published (GET /api/v1/ecard-keys)."""

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR) as ctx:
            return {"key_id": await ecards.rotate_signing_key(ctx)}

    echo_json(run_with_runtime(work))


@app.command("keys")
def keys() -> None:
    """The published keys and the code's format, as gates read them."""

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR) as ctx:
            return await ecards.published_keys(ctx)

    echo_json(run_with_runtime(work))
