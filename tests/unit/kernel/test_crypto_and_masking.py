"""Personal data at rest and on screen (SPEC ID-6)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sscard.kernel.crypto import Vault, load_or_create_key
from sscard.kernel.masking import mask_name, mask_number, mask_phone


def test_encryption_round_trips_and_hides_the_value() -> None:
    vault = Vault(os.urandom(32))
    blob = vault.encrypt("320499199001151234")
    assert b"320499199001151234" not in blob
    assert vault.decrypt(blob) == "320499199001151234"
    assert vault.encrypt("x") != vault.encrypt("x")  # a fresh nonce each time


def test_index_is_keyed_and_stable() -> None:
    a, b = Vault(os.urandom(32)), Vault(os.urandom(32))
    assert a.index("320499199001151234") == a.index("320499199001151234")
    assert a.index("320499199001151234") != b.index("320499199001151234")
    assert len(a.index("x")) == 64


def test_tampered_ciphertext_is_refused() -> None:
    from cryptography.exceptions import InvalidTag

    vault = Vault(os.urandom(32))
    blob = bytearray(vault.encrypt("测试"))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        vault.decrypt(bytes(blob))


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "k" / "data.key"
    key = load_or_create_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_key(path) == key


@pytest.mark.parametrize(
    ("value", "masked"),
    [("320499199001151234", "320*************34"), ("E1234567", "E12***67"), ("E123", "****")],
)
def test_numbers_keep_only_their_ends(value: str, masked: str) -> None:
    assert mask_number(value) == masked


def test_names_and_phones() -> None:
    assert mask_name("王测试") == "王**"
    assert mask_name("欧阳") == "欧*"
    assert mask_phone("13900001234") == "139****1234"
