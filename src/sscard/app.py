"""The FastAPI application: routers, problem+json handlers, the runtime's lifespan."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline
from sqlalchemy import text

from sscard import __version__
from sscard.actors import endpoints as actors
from sscard.actors.family import endpoints as family
from sscard.actors.online import endpoints as online_sign_in
from sscard.actors.staff import endpoints as staff
from sscard.applications import endpoints as applications
from sscard.applications.counter import endpoints as counter
from sscard.applications.online import endpoints as online
from sscard.applications.renewal import endpoints as renewal
from sscard.applications.temporary_medical import endpoints as temporary_medical
from sscard.banks import endpoints as banks
from sscard.banks.reconciliation import endpoints as reconciliation
from sscard.cards import endpoints as cards
from sscard.cards.cancellation import endpoints as cancellation
from sscard.cards.expiry import endpoints as expiry
from sscard.cards.jurisdiction import endpoints as jurisdiction
from sscard.cards.loss import endpoints as loss
from sscard.cards.passwords import endpoints as passwords
from sscard.culture import endpoints as culture
from sscard.delta import endpoints as delta
from sscard.ecards import endpoints as ecards
from sscard.ecards.password import endpoints as ecard_password
from sscard.hr_services import endpoints as hr_services
from sscard.kernel.config import Settings
from sscard.kernel.db import transaction
from sscard.kernel.runtime import Runtime
from sscard.medical import endpoints as medical
from sscard.payments import endpoints as payments
from sscard.payments.collections import endpoints as collections
from sscard.platform.access import endpoints as access
from sscard.platform.clock import endpoints as clock
from sscard.platform.http import problems
from sscard.platform.http.redoc import install_redoc
from sscard.platform.http.schemas import document
from sscard.platform.notify import endpoints as notify
from sscard.platform.outbox import endpoints as outbox
from sscard.promotions import endpoints as promotions
from sscard.registry.calendar import endpoints as calendar
from sscard.registry.corrections import endpoints as corrections
from sscard.registry.credit import endpoints as credit
from sscard.registry.reference import endpoints as reference
from sscard.scenes import endpoints as scenes
from sscard.scenes.lists import endpoints as application_lists
from sscard.statistics import endpoints as statistics
from sscard.transport import endpoints as transport
from sscard.transport.offline import endpoints as offline_fares
from sscard.units import endpoints as units
from sscard.units.collection import endpoints as unit_collection
from sscard.units.photos import endpoints as unit_photos
from sscard.units.production import endpoints as unit_production
from sscard.web.mount import install as install_pages
from sscard.wiring import wire

DESCRIPTION = """
Back office of the Jiangsu social security card (社会保障卡, third generation).

Every request carries `Authorization: Bearer <token>` of an actor (SPEC CH-1). Errors are
`application/problem+json` with a stable `code`, the SPEC `rule`, the `field` at fault and the
reason in Chinese (`detail_zh`) and English (`detail_en`); `detail` follows `Accept-Language`
(Chinese unless it starts with `en`). Every POST that changes data honours `Idempotency-Key`.
"""

# Each context's routes, in the order the OpenAPI document lists them.
ROUTERS = (
    counter.router,
    applications.router,
    renewal.router,
    temporary_medical.router,
    online.router,
    online_sign_in.router,
    family.router,
    ecards.router,
    ecards.checks,
    ecard_password.router,
    scenes.router,
    delta.router,
    transport.router,
    transport.readers,
    offline_fares.router,
    offline_fares.uploads,
    payments.router,
    payments.uploads,
    collections.router,
    promotions.router,
    application_lists.router,
    medical.router,
    culture.router,
    hr_services.router,
    corrections.router,
    jurisdiction.router,
    expiry.router,  # before cards: /cards/expiring is not a card number
    cards.router,
    loss.router,
    cancellation.router,
    reference.router,
    actors.router,
    staff.router,
    calendar.router,
    clock.router,
    access.router,
    notify.router,
    credit.router,
    passwords.router,
    outbox.router,
    banks.router,
    reconciliation.router,
    statistics.router,
    unit_production.router,
    unit_photos.router,
    unit_collection.router,
    units.router,  # after the other unit routers: /units/progress is not a credit code
    units.uploads,
)


@asynccontextmanager
async def background_worker(rt: Runtime, *, enabled: bool) -> AsyncIterator[None]:
    """The service's own jobs (delivery to banks, sweeps) beside the API, stopped with it."""
    if not enabled:
        yield
        return
    from sscard.worker import run_worker

    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(rt, stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app; tests pass their own runtime, the server builds one from the environment."""
    wire()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        rt = app.state.runtime = runtime or Runtime(settings or Settings.from_env())
        # Everything loaded at start-up lives for the process; keep the collector off it.
        gc.collect()
        gc.freeze()
        async with background_worker(rt, enabled=owned and rt.settings.worker):
            yield
        if owned:
            await rt.dispose()

    # Swagger UI and ReDoc from the installed package, not a CDN: the docs work offline.
    app = FastAPIOffline(
        title="sscard",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,  # install_redoc: its footer logo is served from here, not the CDN
        openapi_url="/openapi.json",
    )

    install_redoc(app, "sscard")
    if runtime is not None:
        app.state.runtime = runtime
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    install_pages(app)

    @app.get("/health", tags=["platform"], summary="Liveness and database reachability")
    async def health() -> Any:
        rt = app.state.runtime
        async with transaction(rt.read_engine, readonly=True) as conn:
            await conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
                servers=app.servers,
            )
            app.openapi_schema = document(spec, app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
