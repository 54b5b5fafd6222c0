"""Settings from the environment (SSCARD_*), read once into one object."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_VAR_DIR = Path("var")


def async_database_url(url: str) -> str:
    """Name the async driver for a plain URL (postgresql:// -> asyncpg, sqlite -> aiosqlite)."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str
    host: str
    port: int
    workers: int
    adjustable_clock: bool
    data_key_file: Path
    data_key_hex: str | None
    log_level: str
    access_log: bool
    var_dir: Path
    notification_sender: str  # SSCARD_NOTIFICATION_SENDER: file (default) (SPEC REP-5)
    worker: bool  # SSCARD_WORKER=1: run delivery, sweeps and reconciliation beside the API
    nats_url: str
    nats_stream: str  # the JetStream stream holding the banks' queues
    nats_subject_prefix: str  # a bank's queue is <prefix>.<bank code>
    delivery_batch: int  # messages per request (http) or per publish round (nats)
    delivery_poll_seconds: float  # how long an idle dispatcher sleeps before looking again
    delivery_backoff_base_seconds: float
    delivery_backoff_max_seconds: float
    delivery_max_attempts: int  # a message the bank keeps rejecting is failed after this many
    delivery_lease_seconds: float  # a dispatcher killed mid-batch gives way after this long
    delivery_timeout_seconds: float
    signature_tolerance_seconds: int
    max_body_bytes: int = 262_144  # SSCARD_MAX_BODY_BYTES: a JSON body larger is 413, unread
    max_photo_bytes: int = 1_000_000  # SSCARD_MAX_PHOTO_BYTES: an image/jpeg body
    max_file_bytes: int = 268_435_456  # SSCARD_MAX_FILE_BYTES: a streamed file (text/csv)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        var_dir = Path(env.get("SSCARD_VAR_DIR", str(DEFAULT_VAR_DIR)))
        default_db = f"sqlite:///{var_dir / 'sscard.db'}"
        return cls(
            database_url=async_database_url(env.get("SSCARD_DATABASE_URL", default_db)),
            host=env.get("SSCARD_HOST", "127.0.0.1"),
            port=_number(env, "SSCARD_PORT", "8000", int),
            workers=_number(env, "SSCARD_WORKERS", "1", int),
            adjustable_clock=env.get("SSCARD_CLOCK", "system") == "adjustable",
            data_key_file=Path(env.get("SSCARD_DATA_KEY_FILE", str(var_dir / "data.key"))),
            data_key_hex=env.get("SSCARD_DATA_KEY"),
            log_level=env.get("SSCARD_LOG_LEVEL", "info"),
            access_log=_flag(env, "SSCARD_ACCESS_LOG", True),
            var_dir=var_dir,
            notification_sender=env.get("SSCARD_NOTIFICATION_SENDER", "file"),
            worker=_flag(env, "SSCARD_WORKER", True),
            nats_url=env.get("SSCARD_NATS_URL", "nats://127.0.0.1:4222"),
            nats_stream=env.get("SSCARD_NATS_STREAM", "SSCARD_BANKS"),
            nats_subject_prefix=env.get("SSCARD_NATS_SUBJECT_PREFIX", "sscard.banks"),
            delivery_batch=_number(env, "SSCARD_DELIVERY_BATCH", "200", int),
            delivery_poll_seconds=_number(env, "SSCARD_DELIVERY_POLL_SECONDS", "0.05", float),
            delivery_backoff_base_seconds=_number(env, "SSCARD_DELIVERY_BACKOFF_BASE", "1", float),
            delivery_backoff_max_seconds=_number(env, "SSCARD_DELIVERY_BACKOFF_MAX", "300", float),
            delivery_max_attempts=_number(env, "SSCARD_DELIVERY_MAX_ATTEMPTS", "12", int),
            delivery_lease_seconds=_number(env, "SSCARD_DELIVERY_LEASE_SECONDS", "15", float),
            delivery_timeout_seconds=_number(env, "SSCARD_DELIVERY_TIMEOUT_SECONDS", "10", float),
            signature_tolerance_seconds=_number(env, "SSCARD_SIGNATURE_TOLERANCE", "300", int),
            max_body_bytes=_number(env, "SSCARD_MAX_BODY_BYTES", "262144", int),
            max_photo_bytes=_number(env, "SSCARD_MAX_PHOTO_BYTES", "1000000", int),
            max_file_bytes=_number(env, "SSCARD_MAX_FILE_BYTES", "268435456", int),
        )


class ConfigError(ValueError):
    """A setting in the environment that cannot be read; the message is one line naming it."""


def _number(env: dict[str, str], name: str, default: str, kind: type[float] | type[int]) -> Any:
    text = env.get(name, default).strip()
    try:
        value = kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name}={text!r} is not {what}") from None
    if value < 0:
        raise ConfigError(f"{name}={text!r} must not be negative")
    return value


_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    text = env.get(name)
    if text is None:
        return default
    if text.strip().lower() in _YES:
        return True
    if text.strip().lower() in _NO:
        return False
    raise ConfigError(f"{name}={text!r} is not one of {', '.join(_YES + _NO)}")
