"""The outbox: messages to other parties, written in the same transaction as the change that
causes them, and what an administrator sees and replays of them.

Delivery (dispatcher.py) reads this table; nothing is sent inside a business transaction. Each
message has its own id, which the receiver uses to drop a second delivery. Payloads hold no
personal data (an enricher adds it at delivery), so they are shown as stored. Replay makes
messages pending and due now with their attempts reset, keeping their message ids, so a
recipient that had them answers `duplicate`; a failed message holds its card's later messages
back, and replaying it lets them all go, in order.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound, invalid
from sscard.platform.outbox import repository as repo
from sscard.platform.outbox.extensions import HOOKS
from sscard.platform.outbox.permissions import CONFIGURE_ENDPOINT, REPLAY_OUTBOX, VIEW_OUTBOX
from sscard.platform.outbox.protocol import OutboxStatus, Transport
from sscard.platform.outbox.rules import (
    EndpointIn,
    OutboxFilter,
    ReplayFilter,
    check_address,
    check_http_url,
    check_secret,
)
from sscard.platform.outbox.signing import SECRET_BYTES
from sscard.platform.paging import next_cursor


def new_row(
    *, topic: str, recipient: str, ordering_key: str, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {
        "message_id": str(uuid.uuid4()),
        "topic": topic,
        "recipient": recipient,
        "ordering_key": ordering_key,
        "payload": payload,
        "created_at": at,
        "status": OutboxStatus.PENDING.value,
        "next_attempt_at": at,
        "attempts": 0,
    }


async def enqueue(
    conn: AsyncConnection,
    *,
    topic: str,
    recipient: str,
    ordering_key: str,
    payload: dict[str, Any],
    at: datetime,
) -> None:
    row = new_row(
        topic=topic, recipient=recipient, ordering_key=ordering_key, payload=payload, at=at
    )
    await repo.insert_messages(conn, [row])


async def enqueue_many(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Several messages (each made with new_row) in one statement, for set-based work."""
    await repo.insert_messages(conn, rows)


# ---- the administrator's view ----

REPLAYABLE = frozenset({OutboxStatus.FAILED, OutboxStatus.DELIVERED})


async def list_outbox(ctx: Ctx, f: OutboxFilter) -> tuple[list[dict[str, Any]], int | None]:
    """A page of messages, oldest first, and the next page's cursor (None at the end)."""
    authorize(ctx.actor, VIEW_OUTBOX)
    key: str | None = None
    if f.card_number is not None:
        key = await HOOKS.card_key(ctx.conn, f.card_number) if HOOKS.card_key else None
        if key is None:
            return [], None
    rows = await repo.message_page(ctx.conn, f, key)
    cursor = next_cursor(rows, f.limit)
    return [message_view(r) for r in rows], cursor


def message_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "message_id": row["message_id"],
        "topic": row["topic"],
        "recipient": row["recipient"],
        "status": row["status"],
        "attempts": row["attempts"],
        "created_at": row["created_at"],
        "next_attempt_at": row["next_attempt_at"],
        "delivered_at": row["delivered_at"],
        "last_error": row["last_error"],
        "card_number": HOOKS.card_number(row["topic"], row["payload"]),
        "payload": row["payload"],
    }


async def outbox_stats(ctx: Ctx) -> dict[str, Any]:
    """Per recipient: messages pending and failed, the oldest pending one's age, its endpoint."""
    authorize(ctx.actor, VIEW_OUTBOX)
    by: dict[str, dict[str, Any]] = {}

    def entry(recipient: str) -> dict[str, Any]:
        return by.setdefault(recipient, _empty_stats(recipient))

    for (recipient, status), n in (await repo.waiting_by_status(ctx.conn)).items():
        entry(recipient)[status] = n
    for recipient, first in await repo.oldest_pending(ctx.conn):
        entry(recipient).update(_age(first, ctx.now))
    for r in await repo.endpoint_states(ctx.conn):
        entry(r["recipient"]).update(has_endpoint=True, **r)
    return {"recipients": [by[k] for k in sorted(by)], "at": ctx.now}


def _empty_stats(recipient: str) -> dict[str, Any]:
    return {
        "recipient": recipient,
        OutboxStatus.PENDING.value: 0,
        OutboxStatus.FAILED.value: 0,
        "oldest_pending_at": None,
        "oldest_pending_age_seconds": None,
        "has_endpoint": False,
        "enabled": None,
        "paused_until": None,
        "last_error": None,
    }


def _age(first: datetime | None, now: datetime) -> dict[str, Any]:
    if first is None:
        return {}
    return {"oldest_pending_at": first, "oldest_pending_age_seconds": (now - first).total_seconds()}


def _replayed(ctx: Ctx) -> dict[str, Any]:
    return {
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": ctx.now,
        "delivered_at": None,
        "last_error": None,
    }


async def replay_message(ctx: Ctx, message_id: int) -> dict[str, Any]:
    """Send one message again now: failed, delivered (the bank answers duplicate) or waiting."""
    authorize(ctx.actor, REPLAY_OUTBOX)
    row = await repo.replay_one(ctx.conn, message_id, _replayed(ctx))
    if row is None:
        raise NotFound(field="message_id", what_zh="待发消息", what_en="Outbox message")
    return {"replayed": 1, "message": message_view(row)}


async def replay(ctx: Ctx, f: ReplayFilter) -> dict[str, Any]:
    """Send every failed (or delivered) message the filter picks again; one UPDATE."""
    authorize(ctx.actor, REPLAY_OUTBOX)
    if f.status not in REPLAYABLE:
        raise invalid(
            "status",
            "只能重发 failed 或 delivered 的消息",
            "only failed or delivered messages can be replayed",
        )
    if f.recipient is not None:
        await check_recipient(ctx.conn, f.recipient)
    return {"replayed": await repo.replay_where(ctx.conn, f, _replayed(ctx))}


# ---- delivery endpoints: where each recipient receives, and the secret both sides sign with ----
#
# A recipient is any party the outbox writes to, of a kind some context registered
# (extensions.py): a bank (its code), the medical insurance agency (`medical_insurance`), a
# city's card centre (`centre:<city code>`). The secret is generated here unless given, shown
# once, and stored only encrypted.


async def check_recipient(conn: AsyncConnection, recipient: str) -> None:
    """Refuse (InvalidInput on `recipient`) a name that is none of the registered kinds."""
    for kind in HOOKS.recipients:
        if await kind.exists(conn, recipient):
            return
    raise invalid(
        "recipient",
        "不是" + "，也不是".join(k.label_zh for k in HOOKS.recipients),
        "is not " + ", nor ".join(k.label_en for k in HOOKS.recipients),
    )


async def set_endpoint(
    ctx: Ctx,
    recipient: str,
    transport: Transport,
    url: str,
    statement_url: str | None,
    secret: bytes | None,
) -> dict[str, Any]:
    """Create or change a recipient's endpoint; answers the secret in hex once, if generated.

    A changed endpoint is tried again at once (its pause and failure count are cleared); an
    existing endpoint keeps its secret unless a new one is given.
    """
    authorize(ctx.actor, CONFIGURE_ENDPOINT)
    given = EndpointIn(recipient.strip(), transport, url.strip(), statement_url, secret)
    await _check_endpoint(ctx.conn, given)
    values: dict[str, Any] = {
        "transport": given.transport.value,
        "url": given.url,
        "statement_url": given.statement_url,
        "paused_until": None,
        "consecutive_failures": 0,
        "last_error": None,
        "updated_at": ctx.now,
    }
    if given.secret is not None:
        values["secret_enc"] = ctx.vault.encrypt(given.secret)
    generated: bytes | None = None
    if not await repo.update_endpoint(ctx.conn, given.recipient, values):
        if given.secret is None:
            generated = secrets.token_bytes(SECRET_BYTES)
            values["secret_enc"] = ctx.vault.encrypt(generated)
        await repo.insert_endpoint(
            ctx.conn, {"recipient": given.recipient, "enabled": True, **values}
        )
    view = (await repo.endpoint_views(ctx.conn, given.recipient))[0]
    return {**view, "secret_hex": generated.hex() if generated else None}


async def _check_endpoint(conn: AsyncConnection, given: EndpointIn) -> None:
    await check_recipient(conn, given.recipient)
    check_address(given.transport, given.url)
    if given.statement_url is not None:
        check_http_url("statement_url", given.statement_url)
    check_secret(given.secret)


async def list_endpoints(ctx: Ctx) -> list[dict[str, Any]]:
    """Every endpoint with its state and its waiting messages; never the secret."""
    authorize(ctx.actor, CONFIGURE_ENDPOINT)
    return await repo.endpoint_views(ctx.conn)


async def set_enabled(ctx: Ctx, recipient: str, enabled: bool) -> dict[str, Any]:
    """Switch delivery to a recipient on or off; switching on also ends any pause."""
    authorize(ctx.actor, CONFIGURE_ENDPOINT)
    values: dict[str, Any] = {"enabled": enabled, "updated_at": ctx.now}
    if enabled:
        values["paused_until"] = None
    if not await repo.update_endpoint(ctx.conn, recipient, values):
        raise NotFound(field="recipient", what_zh="接收方接口", what_en="Delivery endpoint")
    return (await repo.endpoint_views(ctx.conn, recipient))[0]


async def endpoint_secret(ctx: Ctx, recipient: str) -> bytes | None:
    """The secret shared with a recipient (to verify what its bank sends us), or None."""
    return await repo.endpoint_secret(ctx.conn, ctx.vault, recipient)
