"""What every use case runs with: one open transaction, the actor, the moment, the vault."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import Actor
from sscard.kernel.clock import business_date
from sscard.kernel.crypto import Vault


@dataclass(frozen=True)
class Ctx:
    conn: AsyncConnection
    actor: Actor
    now: datetime
    vault: Vault
    # What this unit of work has already read and logged (the access log's keys, SPEC ID-6):
    # a record read twice in one transaction (one page view, one API call) is one read.
    logged: set[tuple[Any, ...]] = field(default_factory=set, compare=False)

    @property
    def today(self) -> date:
        return business_date(self.now)
