"""Delivery of queued notifications, outside any business transaction (SPEC REP-5, ID-6).

A pass claims a batch of due messages and commits, resolves each person's phone through the
registered contact book (decrypted only now), sends through a pluggable sender with no
transaction open, then records every outcome in one more short transaction. A message that
fails is retried with growing delays and is dead after MAX_ATTEMPTS; a pass that dies leaves
its claimed rows to be taken again after LEASE."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import SystemClock
from sscard.kernel.crypto import Vault
from sscard.kernel.db import transaction
from sscard.kernel.masking import mask_phone
from sscard.kernel.runtime import Runtime
from sscard.platform.notify import repository as repo
from sscard.platform.notify.extensions import contact_book
from sscard.platform.notify.rules import NotificationStatus, retry_at
from sscard.platform.notify.senders import Message, Sender
from sscard.platform.notify.templates import render

log = logging.getLogger("sscard.notifications")


SEND_CONCURRENCY = 8


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    undeliverable: int = 0
    more: bool = False  # the batch was full: run another pass
    ids: dict[str, list[int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Claimed:
    id: int
    person_id: int
    channel: str
    template: str
    params: dict[str, Any]
    attempts: int
    phone: str | None


async def deliver_pending(
    source: Runtime | AsyncEngine,
    sender: Sender,
    batch: int = 500,
    now: datetime | None = None,
    *,
    vault: Vault | None = None,
) -> DeliveryReport:
    """One delivery pass over up to `batch` due messages (SPEC REP-5).

    `source` is the running service (its clock and vault are used) or a bare engine with
    `vault`. `now` fixes the moment for every step (tests); otherwise each step reads the clock.
    """
    if isinstance(source, Runtime):
        vault = source.vault
    elif vault is None:
        raise ValueError("deliver_pending with a bare engine needs the vault")
    claim = uuid.uuid4().hex
    async with _unit(source, now) as (conn, moment):
        claimed = await _claim(conn, claim, batch, moment, vault)
    report = DeliveryReport(claimed=len(claimed), more=len(claimed) == batch)
    if not claimed:
        return report
    # No transaction is open while the sender works: a slow gateway holds no locks.
    moment = now or _clock_now(source)
    gate = asyncio.Semaphore(SEND_CONCURRENCY)

    async def attempt(row: _Claimed) -> dict[str, Any]:
        async with gate:
            return await _attempt(row, sender, moment)

    outcomes = await asyncio.gather(*(attempt(row) for row in claimed))
    async with _unit(source, now) as (conn, _):
        await repo.record_outcomes(conn, claim, outcomes)
    for outcome in outcomes:
        status = outcome["n_status"]
        setattr(report, status, getattr(report, status) + 1)
        report.ids.setdefault(status, []).append(outcome["n_id"])
    return report


def _clock_now(source: Runtime | AsyncEngine) -> datetime:
    return source.clock.now() if isinstance(source, Runtime) else SystemClock().now()


@asynccontextmanager
async def _unit(
    source: Runtime | AsyncEngine, now: datetime | None
) -> AsyncIterator[tuple[AsyncConnection, datetime]]:
    if isinstance(source, Runtime):
        async with source.unit(OPERATOR) as ctx:
            yield ctx.conn, now or ctx.now
    else:
        async with transaction(source) as conn:
            yield conn, now or SystemClock().now()


async def _claim(
    conn: AsyncConnection, claim: str, batch: int, now: datetime, vault: Vault
) -> list[_Claimed]:
    """Claim up to `batch` due rows (repository.claim_due) and read their recipients' phones."""
    rows = await repo.claim_due(conn, claim, batch, now)
    if not rows:
        return []
    phones = await contact_book()(conn, vault, {r["person_id"] for r in rows})
    return [
        _Claimed(
            r["id"],
            r["person_id"],
            r["channel"],
            r["template"],
            r["params"],
            r["attempts"],
            phones.get(r["person_id"]),
        )
        for r in rows
    ]


async def _attempt(row: _Claimed, sender: Sender, now: datetime) -> dict[str, Any]:
    """Send one message; the outcome as the row's new values."""
    outcome: dict[str, Any] = {
        "n_id": row.id,
        "n_sent_at": None,
        "n_error": None,
        "n_next": now,
        "n_to": None,
    }
    if not row.phone:
        return {**outcome, "n_status": NotificationStatus.UNDELIVERABLE.value}
    try:
        zh, en = render(row.template, row.params)
        message = Message(row.id, row.person_id, row.channel, row.template, row.phone, zh, en, now)
        await sender.send(message)
    except Exception as exc:
        # The class name only: a gateway's error text may echo the phone (SPEC ID-6).
        error = type(exc).__name__
        log.warning("notification %s: attempt %s failed (%s)", row.id, row.attempts, error)
        next_at = retry_at(row.attempts, now)
        status = NotificationStatus.FAILED if next_at else NotificationStatus.DEAD
        return {
            **outcome,
            "n_status": status.value,
            "n_error": error[:64],
            "n_next": next_at or now,
        }
    return {
        **outcome,
        "n_status": NotificationStatus.SENT.value,
        "n_sent_at": now,
        "n_to": mask_phone(row.phone),
    }
