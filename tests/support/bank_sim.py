"""Helpers for tests of the bank simulator: signed batches, a real HTTP receiver for its reports,
and the simulator as its own process."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import uuid
from asyncio.subprocess import Process
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sscard.platform.outbox.protocol import Outgoing, batch_body
from sscard.platform.outbox.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
    signed_headers,
)
from tests.support.serving import free_port

REPORTS_PATH = "/api/v1/bank-reports"
WAIT_SECONDS = 10.0


def message(
    topic: str, card_number: str, sequence: int, payload: dict[str, Any], at: datetime
) -> Outgoing:
    return Outgoing(str(uuid.uuid4()), sequence, topic, card_number, at, payload)


def signed_batch(
    secret: bytes, now: datetime, messages: list[Outgoing]
) -> tuple[bytes, dict[str, str]]:
    """The body and headers sscard sends to a bank's webhook."""
    body = batch_body(messages)
    return body, {"Content-Type": "application/json", **signed_headers(secret, now, body)}


@dataclass
class Received:
    report: dict[str, Any]
    token: str
    signature_ok: bool
    timestamp: int


# Decides the answer to one report: (status, JSON body). Default: accepted.
Answer = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


@dataclass
class Receiver:
    """A real HTTP server standing in for sscard's /api/v1/bank-reports."""

    secrets: dict[str, bytes]  # token -> secret of the bank it authenticates
    port: int = field(default_factory=free_port)
    answer: Answer = lambda report: (201, {"status": "applied"})
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _report(self, request: Request) -> JSONResponse:
        self.attempts += 1
        body = await request.body()
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        secret = self.secrets.get(token)
        stamp = request.headers.get(TIMESTAMP_HEADER, "")
        ok = (
            secret is not None
            and stamp.isdigit()
            and request.headers.get(SIGNATURE_HEADER) == signature(secret, int(stamp), body)
        )
        report = json.loads(body)
        status, answer = self.answer(report)
        if 200 <= status < 300:
            self.received.append(Received(report, token, ok, int(stamp) if ok else 0))
            self._arrived.set()
        return JSONResponse(answer, status_code=status)

    async def start(self) -> None:
        """Listen at once (connections queue until the server runs), then serve."""
        app = Starlette(routes=[Route(REPORTS_PATH, self._report, methods=["POST"])])
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(128)
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = self._task = None

    async def wait_for(self, count: int) -> list[dict[str, Any]]:
        """The reports accepted, once there are `count` of them (at most WAIT_SECONDS)."""
        async with asyncio.timeout(WAIT_SECONDS):
            while len(self.received) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return [r.report for r in self.received]


def write_config(
    path: Path, sscard_url: str, banks: dict[str, dict[str, Any]], **extra: Any
) -> Path:
    path.write_text(json.dumps({"sscard_url": sscard_url, "banks": banks, **extra}))
    return path


async def start_sim_process(config: Path, db: Path, port: int, log: Path) -> Process:
    """`python -m bank_simulator serve` in its own process; returns once /health answers."""
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bank_simulator", "serve", "--config", str(config)),
            *("--host", "127.0.0.1", "--port", str(port), "--db", str(db)),
            *("--log-level", "warning"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=out,
        )
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        for _ in range(200):
            if proc.returncode is not None:
                raise RuntimeError(await asyncio.to_thread(log.read_text))
            try:
                if (await client.get("/health")).status_code == 200:
                    return proc
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    proc.terminate()
    raise RuntimeError("bank-sim did not answer /health")


async def stop_process(proc: Process) -> None:
    if proc.returncode is None:
        proc.terminate()
    await proc.wait()


def results(response: httpx.Response) -> list[str]:
    return [r["status"] for r in orjson.loads(response.content)["results"]]
