"""Asking another province's node over HTTP, signed both ways (SPEC YRD-3; docs/DELTA.md).

The question is signed with the pair's HMAC-SM3 key like every message sscard sends; the answer
must come back signed with the same key over its exact bytes, or it is not believed. Nothing
here touches the database: the caller asks with no transaction open, so a slow node holds no
lock. The whole exchange has one deadline (ASK_TIMEOUT_SECONDS, however slowly a node trickles
its bytes), and an answer longer than ANSWER_MAX_BYTES is not read. No answer, a refused
signature or a body that is not JSON is "unreachable": the scene is told the card cannot be
checked now, never that it may be used.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx
import orjson

from sscard.kernel.errors import DomainError
from sscard.platform.outbox import signing

ASK_TIMEOUT_SECONDS = 3.0
ANSWER_MAX_BYTES = 16_384


class NodeUnreachable(Exception):
    """The node gave no answer sscard can believe; the text says why, without the card."""


async def ask(
    base_url: str, secret: bytes, question: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """POST the question to `{base_url}/yrd/v1/card-status`; the node's signed JSON answer.
    NodeUnreachable for no answer within the deadline, a status other than 200, an answer too
    long, or a signature that does not hold."""
    body = orjson.dumps(question)
    headers = {"Content-Type": "application/json", **signing.signed_headers(secret, now, body)}
    try:
        async with asyncio.timeout(ASK_TIMEOUT_SECONDS):
            status, head, content = await _post(f"{base_url}/yrd/v1/card-status", body, headers)
    except TimeoutError as exc:
        raise NodeUnreachable(f"no answer within {ASK_TIMEOUT_SECONDS:g} s") from exc
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise NodeUnreachable(f"no answer: {type(exc).__name__}") from exc
    if status != 200:
        raise NodeUnreachable(f"HTTP {status}")
    try:
        signing.verify(secret, head, content, now)
    except DomainError as exc:
        raise NodeUnreachable("the answer's signature does not hold") from exc
    try:
        answer = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise NodeUnreachable("the answer is not JSON") from exc
    if not isinstance(answer, dict):
        raise NodeUnreachable("the answer is not an object")
    return answer


async def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes]:
    async with (
        httpx.AsyncClient(timeout=ASK_TIMEOUT_SECONDS, trust_env=False) as client,
        client.stream("POST", url, content=body, headers=headers) as response,
    ):
        content = bytearray()
        async for chunk in response.aiter_bytes():
            content += chunk
            if len(content) > ANSWER_MAX_BYTES:
                raise NodeUnreachable(f"an answer longer than {ANSWER_MAX_BYTES} bytes")
        return response.status_code, response.headers, bytes(content)
