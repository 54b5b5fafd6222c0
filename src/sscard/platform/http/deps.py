"""Request plumbing: the runtime, the authenticated actor, units of work, idempotent POSTs."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import orjson
from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import Actor
from sscard.kernel.crypto import Vault
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, invalid
from sscard.kernel.runtime import Runtime
from sscard.platform.http import repository as repo

bearer = HTTPBearer(auto_error=False, description="API token of an actor (SPEC CH-1)")
UseCase = Callable[[Ctx], Awaitable[Any]]


class Authenticator(Protocol):
    """Resolves a bearer token to its actor; the actors context provides it (sscard.wiring)."""

    def cached(self, token: str | None) -> Actor | None:
        """The actor of a token seen lately, without a database round trip, or None."""

    async def authenticate(self, conn: AsyncConnection, token: str | None) -> Actor:
        """The token's actor; raises Unauthenticated for a missing, unknown or revoked token."""

    async def authenticate_session(self, rt: Runtime, token: str | None) -> Actor | None:
        """The actor of a session token (the online hall's, which expire), in a unit of its
        own; None for a token that is not a session's."""


_authenticators: list[Authenticator] = []


def set_authenticator(authenticator: Authenticator) -> None:
    """Register how tokens are resolved (replacing any earlier one)."""
    _authenticators[:] = [authenticator]


def _authenticator() -> Authenticator:
    if not _authenticators:
        raise RuntimeError("no authenticator registered: call sscard.wiring.wire()")
    return _authenticators[0]


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


async def current_actor(
    request: Request,
    creds: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> Actor:
    token = creds.credentials if creds else None
    auth = _authenticator()
    actor = auth.cached(token) or await auth.authenticate_session(runtime(request), token)
    if actor is None:
        async with runtime(request).engine.connect() as conn:
            actor = await auth.authenticate(conn, token)
    request.state.actor = actor
    return actor


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    message_zh = "该Idempotency-Key已用于另一个不同的请求"
    message_en = "This Idempotency-Key was already used for a different request"


async def read(request: Request, actor: Actor, use_case: UseCase) -> Response:
    """Run a read-only use case in its own transaction."""
    async with runtime(request).unit(actor, readonly=True) as ctx:
        result = await use_case(ctx)
    return json_response(result)


def json_response(result: Any) -> Response:
    """`result` as a JSON answer by orjson, in one pass; what orjson does not know (a Decimal,
    a model) goes through FastAPI's encoder."""
    # Column names come back as str subclasses, which orjson takes only with this option.
    body = orjson.dumps(result, default=jsonable_encoder, option=orjson.OPT_NON_STR_KEYS)
    return Response(body, media_type="application/json")


async def read_recorded(request: Request, actor: Actor, use_case: UseCase) -> Response:
    """Run a use case that reads a full record: writable, because the read is logged in the
    same transaction as it is made (platform.access; issue 11, SPEC ID-6)."""
    async with runtime(request).unit(actor) as ctx:
        result = await use_case(ctx)
    return json_response(result)


async def write(
    request: Request, actor: Actor, use_case: UseCase, *, status: int = 200
) -> Response:
    """Run a changing use case in one transaction, honouring an Idempotency-Key.

    The key and the response are stored in the same transaction as the change, so a retry
    returns the first result and a crash leaves either both or neither. Refusals are not stored:
    nothing changed, so a retry is judged afresh.
    """
    key = request.headers.get("idempotency-key")
    if key is None:
        async with runtime(request).unit(actor) as ctx:
            body = jsonable_encoder(await use_case(ctx))
        return JSONResponse(body, status_code=status)
    if not 1 <= len(key) <= 128:
        raise invalid(
            "Idempotency-Key",
            "长度须为1至128个字符",
            "must be 1 to 128 characters",
        )
    digest = await _request_hash(request)
    try:
        return await _write_once(request, actor, use_case, key, digest, status)
    except IntegrityError:
        # A concurrent request with the same key committed first: answer as it did.
        stored = await _stored(request, actor, key, digest)
        if stored is None:
            raise
        return stored


async def _write_once(
    request: Request, actor: Actor, use_case: UseCase, key: str, digest: str, status: int
) -> Response:
    async with runtime(request).unit(actor) as ctx:
        previous = await repo.stored_answer(ctx.conn, actor.id, key)
        if previous is not None:
            return _replay(previous, digest, ctx.vault)
        # Claim the key before the work: a concurrent twin waits here, then replays our answer.
        await repo.claim_key(ctx.conn, actor.id, key, digest, ctx.now)
        body = jsonable_encoder(await use_case(ctx))
        response = JSONResponse(body, status_code=status)
        # Sealed: an answer may hold a new token or a generated secret (SPEC ID-6).
        sealed = ctx.vault.encrypt(bytes(response.body))
        await repo.store_answer(ctx.conn, actor.id, key, status, sealed)
        return response


async def _stored(request: Request, actor: Actor, key: str, digest: str) -> Response | None:
    async with runtime(request).unit(actor, readonly=True) as ctx:
        previous = await repo.stored_answer(ctx.conn, actor.id, key)
    return _replay(previous, digest, ctx.vault) if previous else None


def _replay(previous: dict[str, Any], digest: str, vault: Vault) -> Response:
    """The first request's answer again; IdempotencyKeyReused if this request differs."""
    if previous["request_hash"] != digest:
        raise IdempotencyKeyReused(field="Idempotency-Key")
    sealed = previous["body_enc"]
    body = vault.decrypt_bytes(sealed) if sealed is not None else previous["body"]
    return Response(
        body,
        status_code=previous["status_code"],
        media_type="application/json",
        headers={"Idempotent-Replayed": "true"},
    )


async def _request_hash(request: Request) -> str:
    """Method, path, query and body, keyed: an unkeyed digest of a small body (a PIN, an ID
    number) could be guessed back. The query counts: `?within_days=1` and `?within_days=3660`
    under one key are two different requests."""
    body_digest = hashlib.sha256(await request.body()).hexdigest()
    target = f"{request.method} {request.url.path}?{request.url.query}"
    return runtime(request).vault.index(f"{target}\0{body_digest}")
