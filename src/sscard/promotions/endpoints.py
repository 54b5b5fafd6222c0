"""Promotions over HTTP (SPEC PRM-1)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers
from sscard.promotions import service as promotions
from sscard.promotions.schemas import (
    MyOffersView,
    OfferIn,
    OfferView,
    RedeemedView,
    SceneVoucherIn,
    VoucherIn,
)
from sscard.scenes.endpoints import terminal_route

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["promotions"])
OfferCode = Path(pattern=r"^[A-Z0-9][A-Z0-9_-]{2,23}$")


@router.put(
    "/offers/{code}",
    summary="Put in or change an offer: its terms, the event that grants it, its dates (PRM-1)",
    responses=answers(OfferView),
)
async def save_offer(
    body: OfferIn, request: Request, code: str = OfferCode, actor: Actor = Depends(current_actor)
) -> Response:
    terms = body.model_dump()
    terms |= {"kind": body.kind.value, "trigger": body.trigger.value,
              "redeem_at": body.redeem_at.value}  # fmt: skip
    return await write(request, actor, lambda ctx: promotions.save_offer(ctx, code, terms))


@router.get(
    "/offers",
    summary="Every offer with how many were granted and redeemed",
    responses=answers(list[OfferView]),  # type: ignore[arg-type]
)
async def list_offers(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, promotions.list_offers)


@router.get(
    "/me/offers",
    summary="My offers: vouchers granted to me, and offers for my card I have not got yet",
    responses=answers(MyOffersView),
)
async def my_offers(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, promotions.my_offers)


@router.post(
    "/offer-redemptions",
    summary="A clerk of the offer's bank redeems a voucher at the counter, once (PRM-1)",
    responses=answers(RedeemedView),
)
async def redeem_at_outlet(
    body: VoucherIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request, actor, lambda ctx: promotions.redeem_at_outlet(ctx, body.voucher_code)
    )


terminal_route(
    router,
    "/scene-uses/offer-redemptions",
    summary="A scene's terminal redeems a voucher (a scenic spot's ticket office), once, "
    "signed (PRM-1)",
    body=SceneVoucherIn,
    answer=RedeemedView,
    use_case=lambda ctx, terminal, b: promotions.redeem_at_scene(ctx, terminal, b.voucher_code),
    name="redeem_offer_at_scene",
)
