"""What every use case runs with: one open transaction, the actor, the moment, the vault."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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

    @property
    def today(self) -> date:
        return business_date(self.now)
