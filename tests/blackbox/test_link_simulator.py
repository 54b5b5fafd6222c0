"""`sscard banks link-simulator` run again in the same checkout, as every `make run` does.

It used to hold its write transaction while checking the stored tokens on a second connection,
which on SQLite waited for that very lock until "database is locked" (30 s).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from tests.blackbox.bank_stack import cli


def test_linking_again_keeps_every_secret_and_working_token(tmp_path: Path) -> None:
    env = {**os.environ, "SSCARD_VAR_DIR": str(tmp_path)}
    env.pop("SSCARD_DATABASE_URL", None)
    cli(env, "setup")
    link = ("banks", "link-simulator", "--sim-url", "http://127.0.0.1:9")
    cli(env, *link)
    first = json.loads((tmp_path / "bank-sim.json").read_text())

    started = time.monotonic()
    cli(env, *link)
    again = json.loads((tmp_path / "bank-sim.json").read_text())

    assert time.monotonic() - started < 15  # not the 30 s busy timeout
    assert again["banks"] == first["banks"]
    assert (tmp_path / "bank-sim.json").stat().st_mode & 0o777 == 0o600


def test_a_token_of_another_bank_is_replaced(tmp_path: Path) -> None:
    env = {**os.environ, "SSCARD_VAR_DIR": str(tmp_path)}
    env.pop("SSCARD_DATABASE_URL", None)
    cli(env, "setup")
    link = ("banks", "link-simulator", "--sim-url", "http://127.0.0.1:9")
    cli(env, *link)
    config = tmp_path / "bank-sim.json"
    data = json.loads(config.read_text())
    data["banks"]["SZB"]["token"] = data["banks"]["ICBC"]["token"]
    config.write_text(json.dumps(data))

    cli(env, *link)

    banks = json.loads(config.read_text())["banks"]
    assert banks["SZB"]["token"] not in (data["banks"]["ICBC"]["token"], "")
    assert banks["ICBC"]["token"] == data["banks"]["ICBC"]["token"]
    assert banks["SZB"]["secret_hex"] == data["banks"]["SZB"]["secret_hex"]
