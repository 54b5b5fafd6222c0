"""The electronic card over HTTP (SPEC ECARD-1..3): the holder reads it, consents to a channel
or withdraws the consent, shows it as a QR code; a counter checks a code; anybody reads the
published keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from sscard.ecards import service as ecards
from sscard.ecards.schemas import (
    EcardView,
    PublishedKeys,
    QrCheckIn,
    QrCheckView,
    QrIn,
    QrView,
    StatusListView,
)
from sscard.kernel.actor import Actor, Channel, Role
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import invalid
from sscard.platform.http.deps import current_actor, read, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/me/ecard", tags=["ecard"])
EARLIEST_SINCE = 2020  # no ecard changed before (a delta since then is the whole history)
# Who reads the published keys: anybody, without a token (they are public keys).
PUBLIC = Actor(id=None, role=Role.CARDHOLDER, display_name="anyone", via=Channel.ONLINE)
ChannelCode = Annotated[
    str, Path(min_length=2, max_length=32, pattern=r"^[a-z0-9_]+$", description="channel code")
]


@router.get(
    "",
    summary="My ecard: its status, the card behind it, each channel's consent",
    responses=answers(EcardView),
)
async def my_ecard(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, ecards.my_ecard)


@router.put(
    "/channels/{channel}/consent",
    summary="Consent to the ecard working in a synchronised-application channel (ECARD-1)",
    responses=answers(EcardView),
)
@router.delete(
    "/channels/{channel}/consent",
    summary="Withdraw the consent: the ecard no longer works in that channel",
    responses=answers(EcardView),
)
async def consent(
    channel: ChannelCode, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    given = request.method == "PUT"
    return await write(request, actor, lambda ctx: ecards.consent_channel(ctx, channel, given))


@router.post(
    "/qr",
    summary="A QR code of my ecard: signed, good for 60 seconds and one use (ECARD-3)",
    responses=answers(QrView),
)
async def show_qr(body: QrIn, request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await write(request, actor, lambda ctx: ecards.show_qr(ctx, body.domain(), body.channel))


checks = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["ecard"])


@checks.post(
    "/ecard-qr/checks",
    summary="Check a holder's ecard QR at a counter: signature, time, single use, the card's "
    "answer (ECARD-3, LOSS-5); the identity scope counts as the document shown (SCN-1)",
    responses=answers(QrCheckView),
)
async def check_qr(
    body: QrCheckIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: ecards.verify_qr(ctx, body.qr))


@checks.get(
    "/ecard-keys",
    summary="The issuing platform's public SM2 keys and the QR's format, for gates that "
    "verify codes offline (no token needed)",
    responses=answers(PublishedKeys),
)
async def published_keys(request: Request) -> Response:
    async with runtime(request).unit(PUBLIC) as ctx:
        found = await ecards.published_keys(ctx)
    return JSONResponse(jsonable_encoder(found))


@checks.get(
    "/ecard-status-list",
    summary="The signed list of ecards not in use, or its delta since a list's as_of, for "
    "gates that verify codes offline (no token needed)",
    responses=answers(StatusListView),
)
async def status_list(
    request: Request,
    since: datetime | None = Query(None, description="the as_of of the gate's last list"),
) -> Response:
    if since is not None and since.tzinfo is None:
        raise invalid("since", "须带时区，如2026-12-02T10:00:00+08:00", "needs a time zone")
    if since is not None and since.year < EARLIEST_SINCE:
        raise invalid("since", f"不能早于{EARLIEST_SINCE}年", f"cannot be before {EARLIEST_SINCE}")
    async with runtime(request).unit(PUBLIC) as ctx:
        if since is not None and since > ctx.now:
            raise invalid("since", "不能晚于当前时间", "cannot be later than now")
        found = await ecards.status_list(ctx, since)
    return JSONResponse(jsonable_encoder(found))


@checks.post(
    "/ecard-keys/rotation",
    status_code=201,
    summary="A new SM2 key signs the QR codes from now on; older keys still verify and stay "
    "published (the province's administrator)",
    responses=answers(PublishedKeys, 201),
)
async def rotate_key(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        await ecards.rotate_signing_key(ctx)
        return await ecards.published_keys(ctx)

    return await write(request, actor, use_case, status=201)
