"""The scenes over HTTP (SPEC SCN-1, LOSS-5, ECARD-3): the card centre registers scenes and
their terminals and reads what was used there; a terminal, signing each request, asks to use
the card or ecard code it is shown."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel

from sscard.delta import service as delta
from sscard.delta.rules import StatusAnswer
from sscard.kernel.actor import Actor
from sscard.kernel.clock import CHINA
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.kernel.runtime import Runtime
from sscard.platform.http.deps import current_actor, json_response, read, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import parse_strict, signed_body_openapi
from sscard.platform.http.schemas import answers
from sscard.platform.outbox.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from sscard.scenes import service as scenes
from sscard.scenes.rules import SceneUse
from sscard.scenes.schemas import (
    OfflineReconciliation,
    OfflineScansIn,
    PresentedIn,
    SceneAnswer,
    SceneIn,
    SceneUsesView,
    SceneView,
    TerminalBody,
    TerminalIn,
    TerminalRegistered,
)
from sscard.scenes.service import Terminal

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["scenes"])
SceneCode = Path(min_length=6, max_length=20, pattern=r"^[A-Za-z0-9]+$")
TerminalCode = Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
MAX_DAYS = 366
M = TypeVar("M", bound=TerminalBody)


@router.post(
    "/scenes",
    status_code=201,
    summary="Register a scene of the city: a designated hospital or pharmacy, a scenic spot, "
    "museum, library, government hall or hotel (SCN-1)",
    responses=answers(SceneView, 201),
)
async def register_scene(
    body: SceneIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request, actor, lambda ctx: scenes.register_scene(ctx, body.domain()), status=201
    )


@router.get("/scenes", summary="The scenes of the city (the province's: all)")
async def list_scenes(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, scenes.list_scenes)


@router.get("/scenes/{code}", summary="One scene with its terminals", responses=answers(SceneView))
async def scene(
    request: Request, code: str = SceneCode, actor: Actor = Depends(current_actor)
) -> Response:
    return await read(request, actor, lambda ctx: scenes.scene(ctx, code))


@router.post(
    "/scenes/{code}/terminals",
    status_code=201,
    summary="Register a terminal of the scene: its token and signing key, shown once",
    responses=answers(TerminalRegistered, 201),
)
async def register_terminal(
    body: TerminalIn,
    request: Request,
    code: str = SceneCode,
    actor: Actor = Depends(current_actor),
) -> Response:
    return await write(
        request,
        actor,
        lambda ctx: scenes.register_terminal(ctx, code, body.terminal_code, body.language),
        status=201,
    )


@router.post(
    "/scenes/{code}/terminals/{terminal_code}/deactivate",
    summary="Take a terminal out of service: its token stops working",
    responses=answers(SceneView),
)
async def take_terminal_out(
    request: Request,
    code: str = SceneCode,
    terminal_code: str = TerminalCode,
    actor: Actor = Depends(current_actor),
) -> Response:
    return await write(
        request, actor, lambda ctx: scenes.take_terminal_out(ctx, code, terminal_code)
    )


@router.get(
    "/scenes/{code}/uses",
    summary="What the scene's terminals did with cards, counted (no person in it)",
    responses=answers(SceneUsesView),
)
async def scene_uses(
    request: Request,
    code: str = SceneCode,
    since: date = Query(description="the first day, Beijing time"),
    days: int = Query(1, ge=1, le=MAX_DAYS),
    actor: Actor = Depends(current_actor),
) -> Response:
    start = datetime.combine(since, time(0), CHINA)
    return await read(request, actor, lambda ctx: scenes.scene_uses(ctx, code, start, days))


async def signed_use(
    request: Request,
    actor: Actor,
    model: type[M],
    use_case: Callable[[Ctx, Terminal, M], Awaitable[Any]],
    delta_use: SceneUse | None = None,
) -> Response:
    """Run a terminal's request in one transaction: the signature over the exact body first
    (401 signature_refused), then the body as `model` (422), then the use case. For a use the
    delta exchange carries (`delta_use`), another province's card is asked of its node first,
    with no transaction open, so that a slow node holds no lock (YRD-3)."""
    rt = runtime(request)
    raw = await request.body()
    tolerance = rt.settings.signature_tolerance_seconds
    ahead = await _ask_ahead(rt, actor, request, raw, model, delta_use)
    async with rt.unit(actor) as ctx:
        terminal = await scenes.authenticate(ctx, request.headers, raw, tolerance)
        body = parse_strict(model, raw)
        await scenes.remember_request(ctx, terminal, body.request_id)
        with scenes.asked_ahead(ahead):
            result = await use_case(ctx, terminal, body)
    return json_response(result)


async def _ask_ahead(
    rt: Runtime,
    actor: Actor,
    request: Request,
    raw: bytes,
    model: type[M],
    delta_use: SceneUse | None,
) -> StatusAnswer | None:
    if delta_use is None:
        return None
    try:  # a body that does not parse is refused in the request's own transaction
        body = parse_strict(model, raw)
    except (RequestValidationError, DomainError):
        return None
    presented = body.domain() if isinstance(body, PresentedIn) else None
    if presented is None or not presented.from_the_delta:
        return None  # nothing to ask: no extra transaction for Jiangsu cards and ecard codes
    tolerance = rt.settings.signature_tolerance_seconds
    async with rt.unit(actor, readonly=True) as ctx:
        terminal = await scenes.authenticate(ctx, request.headers, raw, tolerance)
        question = await scenes.prepare_delta_question(ctx, terminal, delta_use, presented)
    if question is None or isinstance(question, StatusAnswer):
        return question
    return await delta.send(question, rt.clock.now())


def terminal_route(
    on: APIRouter,
    path: str,
    *,
    summary: str,
    body: type[M],
    answer: type[BaseModel],
    use_case: Callable[[Ctx, Terminal, M], Awaitable[Any]],
    name: str,
    delta_use: SceneUse | None = None,
) -> None:
    """A POST a scene's terminal makes, signed: documented with its body, the signature
    headers and its answer; run by `signed_use`."""

    async def route(request: Request, actor: Actor = Depends(current_actor)) -> Response:
        return await signed_use(request, actor, body, use_case, delta_use)

    extra = signed_body_openapi(body, (TIMESTAMP_HEADER, SIGNATURE_HEADER))
    on.post(path, summary=summary, responses=answers(answer), openapi_extra=extra, name=name)(route)


async def _offline_scans(ctx: Ctx, terminal: Terminal, body: OfflineScansIn) -> Any:
    return await scenes.reconcile_offline(ctx, terminal, [s.domain() for s in body.scans])


terminal_route(
    router,
    "/scene-uses/identity",
    summary="A government hall or hotel checks the card or an ecard identity code as the "
    "holder's identity credential: name and number for its record (SCN-1, LOSS-5), signed",
    body=PresentedIn,
    answer=SceneAnswer,
    use_case=lambda ctx, terminal, b: scenes.check_identity(ctx, terminal, b.domain()),
    name="check_identity",
    delta_use=SceneUse.IDENTITY,
)
terminal_route(
    router,
    "/scene-uses/offline-scans",
    summary="A gate that verified ecard codes offline uploads what it scanned: single use is "
    "reconciled across gates and online uses (ECARD-3), signed",
    body=OfflineScansIn,
    answer=OfflineReconciliation,
    use_case=_offline_scans,
    name="upload_offline_scans",
)
