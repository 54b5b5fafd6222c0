"""Reference data: cities, banks, outlets, hotlines, policies (SPEC GOV-1/2, CITY-1..3)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound
from sscard.platform.http.deps import current_actor, read, write
from sscard.registry.reference import repository as reference
from sscard.registry.reference import service as admin
from sscard.registry.reference.schemas import CityBanksIn, OutletPatch, PolicyIn
from sscard.registry.reference.service import policy_on

router = APIRouter(prefix="/api/v1", tags=["reference data"])
CityQuery = Query(None, pattern=r"^32\d{2}$")


@router.get("/cities", summary="The 13 cities of Jiangsu")
async def cities(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: reference.list_cities(ctx.conn))


@router.get("/cities/{city_code}", summary="A city with its banks, policy in force and hotlines")
async def city(city_code: str, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    async def use_case(ctx: Ctx) -> Any:
        body = dict(await admin.require_city(ctx, city_code))
        body["bank_codes"] = await reference.city_bank_codes(ctx.conn, city_code)
        policy = await policy_on(ctx, city_code)
        body["policy_in_force"] = {"effective_from": policy.effective_from, **policy.rules()}
        body["hotlines"] = await reference.list_hotlines(ctx.conn, city_code)
        return body

    return await read(request, actor, use_case)


@router.put("/cities/{city_code}/banks", summary="Replace the city's cooperating banks (admin)")
async def put_city_banks(
    city_code: str, body: CityBanksIn, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    rt = request.app.state.runtime
    async with rt.unit(actor) as ctx:
        codes = await admin.set_city_banks(ctx, city_code, body.bank_codes, body.source)
    return {"city_code": city_code, "bank_codes": codes}


@router.get("/cities/{city_code}/policies", summary="All policies of a city, oldest first")
async def policies(city_code: str, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: reference.policy_rows(ctx.conn, city_code))


@router.post(
    "/cities/{city_code}/policies", status_code=201, summary="Add a policy from a date (admin)"
)
async def add_policy(
    city_code: str, body: PolicyIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        p = await admin.add_policy(
            ctx, city_code, body.effective_from, dict(body.rules), body.source, body.note
        )
        return {"city_code": city_code, "effective_from": p.effective_from, **p.rules()}

    return await write(request, actor, use_case, status=201)


@router.get("/banks", summary="Banks issuing the card")
async def banks(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: reference.list_banks(ctx.conn))


@router.get("/outlets", summary="Outlets, with kind, making and operations (GOV-1)")
async def outlets(
    request: Request, actor: Actor = Depends(current_actor), city_code: str | None = CityQuery
) -> Any:
    return await read(request, actor, lambda ctx: reference.list_outlets(ctx.conn, city_code))


@router.get("/outlets/{code}", summary="One outlet")
async def outlet(code: str, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    async def use_case(ctx: Ctx) -> Any:
        row = await reference.get_outlet_by_code(ctx.conn, code)
        if row is None:
            raise NotFound(field="code", what_zh="网点", what_en="Outlet")
        return row

    return await read(request, actor, use_case)


@router.patch("/outlets/{code}", summary="Edit an outlet (admin)")
async def patch_outlet(
    code: str, body: OutletPatch, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    rt = request.app.state.runtime
    async with rt.unit(actor) as ctx:
        return await admin.update_outlet(ctx, code, body.model_dump(exclude_unset=True))


@router.get("/hotlines", summary="Hotlines (GOV-2)")
async def hotlines(
    request: Request, actor: Actor = Depends(current_actor), city_code: str | None = CityQuery
) -> Any:
    return await read(request, actor, lambda ctx: reference.list_hotlines(ctx.conn, city_code))
