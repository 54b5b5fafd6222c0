"""`sscard outbox`: messages to banks, their endpoints, and the dispatcher that delivers them."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import typer

from sscard.kernel.actor import OPERATOR
from sscard.kernel.db import MAX_ID
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime
from sscard.platform.jobs import worker_name
from sscard.platform.outbox import dispatcher, rules, service
from sscard.platform.outbox.protocol import OutboxStatus, Transport
from sscard.platform.outbox.rules import OutboxFilter, ReplayFilter
from sscard.platform.paging import page

app = typer.Typer(
    help="Messages to banks (the outbox), their endpoints, and delivery", no_args_is_help=True
)


@app.command("list")
def list_(
    recipient: str | None = typer.Option(None, help="bank code or other party"),
    status: OutboxStatus | None = typer.Option(None),
    topic: str | None = typer.Option(None, help="e.g. bank.account_requested"),
    card_number: str | None = typer.Option(None),
    after_id: int = typer.Option(0, min=0, max=MAX_ID, help="cursor from the previous page"),
    limit: int = typer.Option(100, min=1, max=1000),
) -> None:
    """Messages and their delivery state, oldest first."""
    f = OutboxFilter(recipient, status, topic, card_number, after_id, limit)

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await page(service.list_outbox(ctx, f))

    echo_json(run_with_runtime(work))


@app.command("stats")
def stats() -> None:
    """Per recipient: messages by status, the oldest pending one, the endpoint."""

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await service.outbox_stats(ctx)

    echo_json(run_with_runtime(work))


@app.command("replay")
def replay(
    message_id: int | None = typer.Argument(
        None, min=1, max=MAX_ID, help="one message's id; else use the filter"
    ),
    status: OutboxStatus = typer.Option(OutboxStatus.FAILED, help="failed or delivered"),
    recipient: str | None = typer.Option(None),
    from_id: int | None = typer.Option(None, min=1, max=MAX_ID),
    to_id: int | None = typer.Option(None, min=1, max=MAX_ID),
) -> None:
    """Send messages again now, with their own message ids (a bank that had them: duplicate)."""

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR) as ctx:
            if message_id is not None:
                return await service.replay_message(ctx, message_id)
            return await service.replay(ctx, ReplayFilter(status, recipient, from_id, to_id))

    echo_json(run_with_runtime(work))


@app.command("dispatch")
def dispatch(
    once: bool = typer.Option(False, "--once", help="one round, then stop"),
    owner: str | None = typer.Option(None, help="the lease holder's name (default host:pid)"),
) -> None:
    """Deliver due messages to the endpoints; without --once, until Ctrl-C."""
    name = (owner or worker_name())[:64]

    async def one_round(rt: Runtime) -> dict[str, Any]:
        senders = dispatcher.Senders(rt.settings)
        try:
            report = await dispatcher.dispatch_once(rt, name, senders)
        finally:
            await senders.close()
        return report.as_dict()

    async def loop(rt: Runtime) -> dict[str, Any]:
        stop = asyncio.Event()
        running = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            running.add_signal_handler(sig, stop.set)
        await dispatcher.run_dispatcher(rt, stop, name)
        return {"stopped": True, "owner": name}

    echo_json(run_with_runtime(one_round if once else loop))


@app.command("endpoint-set")
def endpoint_set(
    recipient: str = typer.Argument(..., help="bank code, medical_insurance or centre:<city>"),
    transport: Transport = typer.Option(Transport.HTTP),
    url: str = typer.Option(..., help="webhook URL, or the NATS subject"),
    statement_url: str | None = typer.Option(None, help="the bank's status statement"),
    secret_hex: str | None = typer.Option(None, help="the shared key in hex; omit to generate"),
) -> None:
    """Create or change an endpoint; a generated secret is printed this once."""

    async def work(rt: Runtime) -> dict[str, Any]:
        secret = rules.parse_secret_hex(secret_hex)
        async with rt.unit(OPERATOR) as ctx:
            return await service.set_endpoint(ctx, recipient, transport, url, statement_url, secret)

    echo_json(run_with_runtime(work))


@app.command("endpoints")
def endpoints_() -> None:
    """Every endpoint, its state and waiting messages (never the secret)."""

    async def work(rt: Runtime) -> list[dict[str, Any]]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await service.list_endpoints(ctx)

    echo_json(run_with_runtime(work))


@app.command("endpoint-enable")
def endpoint_enable(recipient: str) -> None:
    """Deliver to this recipient again (ends any pause)."""
    _switch(recipient, True)


@app.command("endpoint-disable")
def endpoint_disable(recipient: str) -> None:
    """Stop delivering to this recipient; its messages wait."""
    _switch(recipient, False)


def _switch(recipient: str, enabled: bool) -> None:
    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR) as ctx:
            return await service.set_enabled(ctx, recipient, enabled)

    echo_json(run_with_runtime(work))
