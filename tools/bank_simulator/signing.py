"""HMAC-SM3 (GB/T 32905) signatures on every message between the bank and sscard.

The signed text is the Unix timestamp in seconds, a newline and the exact body bytes; the
signature travels as `X-Sscard-Signature: hmac-sm3=<hex>` beside `X-Sscard-Timestamp`. A
timestamp further than the tolerance from the bank's own clock is refused.
"""

from __future__ import annotations

import hmac as std_hmac
from collections.abc import Mapping
from datetime import datetime

from cryptography.hazmat.primitives import hashes, hmac

from bank_simulator.errors import BankError

TIMESTAMP_HEADER = "X-Sscard-Timestamp"
SIGNATURE_HEADER = "X-Sscard-Signature"
SCHEME = "hmac-sm3="
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureRefused(BankError):
    code = "signature_refused"
    status = 401
    message_zh = "报文签名无效：{reason_zh}"
    message_en = "The message signature is not valid: {reason_en}"


def hmac_sm3(key: bytes, *parts: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    for part in parts:
        mac.update(part)
    return mac.finalize()


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    return SCHEME + hmac_sm3(secret, f"{timestamp}\n".encode(), body).hex()


def signed_headers(secret: bytes, now: datetime, body: bytes) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(
    secret: bytes,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """SignatureRefused unless the headers sign this body within the tolerance of `now`."""
    stamp = headers.get(TIMESTAMP_HEADER) or headers.get(TIMESTAMP_HEADER.lower())
    given = headers.get(SIGNATURE_HEADER) or headers.get(SIGNATURE_HEADER.lower())
    if stamp is None or given is None:
        raise _refused("缺少签名或时间戳", "the signature or timestamp header is missing")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):  # "²".isdigit() is True
        raise _refused("时间戳须为秒数", "the timestamp must be whole seconds")
    if abs(now.timestamp() - int(stamp)) > tolerance_seconds:
        raise _refused("时间戳超出允许偏差", "the timestamp is outside the allowed skew")
    if not std_hmac.compare_digest(given.encode(), signature(secret, int(stamp), body).encode()):
        raise _refused("签名与报文不符", "the signature does not match the message")


def _refused(reason_zh: str, reason_en: str) -> SignatureRefused:
    return SignatureRefused(field="signature", reason_zh=reason_zh, reason_en=reason_en)
