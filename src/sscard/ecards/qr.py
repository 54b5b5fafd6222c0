"""The ecard's dynamic QR code (展码, SPEC ECARD-3): its payload, pure.

A code names the ecard, what it may be used for, when it was issued and for how long, with a
random nonce, signed by the issuing platform's SM2 key (the key id lets keys rotate):

    version u8 | key id u16 | ecard number u64 | scope u8 | issued at u32 (Unix seconds)
    | valid for u8 (seconds) | nonce 8 bytes | SM2-SM3 signature r||s, 64 bytes

89 bytes, written as "SC1:" + base45 (RFC 9285). Base45 is made for QR's alphanumeric mode,
which stores two characters in 11 bits: 3 characters per 2 bytes cost 16.5 bits, where base64
in byte mode costs 21.3, so the code stays at QR version 6 (41x41 modules) and scans from a
phone's screen. The signature covers every byte before it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Final

import base45

from sscard.cards.lifecycle import CardUse
from sscard.kernel.errors import DomainError

VERSION: Final = 1
PREFIX: Final = "SC1:"
VALID_SECONDS: Final = 60
CLOCK_SKEW: Final = timedelta(seconds=30)  # a terminal's clock may run this far ahead
SIGNATURE_BYTES: Final = 64
_BODY = struct.Struct(">BHQBIB8s")
PAYLOAD_BYTES: Final = _BODY.size + SIGNATURE_BYTES


class Scope(IntEnum):
    """What the code may be used for, each asked of the card as one of its uses (LOSS-5)."""

    IDENTITY = 1  # an identity credential (SCN-1): government halls, hotels
    MEDICAL = 2  # medical settlement (MED-1): needs the ecard password to pay
    ENTRY = 3  # scenic spots, museums, libraries (CUL-1)
    HR_SERVICE = 4  # HR and social security services (SCN-1, ECARD-5)


SCOPE_USE: Final = {
    Scope.IDENTITY: CardUse.IDENTITY,
    Scope.MEDICAL: CardUse.MEDICAL,
    Scope.ENTRY: CardUse.SCENE_ENTRY,
    Scope.HR_SERVICE: CardUse.HR_SERVICE,
}


@dataclass(frozen=True)
class QrBody:
    key_id: int
    ecard_no: int
    scope: Scope
    issued_at: int  # Unix seconds
    valid_seconds: int
    nonce: bytes  # 8 random bytes

    def pack(self) -> bytes:
        """The signed bytes."""
        return _BODY.pack(
            VERSION, self.key_id, self.ecard_no, self.scope, self.issued_at,
            self.valid_seconds, self.nonce,
        )  # fmt: skip

    def expires_at(self) -> int:
        return self.issued_at + self.valid_seconds


@dataclass(frozen=True)
class ReadQr:
    body: QrBody
    signed: bytes  # the bytes the signature covers
    signature: bytes  # r||s, 64 bytes


class QrUnreadable(DomainError):
    code = "qr_unreadable"
    status = 422
    rule = "ECARD-3"
    message_zh = "二维码不是有效的电子社保卡码（{reason_zh}）"
    message_en = "The QR code is not an ecard code ({reason_en})"


class QrExpired(DomainError):
    code = "qr_expired"
    status = 422
    rule = "ECARD-3"
    message_zh = "二维码已过期，请持卡人刷新后重新出示"
    message_en = "The QR code has expired; the holder shows a fresh one"


def encode(body: QrBody, signature: bytes) -> str:
    """The QR's text: PREFIX + base45 of the body and its signature."""
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError("an SM2 signature is 64 bytes r||s")
    return PREFIX + base45.b45encode(body.pack() + signature).decode("ascii")


def decode(text: str) -> ReadQr:
    """The code read from its text; QrUnreadable for anything else (checks no signature)."""
    if not text.startswith(PREFIX):
        raise _unreadable("前缀不符", "wrong prefix")
    try:
        raw = base45.b45decode(text[len(PREFIX) :])
    except ValueError:
        raise _unreadable("编码错误", "not base45") from None
    if len(raw) != PAYLOAD_BYTES:
        raise _unreadable("长度不符", "wrong length")
    version, key_id, ecard_no, scope, issued_at, valid, nonce = _BODY.unpack_from(raw)
    if version != VERSION or scope not in Scope._value2member_map_:
        raise _unreadable("版本或用途不符", "unknown version or scope")
    body = QrBody(key_id, ecard_no, Scope(scope), issued_at, valid, nonce)
    return ReadQr(body, raw[: _BODY.size], raw[_BODY.size :])


def check_time(body: QrBody, now: datetime) -> None:
    """QrExpired once `valid_seconds` have passed since issue, or for a code issued later
    than now (beyond CLOCK_SKEW): a code is shown once and scanned within its minute."""
    at = int(now.timestamp())
    if at > body.expires_at() or body.issued_at > at + CLOCK_SKEW.total_seconds():
        raise QrExpired(field="qr")


def _unreadable(zh: str, en: str) -> QrUnreadable:
    return QrUnreadable(field="qr", reason_zh=zh, reason_en=en)
