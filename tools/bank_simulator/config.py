"""The simulator's configuration file (JSON): where sscard is, and each bank's secret and token.

    {"sscard_url": "http://127.0.0.1:8000",
     "banks": {"ICBC": {"secret_hex": "<64 hex>", "token": "<bank system API token>"}}}

Optional members: per bank `bin` (account number prefix), `auto_close` (close the account on
a CAN-3 closure notice without a teller); at the top `signature_tolerance_seconds`,
`retry_base_seconds`, `retry_max_seconds`, `poll_seconds`, `callback_timeout_seconds`,
`callback_concurrency`, `send_reports` (false: queue reports and credit and debit answers but
never send them), `answers_per_post` (credit or debit answers in one POST, at most 1000), and
`transport`: "nats" makes each bank also read its queue on the broker (`nats_url`,
`nats_stream`, `nats_subject_prefix`, sscard's defaults unless given; the webhooks stay open
either way). Unknown members are ignored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bank_simulator.signing import DEFAULT_TOLERANCE_SECONDS
from bank_simulator.wire import (
    CREDIT_ANSWERS_PATH,
    CREDITS_PER_INSTRUCTION,
    DEBIT_ANSWERS_PATH,
    REPORTS_PATH,
)

# sscard's defaults for the broker (SSCARD_NATS_STREAM, SSCARD_NATS_SUBJECT_PREFIX).
DEFAULT_STREAM = "SSCARD_BANKS"
DEFAULT_SUBJECT_PREFIX = "sscard.banks"


class BankConfig(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    secret_hex: str = Field(min_length=2, description="HMAC-SM3 key shared with sscard, in hex")
    token: str = Field(min_length=1, description="the bank system's API token at sscard")
    bin: str | None = Field(
        None,
        pattern=r"^[0-9]{6,8}$",
        description="account number prefix; default from the registry",
    )
    auto_close: bool = Field(False, description="close the account as soon as CAN-3 asks")

    @field_validator("secret_hex")
    @classmethod
    def _hex(cls, value: str) -> str:
        bytes.fromhex(value)
        return value

    @property
    def secret(self) -> bytes:
        return bytes.fromhex(self.secret_hex)


class SimConfig(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    sscard_url: str = Field(description="base URL of sscard, reports go to /api/v1/bank-reports")
    banks: dict[str, BankConfig]
    signature_tolerance_seconds: int = Field(DEFAULT_TOLERANCE_SECONDS, ge=1)
    retry_base_seconds: float = Field(0.5, gt=0)
    retry_max_seconds: float = Field(60.0, gt=0)
    poll_seconds: float = Field(0.2, gt=0)
    callback_timeout_seconds: float = Field(10.0, gt=0)
    callback_concurrency: int = Field(16, ge=1, le=256)
    send_reports: bool = True
    answers_per_post: int = Field(
        CREDITS_PER_INSTRUCTION,
        ge=1,
        le=CREDITS_PER_INSTRUCTION,
        description="credit or debit answers",
    )
    transport: Literal["http", "nats"] = "http"
    nats_url: str = "nats://127.0.0.1:4222"
    nats_stream: str = Field(DEFAULT_STREAM, description="the stream sscard publishes to")
    nats_subject_prefix: str = Field(
        DEFAULT_SUBJECT_PREFIX, description="each bank reads <prefix>.<code>"
    )

    @property
    def reports_url(self) -> str:
        return self.sscard_url.rstrip("/") + REPORTS_PATH

    @property
    def credit_answers_url(self) -> str:
        return self.sscard_url.rstrip("/") + CREDIT_ANSWERS_PATH

    @property
    def debit_answers_url(self) -> str:
        return self.sscard_url.rstrip("/") + DEBIT_ANSWERS_PATH


def load_config(path: Path) -> SimConfig:
    """Read and check the configuration file; a bad file fails at start, not on first use."""
    return SimConfig.model_validate(json.loads(path.read_text("utf-8")))
