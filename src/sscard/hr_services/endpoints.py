"""HR services through the card over HTTP (SPEC ECARD-5, SCN-1): the holder's catalogue,
certificates and unemployment registrations; anyone's check of a certificate's code."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from sscard.ecards.endpoints import PUBLIC
from sscard.hr_services import service as hr
from sscard.hr_services.schemas import (
    CatalogueView,
    CertificateView,
    UnemploymentIn,
    UnemploymentView,
)
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, read_recorded, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["hr services"])
Code = Path(min_length=16, max_length=19, pattern=r"^[0-9A-Za-z-]+$")


@router.get(
    "/me/hr-services",
    summary="The HR services done with the card, and which are done here (SCN-1, ECARD-5)",
    responses=answers(CatalogueView),
)
async def catalogue(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    async def use_case(ctx: Ctx) -> object:
        return hr.catalogue(ctx)

    return await read(request, actor, use_case)


@router.post(
    "/me/insurance-certificates",
    status_code=201,
    summary="An insurance certificate (参保证明) with its verification code (ECARD-5)",
    responses=answers(CertificateView, 201),
)
async def issue(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await write(request, actor, hr.issue_certificate, status=201)


@router.get(
    "/me/insurance-certificates",
    summary="My certificates, newest first",
)
async def mine(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, hr.my_certificates)


@router.get(
    "/me/insurance-certificates/{code}",
    summary="One of my certificates, in full",
    responses=answers(CertificateView),
)
async def one(
    request: Request, code: str = Code, actor: Actor = Depends(current_actor)
) -> Response:
    return await read_recorded(request, actor, lambda ctx: hr.certificate(ctx, code))


@router.get(
    "/insurance-certificates/{code}",
    summary="Check a printed certificate by its code (no token): what it certifies, the holder "
    "masked, whether the code still answers",
    responses=answers(CertificateView),
)
async def verify(request: Request, code: str = Code) -> Response:
    async with runtime(request).unit(PUBLIC, readonly=True) as ctx:
        found = await hr.verify_certificate(ctx, code)
    return JSONResponse(jsonable_encoder(found))


@router.post(
    "/me/unemployment-registrations",
    status_code=201,
    summary="Start an unemployment registration for the HR agency of the card's city (ECARD-5)",
    responses=answers(UnemploymentView, 201),
)
async def register_unemployment(
    body: UnemploymentIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request, actor, lambda ctx: hr.register_unemployment(ctx, body.domain()), status=201
    )


@router.get(
    "/me/unemployment-registrations",
    summary="My unemployment registrations",
)
async def registrations(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, hr.my_registrations)
