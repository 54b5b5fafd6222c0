"""The simulated nodes over HTTP: sscard's questions and status changes in, a scene's question
about a Jiangsu card out, and the controls a test or a demo uses."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from delta_simulator import cards, signing

STANDARD = "yrd-card-status/1"


@dataclass
class Province:
    code: str
    token: str
    secret: bytes
    cards: dict[str, cards.Card]
    received: list[dict[str, Any]] = field(default_factory=list)  # status changes, in order
    seen: set[str] = field(default_factory=set)  # message ids already taken


@dataclass
class Simulator:
    sscard_url: str
    provinces: dict[str, Province]
    log: Path | None = None
    offset: timedelta = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    @classmethod
    def from_config(
        cls, config: dict[str, Any], seed: int, count: int, log: Path | None
    ) -> Simulator:
        provinces = {
            code: Province(
                code, p["token"], bytes.fromhex(p["secret_hex"]), cards.generate(code, count, seed)
            )
            for code, p in config["provinces"].items()
        }
        return cls(config["sscard_url"].rstrip("/"), provinces, log)


def _problem(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse(
        {"code": code, "detail": detail}, status_code=status, media_type="application/problem+json"
    )


def create_app(sim: Simulator) -> FastAPI:
    app = FastAPI(title="Yangtze River Delta nodes (simulated)", docs_url=None, redoc_url=None)

    def province(code: str) -> Province | None:
        return sim.provinces.get(code)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "provinces": sorted(sim.provinces)}

    @app.post("/provinces/{code}/yrd/v1/card-status")
    async def card_status(code: str, request: Request) -> Response:
        p, raw = province(code), await request.body()
        if p is None:
            return _problem(404, "not_found", "no such province here")
        if not signing.holds(p.secret, request.headers, raw, sim.now()):
            return _problem(401, "signature_refused", "the signature does not hold")
        try:
            q = json.loads(raw)
            number, use, place = q["card_number"], q["use"], q["place_code"]
        except (ValueError, KeyError, TypeError):
            return _problem(422, "invalid_input", "not a yrd-card-status/1 question")
        card = p.cards.get(str(number).upper())
        allowed, answer_code, why = cards.answer(card, str(use), str(place))
        body = json.dumps(
            {
                "standard": STANDARD,
                "request_id": q.get("request_id"),
                "province_code": code,
                "known": card is not None,
                "use": use,
                "allowed": allowed,
                "code": answer_code,
                "reason_zh": why[0] if why else None,
                "reason_en": why[1] if why else None,
                "rule": why[2] if why else None,
                "card_number_masked": f"{card.number[:3]}****{card.number[-2:]}" if card else None,
                "holder_name_masked": card.holder_masked if card else None,
            },
            ensure_ascii=False,
        ).encode()
        headers = signing.signed_headers(p.secret, sim.now(), body)
        return Response(body, media_type="application/json", headers=headers)

    @app.post("/provinces/{code}/yrd/v1/status-changes")
    async def status_changes(code: str, request: Request) -> Response:
        p, raw = province(code), await request.body()
        if p is None:
            return _problem(404, "not_found", "no such province here")
        if not signing.holds(p.secret, request.headers, raw, sim.now()):
            return _problem(401, "signature_refused", "the signature does not hold")
        results = []
        for m in json.loads(raw).get("messages", []):
            mid = m.get("message_id")
            status = "duplicate" if mid in p.seen else "applied"
            if status == "applied":
                p.seen.add(mid)
                p.received.append({"message_id": mid, **m.get("payload", {})})
                _log(sim, {"province": code, "message_id": mid, "topic": m.get("topic")})
            results.append({"message_id": mid, "status": status})
        return JSONResponse({"results": results})

    @app.get("/control/provinces/{code}/cards")
    async def list_cards(code: str, limit: int = 20) -> Response:
        p = province(code)
        if p is None:
            return _problem(404, "not_found", "no such province here")
        shown = list(p.cards.values())[: max(1, min(limit, 1000))]
        return JSONResponse(
            [
                {
                    "card_number": c.number,
                    "issuer_region": c.region,
                    "status": c.status.value,
                    "filing_to": sorted(c.filing_to),
                }
                for c in shown
            ]
        )

    @app.post("/control/provinces/{code}/cards/{number}")
    async def set_card(code: str, number: str, request: Request) -> Response:
        p = province(code)
        card = p.cards.get(number.upper()) if p else None
        if card is None:
            return _problem(404, "not_found", "no such card here")
        change = await request.json()
        if "status" in change:
            card.status = cards.Status(change["status"])
        if "filing_to" in change:
            card.filing_to = set(change["filing_to"])
        return JSONResponse({"card_number": card.number, "status": card.status.value})

    @app.get("/control/provinces/{code}/status-changes")
    async def received(code: str) -> Response:
        p = province(code)
        if p is None:
            return _problem(404, "not_found", "no such province here")
        return JSONResponse(p.received)

    @app.post("/control/provinces/{code}/ask")
    async def ask(code: str, request: Request) -> Response:
        """Ask sscard about a Jiangsu card as one of this province's scenes would."""
        p = province(code)
        if p is None:
            return _problem(404, "not_found", "no such province here")
        given = await request.json()
        question = {
            "standard": STANDARD,
            "request_id": uuid.uuid4().hex,
            "asking_province": code,
            **given,
        }
        return JSONResponse(await ask_sscard(sim, p, question))

    @app.post("/control/clock")
    async def clock(request: Request) -> dict[str, Any]:
        sim.offset = timedelta(seconds=float((await request.json())["offset_seconds"]))
        return {"now": sim.now().isoformat()}

    return app


async def ask_sscard(sim: Simulator, p: Province, question: dict[str, Any]) -> dict[str, Any]:
    """POST the question to sscard signed; its answer and whether its signature held."""
    body = json.dumps(question).encode()
    headers = {
        "Authorization": f"Bearer {p.token}",
        "Content-Type": "application/json",
        **signing.signed_headers(p.secret, sim.now(), body),
    }
    async with httpx.AsyncClient(timeout=10.0, trust_env=False) as http:
        r = await http.post(
            f"{sim.sscard_url}/api/v1/delta/card-status", content=body, headers=headers
        )
    signed = r.status_code == 200 and signing.holds(p.secret, r.headers, r.content, sim.now())
    return {"status_code": r.status_code, "signature_holds": signed, "answer": r.json()}


def _log(sim: Simulator, entry: dict[str, Any]) -> None:
    if sim.log is not None:
        with sim.log.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
