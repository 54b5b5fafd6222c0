"""The online hall's cardholder routes (issue 13)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.applications.online import service as online
from sscard.applications.online.schemas import MyRecord
from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read_recorded
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/me/record", tags=["online hall"])


@router.get(
    "",
    summary="The signed-in cardholder's own record: cards, application progress, messages",
    responses=answers(MyRecord),
)
async def my_record(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read_recorded(request, actor, online.my_record)
