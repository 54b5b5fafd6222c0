"""Real servers and processes for tests: an ASGI app on a free port, the `sscard` CLI."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn

from tests.support.api import Api


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """Serve an ASGI app under uvicorn on a free 127.0.0.1 port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, lifespan="off", log_config=None, log_level="warning", access_log=False, ws="none"
    )
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


async def sscard_cli(api: Api, tmp_path: Path, *args: str, ok: bool = True) -> Any:
    """Run `sscard <args>` in its own process against the tests' database; its JSON output."""
    settings = api.rt.settings
    env = {
        **os.environ,
        "SSCARD_DATABASE_URL": settings.database_url,
        "SSCARD_DATA_KEY": settings.data_key_hex or "",
        "SSCARD_VAR_DIR": str(tmp_path),
        "SSCARD_CLOCK": "adjustable",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sscard",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert (proc.returncode == 0) is ok, (out + err).decode()
    if out.strip()[:1] in (b"{", b"["):
        return json.loads(out)
    return out or err  # a usage error is told on stderr only
