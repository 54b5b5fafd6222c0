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
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import Any

from sscard.kernel.actor import OPERATOR
from sscard.kernel.config import Settings
from sscard.kernel.runtime import Runtime
from sscard.platform.outbox import repository as repo
from sscard.platform.outbox.extensions import enrich
from sscard.platform.outbox.http_sender import HttpSender
from sscard.platform.outbox.protocol import (
    EndpointUnavailable,
    Outcome,
    Sender,
    Transport,
)
from sscard.platform.outbox.rules import Lease, RetryPolicy, plan_outcomes

log = logging.getLogger("sscard.outbox.dispatcher")

ERROR_PAUSE_SECONDS = 1.0  # after a round that failed as a whole (database gone, say)

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


async def dispatch_once(rt: Runtime, owner: str, senders: Senders) -> DispatchReport:
    """One round: lease the endpoints with due messages, then serve each one concurrently."""
    report = DispatchReport()
    # Read first: an idle round writes nothing (on SQLite a write waits for the one writer).
    async with rt.unit(OPERATOR, readonly=True) as ctx:
        wanted = await repo.open_with_work(ctx.conn, owner, ctx.now)
    if not wanted:
        return report
    async with rt.unit(OPERATOR) as ctx:
        leased = await repo.take_leases(ctx.conn, ctx.vault, owner, wanted, ctx.now, rt.settings)
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


async def _serve(rt: Runtime, lease: Lease, senders: Senders) -> RecipientRound:
    settings = rt.settings
    endpoint = lease.endpoint
    async with rt.unit(OPERATOR, readonly=True) as ctx:
        claimed, batch = await repo.due_messages(
            ctx.conn, endpoint.recipient, ctx.now, settings.delivery_batch
        )
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
            await repo.pause(
                ctx.conn, endpoint.recipient, lease.failures + 1, done.error, ctx.now, policy
            )
            return done
        plan = plan_outcomes(claimed, outcomes, ctx.now, policy)
        await repo.record_outcomes(ctx.conn, plan, ctx.now)
        if lease.failures:
            await repo.resume(ctx.conn, endpoint.recipient)
    done.delivered, done.rejected, done.failed = len(plan.delivered), len(plan.retried), plan.failed
    return done


async def release_leases(rt: Runtime, owner: str) -> None:
    """Give up every lease this dispatcher holds, so another may send at once."""
    async with rt.unit(OPERATOR) as ctx:
        await repo.release_leases(ctx.conn, owner)


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
