"""SM2 signatures for the ecard's QR codes (GB/T 32918 with SM3 and the standard's default user
id 1234567812345678), by Tongsuo's native implementation (tongsuopy): about 2,500 signatures
and verifications a second on one core here, where pure-Python SM2 does 80 (docs/BENCHMARKS.md).

Signatures travel as r||s (64 bytes) in the QR; Tongsuo speaks DER, converted by the
`cryptography` package's DSS helpers.
"""

from __future__ import annotations

from typing import TypeAlias

from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature

_SM2_SM3 = ec.ECDSA(hashes.SM3())  # on an SM2 key: the SM2 signature with ZA and SM3
SigningKey: TypeAlias = ec.EllipticCurvePrivateKey
VerifyingKey: TypeAlias = ec.EllipticCurvePublicKey


def new_key() -> tuple[bytes, bytes]:
    """A fresh SM2 key pair: (private key as PKCS#8 DER, public key as 65 bytes 04||x||y)."""
    key = ec.generate_private_key(ec.SM2())
    private = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return private, public_bytes(key.public_key())


def public_bytes(key: VerifyingKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def signing_key(private_der: bytes) -> SigningKey:
    key = serialization.load_der_private_key(private_der, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def verifying_key(public: bytes) -> VerifyingKey:
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), public)


def sign(key: SigningKey, data: bytes) -> bytes:
    """The SM2-SM3 signature of `data` as r||s, 64 bytes."""
    r, s = decode_dss_signature(key.sign(data, _SM2_SM3))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def verify(key: VerifyingKey, data: bytes, signature: bytes) -> bool:
    """Whether `signature` (r||s, 64 bytes) is the key's SM2-SM3 signature of `data`."""
    if len(signature) != 64:
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (r > 0 and s > 0):
        return False
    try:
        key.verify(encode_dss_signature(r, s), data, _SM2_SM3)
    except InvalidSignature:
        return False
    return True
