"""The transport wallet over HTTP (SPEC TRN-1..4, LOSS-6, REP-4)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers
from sscard.scenes.endpoints import terminal_route
from sscard.scenes.service import Terminal
from sscard.transport import fares
from sscard.transport import service as transport
from sscard.transport.schemas import (
    CARD_NUMBER,
    ClearingView,
    ConfirmIn,
    FareAnswer,
    FareIn,
    LoadIn,
    MyPurseView,
    PurseView,
    RefundView,
    TerminalTopUpIn,
    TerminalWriteIn,
    TopUpIn,
    TopUpView,
)

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/transport", tags=["transport"])
readers = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["transport"])


@readers.get(
    "/me/transport",
    summary="My transport purse on my newest card: balance, cap, trips (TRN-1, LOSS-6)",
    responses=answers(MyPurseView),
)
async def my_purse(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, transport.my_purse)


CardNumber = Path(pattern=CARD_NUMBER)
Reference = Path(min_length=4, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")


@router.post(
    "/purses",
    status_code=201,
    summary="Load the transport application and open the card's anonymous purse (TRN-1)",
    responses=answers(PurseView, 201),
)
async def load(body: LoadIn, request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await write(
        request, actor, lambda ctx: transport.load_purse(ctx, body.card_number), status=201
    )


terminal_route(
    readers,
    "/scene-uses/top-ups",
    summary="A self-service kiosk or a phone app over NFC authorises a top-up of the purse of "
    "the card it holds, within the city's cap (TRN-2), signed",
    body=TerminalTopUpIn,
    answer=TopUpView,
    use_case=lambda ctx, t, b: transport.authorise_at_terminal(ctx, t, b.domain()),
    name="top_up_at_terminal",
)


async def _write(ctx: Ctx, terminal: Terminal, body: TerminalWriteIn) -> Any:
    if body.counter is None:
        return await transport.reverse_at_terminal(ctx, terminal, body.reference)
    return await transport.confirm_at_terminal(ctx, terminal, body.reference, body.counter)


terminal_route(
    readers,
    "/scene-uses/top-ups/writes",
    summary="The kiosk or phone that authorised a top-up confirms its write to the card with the "
    "card's counter, or reverses it when the write failed (no counter) (TRN-2), signed",
    body=TerminalWriteIn,
    answer=TopUpView,
    use_case=_write,
    name="top_up_write_at_terminal",
)


@router.get(
    "/purses/{card_number}",
    summary="The purse: balance, the city's cap, pending top-ups, the last writes (LOSS-6)",
    responses=answers(PurseView),
)
async def purse(
    request: Request, card_number: str = CardNumber, actor: Actor = Depends(current_actor)
) -> Response:
    return await read(request, actor, lambda ctx: transport.purse(ctx, card_number))


@router.post(
    "/purses/{card_number}/refund",
    summary="Refund the balance at the operator's own outlet and close the purse (TRN-4, REP-4)",
    responses=answers(RefundView),
)
async def refund(
    request: Request, card_number: str = CardNumber, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: transport.refund_purse(ctx, card_number))


@router.post(
    "/top-ups",
    status_code=201,
    summary="Authorise a top-up within the city's cap; not in the balance until written (TRN-2)",
    responses=answers(TopUpView, 201),
)
async def authorise(
    body: TopUpIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    top_up = body.domain()
    return await write(
        request, actor, lambda ctx: transport.authorise_top_up(ctx, top_up), status=201
    )


@router.post(
    "/top-ups/{reference}/confirm",
    summary="The terminal wrote the top-up to the card: into the balance, once (TRN-2)",
    responses=answers(TopUpView),
)
async def confirm(
    body: ConfirmIn,
    request: Request,
    reference: str = Reference,
    actor: Actor = Depends(current_actor),
) -> Response:
    return await write(
        request, actor, lambda ctx: transport.confirm_top_up(ctx, reference, body.counter)
    )


@router.post(
    "/top-ups/{reference}/reverse",
    summary="The write to the card failed: the top-up is reversed, never in the balance (TRN-2)",
    responses=answers(TopUpView),
)
async def reverse(
    request: Request, reference: str = Reference, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: transport.reverse_top_up(ctx, reference))


async def _fare(ctx: Ctx, terminal: Terminal, body: FareIn) -> Any:
    return await fares.debit_fare(ctx, terminal, body.domain())


terminal_route(
    readers,
    "/scene-uses/fares",
    summary="A transit operator's reader debits a fare from the transport purse at its city's "
    "rate; the card's counter and the reader's sequence make a debit count once (TRN-3), signed",
    body=FareIn,
    answer=FareAnswer,
    use_case=_fare,
    name="debit_fare",
)


@router.get(
    "/clearing",
    summary="The day's fares by transit operator, city, card city and mode, and what each "
    "city's operators collected from other cities' cards (item 5); as JSON or, with "
    "format=csv, the clearing file",
    responses=answers(ClearingView),
)
async def clearing(
    request: Request,
    day: date = Query(description="the day, Beijing time"),
    format: Literal["json", "csv"] = Query("json", description="json, or csv: the file"),
    actor: Actor = Depends(current_actor),
) -> Response:
    if format == "json":
        return await read(request, actor, lambda ctx: transport.clearing(ctx, day))
    rt = runtime(request)
    async with rt.unit(actor, readonly=True) as ctx:
        found = await transport.clearing(ctx, day)
    return Response(
        clearing_csv(found["rows"]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="clearing-{day}.csv"'},
    )


def clearing_csv(rows: list[dict[str, Any]]) -> str:
    """One line per operator, city, card city and mode (fen), with a header line."""
    out = io.StringIO()
    fields = ["operator_code", "city_code", "card_city_code", "mode", "fares", "collected_fen",
              "from_another_city"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
