"""Personal data at rest (SPEC ID-6): SM4-GCM encryption and keyed SM3 blind indexes.

A blind index (HMAC-SM3 of a normalised value) lets us look a person up by social security
number without storing the number in clear; the encrypted copy is read back only where the full
value is needed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY_BYTES = 32  # 16 for SM4, 16 for the HMAC-SM3 index key
NONCE_BYTES = 12
TAG_BYTES = 16


class Vault:
    """Encrypts, decrypts and indexes personal data with one data key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"data key must be {KEY_BYTES} bytes")
        self._enc_key = key[:16]
        self._sm4 = algorithms.SM4(self._enc_key)  # immutable: built once, not per value
        self._index_key = key[16:]
        # keyed once: each index copies it (a third of the cost of keying every time)
        self._index_mac = hmac.HMAC(self._index_key, hashes.SM3())

    def encrypt(self, plain: str | bytes) -> bytes:
        data = plain.encode() if isinstance(plain, str) else plain
        nonce = os.urandom(NONCE_BYTES)
        enc = Cipher(self._sm4, modes.GCM(nonce)).encryptor()
        body = enc.update(data) + enc.finalize()
        return nonce + enc.tag + body

    def decrypt_bytes(self, blob: bytes) -> bytes:
        nonce, tag, body = (
            blob[:NONCE_BYTES],
            blob[NONCE_BYTES : NONCE_BYTES + TAG_BYTES],
            blob[NONCE_BYTES + TAG_BYTES :],
        )
        dec = Cipher(self._sm4, modes.GCM(nonce, tag)).decryptor()
        return dec.update(body) + dec.finalize()

    def decrypt(self, blob: bytes) -> str:
        return self.decrypt_bytes(blob).decode()

    def index(self, value: str) -> str:
        """Keyed SM3 digest of a value, for equality lookups; hex, 64 characters."""
        mac = self._index_mac.copy()  # never updated itself: copies are independent
        mac.update(value.encode())
        return mac.finalize().hex()

    def seal(
        self,
        prefix: str,
        value: str,
        *,
        mask: Callable[[str], str] | None = None,
        indexed: bool = False,
        enc_column: str | None = None,
    ) -> dict[str, Any]:
        """The columns that store one personal value (SPEC ID-6): `<prefix>_enc` (SM4-GCM),
        `<prefix>_index` (HMAC-SM3, when `indexed`) and `<prefix>_masked` (when `mask`).

        `enc_column` names the encrypted column where a table does not follow the pattern.
        """
        sealed: dict[str, Any] = {enc_column or f"{prefix}_enc": self.encrypt(value)}
        if indexed:
            sealed[f"{prefix}_index"] = self.index(value)
        if mask is not None:
            sealed[f"{prefix}_masked"] = mask(value)
        return sealed


def load_or_create_key(path: Path, key_hex: str | None = None) -> bytes:
    """The data key from SSCARD_DATA_KEY, else from its file; created (0600) on first set-up."""
    if key_hex:
        return bytes.fromhex(key_hex)
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key.hex())
    return key


def write_secret(path: Path, value: str) -> None:
    """Write a token or secret to a file only its owner can read (0600), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(value + "\n")
