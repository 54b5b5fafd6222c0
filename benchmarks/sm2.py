"""SM2 for the ecard's QR codes (issue 14 "Scale"; SPEC ECARD-3): how many codes one core mints
(body, SM2-SM3 signature, base45) and verifies offline (decode, signature, time) a second with
sscard's own code (sscard.ecards.qr and .signing on tongsuopy), beside the native ceiling of
the machine's OpenSSL (`openssl speed sm2`) in the same run.

`python -m benchmarks.run --only sm2` runs it as part of `make bench`. Target: 2,000 of each a
second per core. No database: what is timed is the CPU work a gate or the platform does.
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import subprocess
import time
from datetime import UTC, datetime
from typing import Any

from benchmarks.run import commit, machine_line
from sscard.ecards import qr, signing

TARGET_PER_SECOND = 2_000
# The survey behind the choice of tongsuopy (2026-12-02, this machine's kind, one run each
# while the other core ran tests; sign/s, verify/s): native packages that install from PyPI.
SURVEY = [
    ("tongsuopy 1.0.1 (Tongsuo, wheel)", 2_480, 2_730),
    ("gmalglib 0.5.9 (C, built from source)", 6_500, 1_450),
    ("gmssl-pyx 2.1.0 (GmSSL, wheel)", 293, 1_275),
    ("gmssl-fast 0.1.0 (wheel)", 785, 432),
    ("easy-gmssl 2.0.1 (GmSSL, source)", 897, 479),
    ("smcryptopy 0.2.1 (Rust, wheel)", 32, 19),
    ("gmssl 3.2.2 (pure Python)", 129, 78),
]


def _rate(work: Any, seconds: float) -> float:
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(50):
            work()
        done += 50
    return done / elapsed


def run(args: argparse.Namespace) -> dict[str, Any]:
    private, public = signing.new_key()
    key, verifying = signing.signing_key(private), signing.verifying_key(public)

    def mint() -> str:
        body = qr.QrBody(1, secrets.randbits(63), qr.Scope.ENTRY, int(time.time()), 60,
                         secrets.token_bytes(8))  # fmt: skip
        return qr.encode(body, signing.sign(key, body.pack()))

    code = mint()
    now = datetime.now(UTC)

    def verify() -> None:
        read = qr.decode(code)
        assert signing.verify(verifying, read.signed, read.signature)
        qr.check_time(read.body, now)

    rounds = [
        {"mint": _rate(mint, args.sm2_seconds), "verify": _rate(verify, args.sm2_seconds)}
        for _ in range(args.sm2_rounds)
    ]
    return {
        "measured_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        "machine": machine_line(),
        "commit": commit(),
        "mint": statistics.median(r["mint"] for r in rounds),
        "verify": statistics.median(r["verify"] for r in rounds),
        "rounds": rounds,
        "openssl": _openssl_speed(),
    }


def _openssl_speed() -> dict[str, float] | None:
    """`openssl speed sm2`'s signs and verifies a second on one core, or None without it."""
    try:
        done = subprocess.run(
            ["openssl", "speed", "-seconds", "3", "sm2"], capture_output=True, text=True,
            timeout=60, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r"SM2 \([^)]*\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)", done.stdout)
    if not found:
        return None
    return {"sign": float(found.group(1)), "verify": float(found.group(2))}


def report_section(data: dict[str, Any]) -> list[str]:
    ceiling = data.get("openssl")
    met = min(data["mint"], data["verify"]) >= TARGET_PER_SECOND
    lines = [
        "## SM2 for the ecard's QR codes (issue 14, ECARD-3)",
        "",
        f"Measured {data['measured_at']} UTC at commit {data['commit']} with `python -m "
        f"benchmarks.run --only sm2`, one process on one core. Machine: {data['machine']}.",
        "",
        "| per second, one core | sscard (median of rounds) | rounds | `openssl speed sm2` |",
        "|---|---:|---|---:|",
    ]
    for what, key in (("mint a code (sign)", "mint"), ("verify a code offline", "verify")):
        every = ", ".join(f"{r[key]:,.0f}" for r in data["rounds"])
        native = f"{ceiling['sign' if key == 'mint' else 'verify']:,.0f}" if ceiling else "—"
        lines.append(f"| {what} | {data[key]:,.0f} | {every} | {native} |")
    lines += [
        "",
        f"Verdict: {'met' if met else 'not met'} — target {TARGET_PER_SECOND:,} of each a second "
        "per core. The machine's own OpenSSL is the ceiling: SM2 on this CPU is native code "
        "either way, and the code's Python around it (packing, base45, the time check) costs "
        "what the two columns differ by.",
        "",
        "The package was chosen from this survey (2026-12-02, one run each, the other core "
        "busy; signatures and verifications a second):",
        "",
        "| package | sign/s | verify/s |",
        "|---|---:|---:|",
        *[f"| {name} | {s:,} | {v:,} |" for name, s, v in SURVEY],
        "",
        "Only tongsuopy does both above 2,000 from a self-contained wheel; `cryptography` has no "
        "SM2 curve. All of them interoperate (a signature of one verifies with each other one "
        "and with `openssl pkeyutl`).",
        "",
    ]
    return lines
