"""`sscard outbox` from the shell: the operator configures an endpoint and runs one round."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock, SystemClock
from sscard.kernel.runtime import save_clock_offset
from tests.integration.platform.outbox.receiver import Receiver, serving
from tests.support.api import Api
from tests.support.serving import sscard_cli

# Nothing here differs by database: it runs once, on SQLite (Makefile, test-postgres).
pytestmark = pytest.mark.any_database


SECRET = bytes(range(100, 132))


async def sscard(api: Api, tmp_path: Path, *args: str, ok: bool = True) -> Any:
    return await sscard_cli(api, tmp_path, *args, ok=ok)


async def test_cli_sets_an_endpoint_and_dispatches_one_round(
    api: Api, clock: ManualClock, tmp_path: Path
) -> None:
    """`sscard outbox endpoint-set` then `dispatch --once`: production data reaches the bank."""
    card = await api.card(bank="ICBC")
    # The command's clock is the system clock moved to the tests' moment, through the offset
    # every process reads from the database.
    async with api.rt.unit(OPERATOR) as ctx:
        await save_clock_offset(ctx.conn, clock.now() - SystemClock().now())
    bank = Receiver(SECRET, clock.now)
    async with serving(bank) as url:
        made = await sscard(
            api,
            tmp_path,
            "outbox",
            "endpoint-set",
            "ICBC",
            "--url",
            url,
            "--secret-hex",
            SECRET.hex(),
        )
        assert (made["recipient"], made["secret_hex"]) == ("ICBC", None)

        report = await sscard(api, tmp_path, "outbox", "dispatch", "--once")

    assert report["recipients"]["ICBC"]["delivered"] == 1
    assert report["delivered"] == 1
    assert report["more"] is False
    [sent] = bank.applied
    assert sent["card_number"] == card["card_number"]
    assert sent["payload"]["holder"]["ssn"] == card["document"]["number"]
    listed = (await api.get("/api/v1/outbox?status=delivered", "admin")).json()["items"]
    assert [m["message_id"] for m in listed] == [sent["message_id"]]


async def test_an_id_beyond_the_database_is_refused_as_usage(api: Api, tmp_path: Path) -> None:
    """Refused by the command line itself (exit 2, the option named), not by the database."""
    refused = await sscard(api, tmp_path, "outbox", "replay", str(2**63), ok=False)
    assert (refused["code"], refused["field"]) == ("usage", "message_id")
