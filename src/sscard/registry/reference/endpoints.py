"""Reference data over HTTP: cities, banks, outlets, hotlines, policies (GOV-1/2, CITY-1..3)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.registry.reference import service as reference
from sscard.registry.reference.schemas import CityBanksIn, OutletPatch, PolicyIn

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["reference data"])
CityQuery = Query(None, pattern=r"^32[0-9]{2}$")


@router.get("/cities", summary="The 13 cities of Jiangsu")
async def cities(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, reference.cities)


@router.get("/cities/{city_code}", summary="A city with its banks, policy in force and hotlines")
async def city(city_code: str, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: reference.city(ctx, city_code))


@router.put("/cities/{city_code}/banks", summary="Replace the city's cooperating banks (admin)")
async def put_city_banks(
    city_code: str, body: CityBanksIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Any) -> Any:
        codes = await reference.set_city_banks(ctx, city_code, body.bank_codes, body.source)
        return {"city_code": city_code, "bank_codes": codes}

    return await write(request, actor, use_case)


@router.get("/cities/{city_code}/policies", summary="All policies of a city, oldest first")
async def policies(city_code: str, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: reference.policies_of(ctx, city_code))


@router.post(
    "/cities/{city_code}/policies", status_code=201, summary="Add a policy from a date (admin)"
)
async def add_policy(
    city_code: str, body: PolicyIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Any) -> Any:
        p = await reference.add_policy(
            ctx, city_code, body.effective_from, dict(body.rules), body.source, body.note
        )
        return {"city_code": city_code, "effective_from": p.effective_from, **p.rules()}

    return await write(request, actor, use_case, status=201)


@router.get("/banks", summary="Banks issuing the card")
async def banks(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, reference.banks)


@router.get("/outlets", summary="Outlets, with kind, making and operations (GOV-1)")
async def outlets(
    request: Request, actor: Actor = Depends(current_actor), city_code: str | None = CityQuery
) -> Any:
    return await read(request, actor, lambda ctx: reference.outlets(ctx, city_code))


@router.get("/outlets/{code}", summary="One outlet")
async def outlet(code: str, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: reference.outlet(ctx, code))


@router.patch("/outlets/{code}", summary="Edit an outlet (admin)")
async def patch_outlet(
    code: str, body: OutletPatch, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    changes = body.model_dump(exclude_unset=True)
    return await write(request, actor, lambda ctx: reference.update_outlet(ctx, code, changes))


@router.get("/hotlines", summary="Hotlines (GOV-2)")
async def hotlines(
    request: Request, actor: Actor = Depends(current_actor), city_code: str | None = CityQuery
) -> Any:
    return await read(request, actor, lambda ctx: reference.hotlines(ctx, city_code))
