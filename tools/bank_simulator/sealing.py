"""Personal data at rest in the simulated bank: sealed as sscard seals its own (SPEC ID-6).

What a bank keeps of a holder (name, identity number, phone) and the account numbers it issues
are stored SM4-GCM encrypted under the simulator's own data key; account numbers also get a keyed
SM3 blind index, so that uniqueness is checked without the number in clear, and a masked form
for the teller's views. Written apart from sscard's kernel (no imports either way), with the
same primitives of the `cryptography` library.

The key is 32 bytes in hex in its own file, created 0600 beside the simulator's SQLite database
(`<db>.key`) on first start; a database on a server names its key file itself.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY_BYTES = 32  # 16 for SM4, 16 for the HMAC-SM3 index key
NONCE_BYTES = 12
TAG_BYTES = 16
PRIVATE = 0o077  # the permission bits no one but the owner may have


class Vault:
    """Encrypts, decrypts and indexes the bank's personal data with one key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"the simulator's data key must be {KEY_BYTES} bytes")
        self._enc_key = key[:16]
        self._index_key = key[16:]

    def encrypt(self, plain: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        enc = Cipher(algorithms.SM4(self._enc_key), modes.GCM(nonce)).encryptor()
        body = enc.update(plain.encode()) + enc.finalize()
        return nonce + enc.tag + body

    def decrypt(self, blob: bytes) -> str:
        nonce, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES : NONCE_BYTES + TAG_BYTES]
        dec = Cipher(algorithms.SM4(self._enc_key), modes.GCM(nonce, tag)).decryptor()
        return (dec.update(blob[NONCE_BYTES + TAG_BYTES :]) + dec.finalize()).decode()

    def index(self, value: str) -> str:
        """Keyed SM3 digest of a value, for equality lookups; hex, 64 characters."""
        mac = hmac.HMAC(self._index_key, hashes.SM3())
        mac.update(value.encode())
        return mac.finalize().hex()


def key_file_for(db: str) -> Path:
    """Where the key of a database lives by default: `<file>.key` beside a SQLite file."""
    path = sqlite_path(db)
    if path is None:
        raise ValueError(f"{db.split('://')[0]} database: name the key file (--key-file)")
    return Path(f"{path}.key")


def sqlite_path(db: str) -> Path | None:
    """The SQLite file of a database argument (a path or a sqlite URL); None for a server."""
    if "://" not in db:
        return Path(db)
    scheme, _, rest = db.partition("://")
    if not scheme.startswith("sqlite") or not rest.startswith("/") or rest in ("/", "/:memory:"):
        return None
    return Path(rest[1:].split("?", 1)[0])


def load_key(path: Path, *, create: bool) -> bytes:
    """The data key from its file; with `create`, a new one (0600) when there is none yet."""
    if path.exists() or not create:
        tighten(path)
        key = bytes.fromhex(path.read_text().strip())
        if len(key) != KEY_BYTES:
            raise ValueError(f"{path} does not hold a {KEY_BYTES}-byte key in hex")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key.hex())
    return key


def tighten(*paths: Path) -> None:
    """Take group and other permissions off each existing file (left 0644 by an older version)."""
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & PRIVATE:
            path.chmod(mode & ~PRIVATE)


def private_database(db: str) -> None:
    """Make a SQLite database's files private before it is opened: a new one is created 0600
    (SQLite takes an empty file for a new database), an existing one loses group and other
    permissions; its WAL and shared-memory files are then made with the database file's mode."""
    path = sqlite_path(db)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    tighten(path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")))
