"""HMAC-SM3 (GB/T 32905) signatures, as the exchange's standard has them (docs/DELTA.md): the
signed text is the Unix timestamp in seconds, a newline and the exact body bytes, sent as
`X-Sscard-Signature: hmac-sm3=<hex>` beside `X-Sscard-Timestamp`; a timestamp further than
300 s from the receiver's clock is refused. Written from the standard, not from sscard's code."""

from __future__ import annotations

import hmac as std_hmac
from collections.abc import Mapping
from datetime import datetime

from cryptography.hazmat.primitives import hashes, hmac

TIMESTAMP_HEADER = "X-Sscard-Timestamp"
SIGNATURE_HEADER = "X-Sscard-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.HMAC(secret, hashes.SM3())
    mac.update(f"{timestamp}\n".encode())
    mac.update(body)
    return "hmac-sm3=" + mac.finalize().hex()


def signed_headers(secret: bytes, now: datetime, body: bytes) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}


def holds(secret: bytes, headers: Mapping[str, str], body: bytes, now: datetime) -> bool:
    """Whether the headers sign this body with the key, within the tolerance of `now`."""
    stamp, given = headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER)
    if stamp is None or given is None or not (stamp.isascii() and stamp.isdigit()):
        return False
    if len(stamp) > 12 or abs(now.timestamp() - int(stamp)) > TOLERANCE_SECONDS:
        return False
    return std_hmac.compare_digest(given.encode(), signature(secret, int(stamp), body).encode())
