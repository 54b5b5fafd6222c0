"""A bank's webhook on a real TCP port, for delivery tests.

A tiny ASGI app served by uvicorn in the test's event loop: it checks each batch's HMAC-SM3
signature, applies every message id once (a second delivery is answered `duplicate`), and can be
told to be down (503), to lose its answer after applying, to reject given message ids, or to hold
every request until released.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import orjson

from sscard.platform.outbox import signing
from sscard.platform.outbox.signing import SignatureRefused
from tests.support.serving import serving as serve_asgi

Scope = dict[str, Any]
Message = dict[str, Any]


class Receiver:
    def __init__(self, secret: bytes, now: Callable[[], datetime]) -> None:
        self.secret = secret
        self.now = now
        self.down = False
        self.lose_answers = False  # apply, then answer 503 as if the answer were lost
        self.reject: dict[str, str] = {}  # message_id -> the bank's reason
        self.hold: asyncio.Event | None = None  # when set, requests wait for it
        self.arrived = asyncio.Event()  # set on every request
        self.requests = 0
        self.refused = 0  # requests whose signature did not verify
        self.batches: list[list[dict[str, Any]]] = []  # every verified batch as received
        self.applied: list[dict[str, Any]] = []  # each message id once, in order applied
        self.results: list[tuple[str, str]] = []  # (message_id, result) for every answer

    @property
    def applied_ids(self) -> list[str]:
        return [m["message_id"] for m in self.applied]

    def results_for(self, message_id: str) -> list[str]:
        return [result for mid, result in self.results if mid == message_id]

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        status, answer = await self._answer(scope, body)
        payload = orjson.dumps(answer)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def _answer(self, scope: Scope, body: bytes) -> tuple[int, Any]:
        self.requests += 1
        self.arrived.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.down:
            return 503, {"error": "down"}
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        try:
            signing.verify(self.secret, headers, body, self.now())
        except SignatureRefused as exc:
            self.refused += 1
            return 401, {"error": exc.code}
        messages: list[dict[str, Any]] = orjson.loads(body)["messages"]
        self.batches.append(messages)
        results = [self._apply(m) for m in messages]
        if self.lose_answers:
            return 503, {"error": "answer lost"}
        return 200, {"results": results}

    def _apply(self, message: dict[str, Any]) -> dict[str, Any]:
        mid = message["message_id"]
        if mid in self.reject:
            result = {"message_id": mid, "status": "rejected", "error": self.reject[mid]}
        elif mid in self.applied_ids:
            result = {"message_id": mid, "status": "duplicate"}
        else:
            self.applied.append(message)
            result = {"message_id": mid, "status": "applied"}
        self.results.append((mid, result["status"]))
        return result


@asynccontextmanager
async def serving(app: Receiver) -> AsyncIterator[str]:
    """Serve the receiver on a free 127.0.0.1 port; yields its webhook URL."""
    try:
        async with serve_asgi(app) as base:
            yield f"{base}/webhook"
    finally:
        if app.hold is not None:
            app.hold.set()
