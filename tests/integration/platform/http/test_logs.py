"""No card number in clear in the access log of the real server (SPEC ID-6; adversarial review
of issue 15, E): the app served by uvicorn with uvicorn's own logging configuration and the
masking `sscard.server` installs, driven over HTTP."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from sscard.platform.http.logs import keep_personal_numbers_out_of_logs
from tests.support.api import Api

LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")


class Lines(logging.Handler):
    """The lines a logger writes, as its handlers get them."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def logging_restored() -> Iterator[None]:
    """uvicorn's configuration and the masking are the process's: put the tests' back after."""
    kept = {}
    for name in LOGGERS:
        logger = logging.getLogger(name)
        handlers = {h: list(h.filters) for h in logger.handlers}
        kept[name] = (handlers, list(logger.filters), logger.propagate, logger.level)
    try:
        yield
    finally:
        for name, (handlers, filters, propagate, level) in kept.items():
            logger = logging.getLogger(name)
            logger.handlers = list(handlers)
            for handler, its_filters in handlers.items():
                handler.filters = its_filters
            logger.filters, logger.propagate, logger.level = filters, propagate, level


@asynccontextmanager
async def served_as_in_production(app: FastAPI) -> AsyncIterator[str]:
    """The app under uvicorn with uvicorn's default logging (its access log on), then the
    masking as `sscard.server` installs it when uvicorn imports it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", access_log=True, log_level="info", ws="none")
    keep_personal_numbers_out_of_logs()
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.005)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_the_access_log_holds_no_card_number_in_clear(api: Api, app: FastAPI) -> None:
    """ID-6: a card read at the counter and its transport purse asked for, over HTTP: the
    access log has both requests, their card numbers masked; nor is an ID number put in a
    path or a query by a client in clear."""
    card = await api.card()
    number = card["card_number"]
    ssn = api.numbers[card["person_id"]]
    lines = Lines()
    with logging_restored():
        async with served_as_in_production(app) as base:
            logging.getLogger("uvicorn.access").addHandler(lines)
            headers = {"Authorization": f"Bearer {api.tokens['clerk_instant']}"}
            async with httpx.AsyncClient(base_url=base, headers=headers) as client:
                for path in (
                    f"/api/v1/cards/{number}",
                    f"/api/v1/transport/purses/{number}",
                    f"/api/v1/persons/{ssn}",
                    f"/api/v1/cards?q={ssn}",
                ):
                    await client.get(path)
    assert len(lines.lines) == 4, lines.lines
    masked = f"{number[:3]}****{number[-2:]}"
    assert f'"GET /api/v1/cards/{masked} HTTP/1.1" 200' in lines.lines[0], lines.lines
    assert f"/api/v1/transport/purses/{masked} " in lines.lines[1], lines.lines
    for line in lines.lines:
        assert number not in line, line
        assert ssn[6:14] not in line, line
