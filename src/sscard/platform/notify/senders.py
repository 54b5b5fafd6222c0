"""Where notifications go: the sender protocol and the default file sender (SPEC REP-5, ID-6).

A real SMS gateway or app-push service is one more class with `async def send(message)`,
chosen by SSCARD_NOTIFICATION_SENDER. A sender raises on failure; the outbox retries.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sscard.kernel.clock import business_date
from sscard.kernel.config import Settings
from sscard.kernel.masking import mask_phone


@dataclass(frozen=True)
class Message:
    """One rendered notification, addressed; the only object that carries the full phone."""

    notification_id: int
    person_id: int
    channel: str
    template: str
    phone: str
    text_zh: str
    text_en: str
    at: datetime

    def __repr__(self) -> str:
        # Keep the phone out of tracebacks and log lines that print the message (SPEC ID-6).
        return f"Message(notification_id={self.notification_id}, channel={self.channel!r})"


class Sender(Protocol):
    async def send(self, message: Message) -> None: ...


class FileSender:
    """Appends each message as a JSON line to <dir>/<channel>-YYYY-MM-DD.jsonl, phone masked.

    The operator reads the file; nothing leaves the machine. One write per line in append
    mode, so two deliverers writing at once do not interleave within a line.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, message: Message) -> Path:
        day = business_date(message.at).isoformat()
        return self.directory / f"{message.channel}-{day}.jsonl"

    async def send(self, message: Message) -> None:
        line = json.dumps(
            {
                "notification_id": message.notification_id,
                "person_id": message.person_id,
                "channel": message.channel,
                "template": message.template,
                "to": mask_phone(message.phone),
                "text_zh": message.text_zh,
                "text_en": message.text_en,
                "at": message.at.isoformat(),
            },
            ensure_ascii=False,
        )
        await asyncio.to_thread(self._append, self.path_for(message), line + "\n")

    @staticmethod
    def _append(path: Path, line: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(line)


SENDERS = ("file",)


def sender_from_settings(settings: Settings) -> Sender:
    """The sender SSCARD_NOTIFICATION_SENDER names (default `file`)."""
    if settings.notification_sender == "file":
        return FileSender(settings.var_dir / "notifications")
    raise ValueError(
        f"SSCARD_NOTIFICATION_SENDER={settings.notification_sender!r}: "
        f"expected one of {', '.join(SENDERS)}"
    )
