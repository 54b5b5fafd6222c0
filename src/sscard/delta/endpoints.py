"""The delta exchange over HTTP (SPEC YRD-1..3): a node's signed question, answered signed;
the province's links and what crossed."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response

from sscard.delta import service as delta
from sscard.delta.schemas import AnswerView, DeltaOverview, NodeIn, NodeLinked, QuestionIn
from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import parse_strict, signed_body_openapi
from sscard.platform.http.schemas import answers
from sscard.platform.outbox import signing
from sscard.platform.outbox.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/delta", tags=["delta"])
Province = Path(pattern=r"^[0-9]{2}$", description="GB/T 2260: 31, 33 or 34")


@router.post(
    "/card-status",
    summary="Another delta province's node asks whether a Jiangsu card may be used at one of "
    "its scenes (YRD-1, LOSS-5, MED-1); signed both ways (YRD-3, docs/DELTA.md)",
    responses=answers(AnswerView),
    openapi_extra=signed_body_openapi(QuestionIn, (TIMESTAMP_HEADER, SIGNATURE_HEADER)),
)
async def card_status(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    rt = runtime(request)
    raw = await request.body()
    async with rt.unit(actor) as ctx:
        node = await delta.authenticate(
            ctx, request.headers, raw, rt.settings.signature_tolerance_seconds
        )
        question = parse_strict(QuestionIn, raw)
        await delta.remember_request(ctx, node, question.request_id)
        answer = await delta.answer_question(ctx, node, question.domain())
        now = ctx.now
    body = orjson.dumps(jsonable_encoder(answer))
    headers = signing.signed_headers(node.secret, now, body)
    return Response(body, media_type="application/json", headers=headers)


@router.put(
    "/nodes/{province_code}",
    summary="Link another province's node: its address; its token and key shown once (YRD-3)",
    responses=answers(NodeLinked),
)
async def link_node(
    body: NodeIn,
    request: Request,
    province_code: str = Province,
    actor: Actor = Depends(current_actor),
) -> Response:
    return await write(
        request, actor, lambda ctx: delta.link_node(ctx, province_code, body.base_url, body.renew)
    )


@router.get(
    "",
    summary="The linked nodes and what crossed the exchange, counted (no card in it)",
    responses=answers(DeltaOverview),
)
async def overview(
    request: Request,
    days: int = Query(30, ge=1, le=366),
    actor: Actor = Depends(current_actor),
) -> Response:
    async def work(ctx: Any) -> Any:
        return await delta.overview(ctx, days)

    return await read(request, actor, work)
