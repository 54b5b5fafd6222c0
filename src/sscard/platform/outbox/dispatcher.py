"""Delivery of the outbox to banks and other parties (SPEC ISS-2, LOSS-1..3, REP-3, CAN-3).

One round (`dispatch_once`):
1. Lease. Every enabled endpoint that is not paused and has due messages is leased to this
   dispatcher (or its lease renewed) in one UPDATE. Only the holder sends for a recipient, so
   two dispatchers never interleave one card's messages; one killed mid-batch gives way when
   its lease runs out. An idle round only reads.
2. For each leased recipient, concurrently: read the due messages, those pending and due with no
   earlier message for the same card and recipient still pending or failed. So one message per
   card is in flight, in order, and a failed message holds the card's later ones back until an
   administrator replays it. Registered enrichers add what the outbox must not store
   (extensions.py). The batch is sent with no transaction open; every outcome is recorded in one
   short transaction.
A bank that does not answer (down, timeout, 5xx, refused signature) pauses its endpoint with
backoff and charges the messages nothing: an outage never makes a message fail. A message the
bank rejects is retried with backoff and failed after `delivery_max_attempts`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    exists,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import OPERATOR
from sscard.kernel.config import Settings
from sscard.kernel.crypto import Vault
from sscard.kernel.db import UTCDateTime
from sscard.kernel.masking import personal_number_kind
from sscard.kernel.runtime import Runtime
from sscard.platform.outbox.extensions import enrich
from sscard.platform.outbox.http_sender import HttpSender
from sscard.platform.outbox.models import delivery_endpoints, outbox
from sscard.platform.outbox.protocol import (
    DeliveryResult,
    Endpoint,
    EndpointUnavailable,
    OutboxStatus,
    Outcome,
    Outgoing,
    Sender,
    Transport,
    card_number_of,
)

log = logging.getLogger("sscard.outbox.dispatcher")

PENDING = OutboxStatus.PENDING.value
DELIVERED = OutboxStatus.DELIVERED.value
FAILED = OutboxStatus.FAILED.value
ACKNOWLEDGED = frozenset({DeliveryResult.APPLIED, DeliveryResult.DUPLICATE})
ERROR_PAUSE_SECONDS = 1.0  # after a round that failed as a whole (database gone, say)

# ---- rules (pure) ----


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float
    max_seconds: float
    max_attempts: int

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            settings.delivery_backoff_base_seconds,
            settings.delivery_backoff_max_seconds,
            settings.delivery_max_attempts,
        )

    def backoff(self, failures: int, rand: float) -> timedelta:
        """The wait after the `failures`-th failure in a row: base·2^(n−1), capped, jittered.

        `rand` in [0, 1) picks a point in the upper half of the wait, so dispatchers and
        messages that failed together do not all come back at the same instant.
        """
        exponent = min(max(failures, 1) - 1, 60)
        full = min(self.base_seconds * 2.0**exponent, self.max_seconds)
        return timedelta(seconds=full * (0.5 + rand / 2))


@dataclass(frozen=True)
class Claimed:
    """A message read for sending, with what its outcome is recorded against."""

    id: int
    message_id: str
    attempts: int


@dataclass
class Plan:
    """What one batch's outcomes change: delivered ids, and a row per rejected message."""

    delivered: list[int] = field(default_factory=list)
    retried: list[dict[str, Any]] = field(default_factory=list)
    failed: int = 0


def plan_outcomes(
    claimed: Sequence[Claimed],
    outcomes: Sequence[Outcome],
    now: datetime,
    policy: RetryPolicy,
    rand: Callable[[], float] = random.random,
) -> Plan:
    """Applied or duplicate: delivered. Rejected: retried with backoff, failed when out of
    attempts. A message without a result is left as it is, to go again next round."""
    by_id = {o.message_id: o for o in outcomes}
    plan = Plan()
    for c in claimed:
        outcome = by_id.get(c.message_id)
        if outcome is None:
            continue
        if outcome.result in ACKNOWLEDGED:
            plan.delivered.append(c.id)
            continue
        attempts = c.attempts + 1
        dead = attempts >= policy.max_attempts
        plan.failed += dead
        plan.retried.append(
            {
                "o_id": c.id,
                "o_status": FAILED if dead else PENDING,
                "o_attempts": attempts,
                "o_next": now + policy.backoff(attempts, rand()),
                "o_error": safe_error(outcome.error),
            }
        )
    return plan


def safe_error(text: str | None) -> str:
    """A bank's reason as stored and shown; one that quotes a personal number is withheld (ID-6)."""
    if not text:
        return "rejected"
    if personal_number_kind(text):
        return "rejected (the bank's reason quoted a personal number and is not kept)"
    return text[:256]


# ---- senders ----


def sender_for(transport: Transport, settings: Settings) -> Sender:
    """The transport's sender: HTTP webhooks, or NATS JetStream (imported only when used)."""
    if transport is Transport.NATS:
        from sscard.platform.outbox.nats_sender import NatsSender

        return NatsSender(
            settings.nats_url,
            settings.nats_stream,
            subjects=(f"{settings.nats_subject_prefix}.>",),
            timeout_seconds=settings.delivery_timeout_seconds,
        )
    return HttpSender(settings.delivery_timeout_seconds)


class Senders:
    """One sender per transport for a dispatcher's life, made on first use, closed together."""

    def __init__(self, settings: Settings, made: Mapping[Transport, Sender] | None = None) -> None:
        self.settings = settings
        self._made: dict[Transport, Sender] = dict(made or {})

    def get(self, transport: Transport) -> Sender:
        if transport not in self._made:
            self._made[transport] = sender_for(transport, self.settings)
        return self._made[transport]

    async def close(self) -> None:
        for sender in self._made.values():
            with suppress(Exception):
                await sender.close()
        self._made.clear()


# ---- the round ----


@dataclass
class RecipientRound:
    """What one round did for one recipient."""

    sent: int = 0
    delivered: int = 0
    rejected: int = 0
    failed: int = 0  # of the rejected, those now out of attempts
    unavailable: int = 0  # sent, but the endpoint did not answer: nothing charged
    full: bool = False  # the batch was full: more may be due
    error: str | None = None  # why the endpoint did not answer, or the round broke


@dataclass
class DispatchReport:
    recipients: dict[str, RecipientRound] = field(default_factory=dict)

    @property
    def more(self) -> bool:
        """Some recipient's batch was full and got answers: look again at once."""
        return any(r.full and (r.delivered or r.rejected) for r in self.recipients.values())

    def total(self, what: str) -> int:
        return sum(int(getattr(r, what)) for r in self.recipients.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "recipients": {k: asdict(v) for k, v in sorted(self.recipients.items())},
            "delivered": self.total("delivered"),
            "rejected": self.total("rejected"),
            "unavailable": self.total("unavailable"),
            "more": self.more,
        }


@dataclass(frozen=True)
class _Leased:
    endpoint: Endpoint
    failures: int  # the endpoint's consecutive failures before this round


async def dispatch_once(rt: Runtime, owner: str, senders: Senders) -> DispatchReport:
    """One round: lease the endpoints with due messages, then serve each one concurrently."""
    report = DispatchReport()
    # Read first: an idle round writes nothing (on SQLite a write waits for the one writer).
    async with rt.unit(OPERATOR, readonly=True) as ctx:
        wanted = await _open_with_work(ctx.conn, owner, ctx.now)
    if not wanted:
        return report
    async with rt.unit(OPERATOR) as ctx:
        leased = await _take_leases(ctx.conn, ctx.vault, owner, wanted, ctx.now, rt.settings)
    rounds = await asyncio.gather(
        *(_serve(rt, lease, senders) for lease in leased), return_exceptions=True
    )
    for lease, result in zip(leased, rounds, strict=True):
        recipient = lease.endpoint.recipient
        if isinstance(result, BaseException):
            if not isinstance(result, Exception):
                raise result
            # The class name only: a database error's text carries the statement's parameters.
            log.warning("delivery to %s failed: %s", recipient, type(result).__name__)
            result = RecipientRound(error=type(result).__name__)
        report.recipients[recipient] = result
    return report


def _open(owner: str, now: datetime) -> tuple[ColumnElement[bool], ...]:
    """An endpoint this dispatcher may send to now: enabled, not paused, not leased to another."""
    e = delivery_endpoints
    return (
        e.c.enabled.is_(True),
        or_(e.c.paused_until.is_(None), e.c.paused_until <= now),
        or_(e.c.lease_until.is_(None), e.c.lease_until < now, e.c.lease_owner == owner),
    )


async def _open_with_work(conn: AsyncConnection, owner: str, now: datetime) -> list[str]:
    e, o = delivery_endpoints, outbox
    due = exists().where(
        o.c.recipient == e.c.recipient, o.c.status == PENDING, o.c.next_attempt_at <= now
    )
    stmt = select(e.c.recipient).where(*_open(owner, now), due)
    return list((await conn.execute(stmt)).scalars())


async def _take_leases(
    conn: AsyncConnection,
    vault: Vault,
    owner: str,
    recipients: list[str],
    now: datetime,
    settings: Settings,
) -> list[_Leased]:
    e = delivery_endpoints
    still_open = (e.c.recipient.in_(recipients), *_open(owner, now))
    pick = select(e.c.recipient).where(*still_open).order_by(e.c.recipient)
    if conn.dialect.name == "postgresql":
        # Another dispatcher leasing the same rows right now keeps them; we skip, not wait.
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(e)
        .where(e.c.recipient.in_(pick.scalar_subquery()), *still_open)
        .values(
            lease_owner=owner,
            lease_until=now + timedelta(seconds=settings.delivery_lease_seconds),
        )
        .returning(e.c.recipient, e.c.transport, e.c.url, e.c.secret_enc, e.c.consecutive_failures)
    )
    rows = sorted((await conn.execute(stmt)).all(), key=lambda r: r.recipient)
    return [
        _Leased(
            Endpoint(r.recipient, Transport(r.transport), r.url, vault.decrypt_bytes(r.secret_enc)),
            r.consecutive_failures,
        )
        for r in rows
    ]


async def _serve(rt: Runtime, lease: _Leased, senders: Senders) -> RecipientRound:
    settings = rt.settings
    endpoint = lease.endpoint
    async with rt.unit(OPERATOR, readonly=True) as ctx:
        claimed, batch = await _due(ctx.conn, endpoint.recipient, ctx.now, settings.delivery_batch)
        batch = await enrich(ctx.conn, ctx.vault, batch)
    done = RecipientRound(sent=len(batch), full=len(batch) == settings.delivery_batch)
    if not batch:
        return done
    # No transaction is open while the bank works: a slow bank holds no locks.
    outcomes: list[Outcome] = []
    try:
        outcomes = await senders.get(endpoint.transport).send(endpoint, batch, rt.clock.now())
    except EndpointUnavailable as exc:
        done.unavailable, done.error = len(batch), exc.reason
    except Exception as exc:
        done.unavailable, done.error = len(batch), type(exc).__name__
    policy = RetryPolicy.from_settings(settings)
    async with rt.unit(OPERATOR) as ctx:
        if done.error is not None:
            log.warning("endpoint %s unavailable: %s", endpoint.recipient, done.error)
            await _pause(
                ctx.conn, endpoint.recipient, lease.failures + 1, done.error, ctx.now, policy
            )
            return done
        plan = plan_outcomes(claimed, outcomes, ctx.now, policy)
        await _record(ctx.conn, plan, ctx.now)
        if lease.failures:
            await _resume(ctx.conn, endpoint.recipient)
    done.delivered, done.rejected, done.failed = len(plan.delivered), len(plan.retried), plan.failed
    return done


async def _due(
    conn: AsyncConnection, recipient: str, now: datetime, limit: int
) -> tuple[list[Claimed], list[Outgoing]]:
    """The recipient's due messages, at most one per card: the card's earliest undelivered."""
    o = outbox
    earlier = outbox.alias("earlier")
    # "Not delivered" rather than "pending or failed": a btree cannot serve <>, so PostgreSQL
    # always looks up the card's own messages (ordering_key, id) whatever its statistics say.
    # With IN (pending, failed) a drained outbox's statistics made it scan every waiting
    # message per candidate (106 messages/s in the delivery benchmark).
    held_back = exists().where(
        earlier.c.ordering_key == o.c.ordering_key,
        earlier.c.id < o.c.id,
        earlier.c.recipient == o.c.recipient,
        earlier.c.status != DELIVERED,
    )
    stmt = (
        select(o.c.id, o.c.message_id, o.c.topic, o.c.payload, o.c.created_at, o.c.attempts)
        .where(o.c.recipient == recipient, o.c.status == PENDING, o.c.next_attempt_at <= now)
        .where(~held_back)
        .order_by(o.c.id)
        .limit(limit)
    )
    rows = (await conn.execute(stmt)).all()
    claimed = [Claimed(r.id, r.message_id, r.attempts) for r in rows]
    batch = [
        Outgoing(r.message_id, r.id, r.topic, card_number_of(r.payload), r.created_at, r.payload)
        for r in rows
    ]
    return claimed, batch


async def _record(conn: AsyncConnection, plan: Plan, now: datetime) -> None:
    """Every outcome of a batch: one UPDATE for the delivered, one executemany for the rest.

    Only rows still pending change: an administrator's replay in between is not overwritten.
    """
    o = outbox
    if plan.delivered:
        await conn.execute(
            update(o)
            .where(o.c.id.in_(plan.delivered), o.c.status == PENDING)
            .values(status=DELIVERED, delivered_at=now, attempts=o.c.attempts + 1, last_error=None)
        )
    if plan.retried:
        stmt = (
            update(o)
            .where(o.c.id == bindparam("o_id"), o.c.status == PENDING)
            .values(
                status=bindparam("o_status"),
                attempts=bindparam("o_attempts"),
                next_attempt_at=bindparam("o_next", type_=UTCDateTime()),
                last_error=bindparam("o_error"),
            )
        )
        await conn.execute(stmt, plan.retried)


async def _pause(
    conn: AsyncConnection,
    recipient: str,
    failures: int,
    reason: str,
    now: datetime,
    policy: RetryPolicy,
) -> None:
    e = delivery_endpoints
    await conn.execute(
        update(e)
        .where(e.c.recipient == recipient)
        .values(
            consecutive_failures=e.c.consecutive_failures + 1,
            paused_until=now + policy.backoff(failures, random.random()),
            last_error=reason[:256],
        )
    )


async def _resume(conn: AsyncConnection, recipient: str) -> None:
    e = delivery_endpoints
    await conn.execute(
        update(e)
        .where(e.c.recipient == recipient)
        .values(consecutive_failures=0, paused_until=None, last_error=None)
    )


async def release_leases(rt: Runtime, owner: str) -> None:
    """Give up every lease this dispatcher holds, so another may send at once."""
    e = delivery_endpoints
    async with rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(
            update(e).where(e.c.lease_owner == owner).values(lease_owner=None, lease_until=None)
        )


# ---- the loop ----


async def run_dispatcher(
    rt: Runtime, stop: asyncio.Event, owner: str, senders: Senders | None = None
) -> None:
    """Deliver until `stop` is set: at once again after a full batch, else after a short sleep.

    A round that breaks (the database away, say) is logged and the loop goes on.
    """
    pool = senders or Senders(rt.settings)
    try:
        while not stop.is_set():
            wait = rt.settings.delivery_poll_seconds
            try:
                if (await dispatch_once(rt, owner, pool)).more:
                    continue
            except Exception as exc:
                log.warning("delivery round failed: %s", type(exc).__name__)
                wait = max(wait, ERROR_PAUSE_SECONDS)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
    finally:
        try:
            await release_leases(rt, owner)
        except Exception as exc:
            log.warning("releasing the delivery leases failed: %s", type(exc).__name__)
        if senders is None:
            await pool.close()
