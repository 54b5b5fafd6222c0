"""Signatures on every message between sscard and a bank: HMAC-SM3 (GB/T 32905) with a timestamp.

The signed text is the timestamp, a newline and the exact body bytes, so a body cannot be moved
to another moment and a moment cannot be given another body. The receiver refuses a timestamp
further than the tolerance from its own clock, which bounds how long a captured message can be
replayed; message ids stop replays inside that window.
"""

from __future__ import annotations

import hmac as std_hmac
from collections.abc import Mapping
from datetime import datetime

from cryptography.hazmat.primitives import hashes, hmac

from sscard.kernel.errors import DomainError

TIMESTAMP_HEADER = "X-Sscard-Timestamp"
SIGNATURE_HEADER = "X-Sscard-Signature"
SCHEME = "hmac-sm3="
DEFAULT_TOLERANCE_SECONDS = 300
SECRET_BYTES = 32


class SignatureRefused(DomainError):
    code = "signature_refused"
    status = 401
    message_zh = "报文签名无效：{reason_zh}"
    message_en = "The message signature is not valid: {reason_en}"


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.HMAC(secret, hashes.SM3())
    mac.update(f"{timestamp}\n".encode())
    mac.update(body)
    return SCHEME + mac.finalize().hex()


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
    """Refuse (SignatureRefused) unless the headers sign this body within the tolerance."""
    stamp, given = _header(headers, TIMESTAMP_HEADER), _header(headers, SIGNATURE_HEADER)
    if stamp is None or given is None:
        raise _refused("缺少签名或时间戳", "the signature or timestamp header is missing")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):  # "²".isdigit() is True
        raise _refused("时间戳须为秒数", "the timestamp must be whole seconds")
    if abs(now.timestamp() - int(stamp)) > tolerance_seconds:
        raise _refused("时间戳超出允许偏差", "the timestamp is outside the allowed skew")
    if not std_hmac.compare_digest(given.encode(), signature(secret, int(stamp), body).encode()):
        raise _refused("签名与报文不符", "the signature does not match the message")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    return value if value is not None else headers.get(name.lower())


def _refused(reason_zh: str, reason_en: str) -> SignatureRefused:
    return SignatureRefused(field="signature", reason_zh=reason_zh, reason_en=reason_en)
