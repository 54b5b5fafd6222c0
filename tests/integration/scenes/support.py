"""A scene as the tests drive it: registered by the card centre, its terminal signing requests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import orjson

from sscard.platform.outbox.signing import signed_headers
from tests.support.api import Api


class SceneTerminal:
    """One terminal of one registered scene, calling sscard as a real one would."""

    def __init__(self, api: Api, code: str, key: str, secret: bytes) -> None:
        self.api, self.code, self.key, self.secret = api, code, key, secret

    async def post(
        self,
        path: str,
        body: Any,
        *,
        secret: bytes | None = None,
        at: datetime | None = None,
        raw: bytes | None = None,
    ) -> httpx.Response:
        if isinstance(body, dict) and "request_id" not in body:
            body = {"request_id": uuid.uuid4().hex, **body}
        content = raw if raw is not None else orjson.dumps(body)
        headers = signed_headers(secret or self.secret, at or self.api.rt.clock.now(), content)
        headers["Content-Type"] = "application/json"
        return await self.api.call("POST", path, self.key, content=content, headers=headers)

    async def identity(self, **presented: Any) -> dict[str, Any]:
        r = await self.post("/api/v1/scene-uses/identity", presented)
        assert r.status_code == 200, r.text
        answer: dict[str, Any] = r.json()
        return answer


async def scene(
    api: Api,
    kind: str,
    code: str,
    *,
    city: str = "3204",
    language: str = "zh",
    terminal: str = "T1",
    as_: str = "admin",
    area: str | None = None,
) -> SceneTerminal:
    """Register a scene of `kind` and one terminal; the terminal, ready to sign."""
    r = await api.post(
        "/api/v1/scenes",
        as_,
        {"code": code, "name": f"测试{kind}", "kind": kind, "city_code": city}
        | ({"area_code": area} if area else {}),
    )
    if r.status_code != 409:
        assert r.status_code == 201, r.text
    r = await api.post(
        f"/api/v1/scenes/{code}/terminals", as_, {"terminal_code": terminal, "language": language}
    )
    assert r.status_code == 201, r.text
    body = r.json()
    key = f"terminal:{code}:{terminal}"
    api.tokens[key] = body["token"]
    return SceneTerminal(api, code, key, bytes.fromhex(body["signing_key"]))
