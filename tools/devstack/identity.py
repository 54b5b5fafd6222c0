"""Is the process on the simulator's port the very simulator devstack started?

sscard sends signed production data with full personal data to whatever answers at the
simulator's address. A process that was there first is caught by claiming the port (ports.py);
this check covers everything else, e.g. a simulator left from another checkout or another run:

- devstack gives the simulator it starts a random 256-bit instance nonce in its environment
  (not on its command line, which every user may read in /proc);
- it sends a fresh random 256-bit challenge to POST /control/identity;
- the answer must hold, for every bank in the configuration `sscard banks link-simulator`
  wrote (0600),
  HMAC-SM3(bank secret, "bank-simulator identity\\n" nonce "\\n" challenge "\\n" bank code).

Only a process holding both the nonce of this start and the secrets sscard will sign with can
answer; the nonce never travels, and a recorded answer is useless for the next challenge. This
module computes the expected answer by itself, from the published scheme, not with the
simulator's code.
"""

from __future__ import annotations

import hmac as std_hmac
import json
import secrets
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import hashes, hmac

NONCE_ENV = "BANK_SIM_INSTANCE_NONCE"
CONTEXT = b"bank-simulator identity"


class NotOurSimulator(Exception):
    pass


def new_nonce() -> str:
    return secrets.token_hex(32)


def bank_secrets(config: Path) -> dict[str, bytes]:
    """Each bank's shared secret from the simulator's configuration file."""
    banks = json.loads(config.read_text("utf-8"))["banks"]
    return {code: bytes.fromhex(bank["secret_hex"]) for code, bank in banks.items()}


def expected(secret: bytes, nonce: str, challenge: str, bank_code: str) -> str:
    mac = hmac.HMAC(secret, hashes.SM3())
    mac.update(b"\n".join((CONTEXT, nonce.encode(), challenge.encode(), bank_code.encode())))
    return "hmac-sm3=" + mac.finalize().hex()


def check(base_url: str, nonce: str, bank_keys: dict[str, bytes], timeout: float = 5.0) -> None:
    """NotOurSimulator unless the server at base_url answers a fresh challenge for every bank."""
    challenge = secrets.token_hex(32)
    try:
        response = httpx.post(
            f"{base_url}/control/identity",
            json={"challenge": challenge},
            timeout=timeout,
            trust_env=False,  # straight to the port, never through a proxy from the environment
        )
        proofs = response.json().get("proofs") if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError, AttributeError):
        proofs = None
    if not isinstance(proofs, dict) or set(proofs) != set(bank_keys):
        raise NotOurSimulator("it gave no proof for the configured banks")
    for code, key in bank_keys.items():
        given = proofs[code]
        want = expected(key, nonce, challenge, code)
        if not isinstance(given, str) or not std_hmac.compare_digest(given, want):
            raise NotOurSimulator(f"its proof for {code} is wrong")
