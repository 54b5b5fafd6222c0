"""Delivery over HTTP: one signed webhook POST per batch, on one kept-alive client."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx
import orjson

from sscard.platform.outbox import signing
from sscard.platform.outbox.protocol import (
    DeliveryResult,
    Endpoint,
    EndpointUnavailable,
    Outcome,
    Outgoing,
    batch_body,
)


class HttpSender:
    """POSTs each batch to the endpoint's URL with HMAC-SM3 headers; the bank's 200 answers it."""

    def __init__(self, timeout_seconds: float, client: httpx.AsyncClient | None = None) -> None:
        self.client = client or httpx.AsyncClient(
            timeout=timeout_seconds,
            limits=httpx.Limits(max_keepalive_connections=32, keepalive_expiry=30),
        )

    async def send(
        self, endpoint: Endpoint, batch: Sequence[Outgoing], now: datetime
    ) -> list[Outcome]:
        body = batch_body(batch)
        headers = {
            "Content-Type": "application/json",
            **signing.signed_headers(endpoint.secret, now, body),
        }
        try:
            response = await self.client.post(endpoint.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            # The class name only: an error's text may quote the request (ID-6).
            raise EndpointUnavailable(f"no answer: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise EndpointUnavailable(_status_reason(response.status_code))
        try:
            answer = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise EndpointUnavailable("HTTP 200 without a JSON body") from exc
        return parse_results(answer, {m.message_id for m in batch})

    async def close(self) -> None:
        await self.client.aclose()


def _status_reason(status: int) -> str:
    if status == 401:
        return "HTTP 401: the bank refused the signature"
    return f"HTTP {status}"


def parse_results(answer: Any, sent: set[str]) -> list[Outcome]:
    """The outcomes in a bank's {"results": [...]}; results for ids not sent are ignored.

    A result that cannot be read is left out, so its message stays pending and goes again.
    """
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list):
        raise EndpointUnavailable("HTTP 200 without a results list")
    outcomes: list[Outcome] = []
    for item in results:
        if not isinstance(item, dict) or item.get("message_id") not in sent:
            continue
        try:
            result = DeliveryResult(str(item.get("status")))
        except ValueError:
            continue
        error = item.get("error")
        outcomes.append(
            Outcome(item["message_id"], result, str(error)[:256] if error is not None else None)
        )
    return outcomes
