"""`python -m devstack [--transport http|nats] [--sim-db PATH]`: the stack until a signal.

Exit codes: 0 stopped on request (SIGINT, SIGTERM, SIGHUP); 1 a step failed or a child stopped on
its own (the other is stopped too); 2 a port is taken, or another stack runs on the same data
directory (nothing was started).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from devstack.stack import Options, run

# New files and folders private to the user (0600, 0700), in devstack and every child it starts,
# which inherit it: the data directory, the databases, the logs hold personal data (issue 11).
PRIVATE_UMASK = 0o077


def main(argv: list[str] | None = None) -> int:
    os.umask(PRIVATE_UMASK)
    parser = argparse.ArgumentParser(
        prog="python -m devstack",
        description="Set up sscard, start the bank and delta simulators and sscard, stop all "
        "on Ctrl-C.",
    )
    parser.add_argument("--transport", choices=("http", "nats"), default="http")
    parser.add_argument(
        "--sim-db", help="the simulator's own database [default: $SSCARD_VAR_DIR/bank-sim.db]"
    )
    parser.add_argument(
        "--stop-seconds",
        type=float,
        default=10.0,
        help="how long a child may take to stop after the signal before it is killed",
    )
    args = parser.parse_args(argv)
    env = dict(os.environ)
    var = Path(env.get("SSCARD_VAR_DIR", "var"))
    try:
        options = Options(
            var=var,
            host=env.get("SSCARD_HOST", "127.0.0.1"),
            port=_port(env, "SSCARD_PORT", 8000),
            sim_port=_port(env, "SSCARD_SIM_PORT", 8700),
            delta_port=_port(env, "SSCARD_DELTA_SIM_PORT", 8710),
            transport=args.transport,
            sim_db=args.sim_db or str(var / "bank-sim.db"),
            stop_seconds=args.stop_seconds,
        )
    except ValueError as bad:
        print(f"devstack: {bad}", file=sys.stderr)
        return 2
    return run(options, env)


def _port(env: dict[str, str], name: str, default: int) -> int:
    text = env.get(name, str(default))
    if not (text.isascii() and text.isdigit() and len(text) <= 5) or not 0 < int(text) < 65536:
        raise ValueError(f"{name}={text!r} is not a port number")
    return int(text)
