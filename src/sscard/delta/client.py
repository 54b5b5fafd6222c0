"""Asking another province's node over HTTP, signed both ways (SPEC YRD-3; docs/DELTA.md).

The question is signed with the pair's HMAC-SM3 key like every message sscard sends; the answer
must come back signed with the same key over its exact bytes, or it is not believed. No answer
within the timeout, a refused signature or a body that is not the standard's is "unreachable":
the scene is told the card cannot be checked now, never that it may be used.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import orjson

from sscard.kernel.errors import DomainError
from sscard.platform.outbox import signing

ASK_TIMEOUT_SECONDS = 3.0


class NodeUnreachable(Exception):
    """The node gave no answer sscard can believe; the text says why, without the card."""


async def ask(
    base_url: str, secret: bytes, question: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """POST the question to `{base_url}/yrd/v1/card-status`; the node's signed JSON answer.
    NodeUnreachable for no answer, a status other than 200, or a signature that does not hold."""
    body = orjson.dumps(question)
    headers = {"Content-Type": "application/json", **signing.signed_headers(secret, now, body)}
    try:
        async with httpx.AsyncClient(timeout=ASK_TIMEOUT_SECONDS, trust_env=False) as client:
            response = await client.post(
                f"{base_url}/yrd/v1/card-status", content=body, headers=headers
            )
    except httpx.HTTPError as exc:
        raise NodeUnreachable(f"no answer: {type(exc).__name__}") from exc
    if response.status_code != 200:
        raise NodeUnreachable(f"HTTP {response.status_code}")
    try:
        signing.verify(secret, response.headers, response.content, now)
    except DomainError as exc:
        raise NodeUnreachable("the answer's signature does not hold") from exc
    try:
        answer = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise NodeUnreachable("the answer is not JSON") from exc
    if not isinstance(answer, dict):
        raise NodeUnreachable("the answer is not an object")
    return answer
