"""Settings from the environment (SSCARD_*), read once into one object."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
            port=int(env.get("SSCARD_PORT", "8000")),
            workers=int(env.get("SSCARD_WORKERS", "1")),
            adjustable_clock=env.get("SSCARD_CLOCK", "system") == "adjustable",
            data_key_file=Path(env.get("SSCARD_DATA_KEY_FILE", str(var_dir / "data.key"))),
            data_key_hex=env.get("SSCARD_DATA_KEY"),
            log_level=env.get("SSCARD_LOG_LEVEL", "info"),
            access_log=env.get("SSCARD_ACCESS_LOG", "1") == "1",
            var_dir=var_dir,
            notification_sender=env.get("SSCARD_NOTIFICATION_SENDER", "file"),
        )
