"""Real servers and processes for tests: an ASGI app on a free port, the `sscard` CLI."""

from __future__ import annotations

import asyncio
import json
import os
import re
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


# How every failed command says why (sscard.platform.commands.Failure): one line on stderr.
FAILURE_LINE = re.compile(
    r"^sscard: (?P<code>[a-z_0-9]+)(?: \((?P<field>[^)]*)\))?: (?P<message>.+)$"
)


async def sscard_cli(
    api: Api, tmp_path: Path, *args: str, ok: bool = True, lang: str = "en"
) -> Any:
    """Run `sscard <args>` in its own process against the tests' database: its JSON output; or,
    with ok=False, the failure it told (code, field, message), checked to be one line on stderr
    and nothing on stdout, with exit status 2."""
    settings = api.rt.settings
    env = {
        **os.environ,
        "SSCARD_DATABASE_URL": settings.database_url,
        "SSCARD_DATA_KEY": settings.data_key_hex or "",
        "SSCARD_VAR_DIR": str(tmp_path),
        "SSCARD_CLOCK": "adjustable",
        "SSCARD_LANG": lang,
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
    if ok:
        assert proc.returncode == 0, (out + err).decode()
        return json.loads(out) if out.strip()[:1] in (b"{", b"[") else out
    return failure(proc.returncode, out, err)


def failure(code: int | None, out: bytes, err: bytes) -> dict[str, str | None]:
    """A failed command's line on stderr, read back (exit status 2, nothing on stdout); a
    refusal that lists problems has one indented line more for each, each naming its field."""
    told = err.decode()
    assert code == 2, (code, out, told)
    assert out == b"", out
    first, *problems = told.splitlines()
    assert all(p.startswith("  ") for p in problems), told
    match = FAILURE_LINE.match(first + "\n")
    assert match is not None, told
    return {**match.groupdict(), "problems": "\n".join(p.strip() for p in problems) or None}
