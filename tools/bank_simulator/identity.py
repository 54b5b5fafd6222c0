"""Proof that this process is the simulator instance that whoever started it meant to start.

The starter (devstack) gives the process a random instance nonce in its environment and later
sends a fresh random challenge to POST /control/identity. The answer, for every bank, is
HMAC-SM3 keyed with that bank's shared secret (from the configuration sscard wrote) over
"bank-simulator identity", the nonce, the challenge and the bank code, one per line. Only a
process that holds both the nonce and the secrets can answer; the nonce itself never travels.
"""

from __future__ import annotations

from bank_simulator.errors import BankError
from bank_simulator.signing import SCHEME, hmac_sm3

NONCE_ENV = "BANK_SIM_INSTANCE_NONCE"
CONTEXT = "bank-simulator identity"


class NoInstanceNonce(BankError):
    code = "no_instance_nonce"
    status = 409
    message_zh = "本模拟器启动时未获得实例随机数，无法证明身份"
    message_en = "This simulator was started without an instance nonce; it cannot prove who it is"


def proof(secret: bytes, nonce: str, challenge: str, bank_code: str) -> str:
    text = "\n".join((CONTEXT, nonce, challenge, bank_code)).encode()
    return SCHEME + hmac_sm3(secret, text).hex()
