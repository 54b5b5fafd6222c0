"""The notification outbox: messages to people, enqueued in the business transaction, sent later.

SPEC REP-5 (repeat-exchange SMS), ISS-7 (expiry reminder), LOSS-2 (report the bank side too).
`enqueue` writes one row in the caller's transaction; nothing is sent there. `deliver_pending`
runs outside any business transaction: it claims a batch and commits, resolves each person's
phone from the registry (decrypted only now, SPEC ID-6), sends through a pluggable sender with
no transaction open, then records every outcome in one more short transaction.
"""

from __future__ import annotations

import asyncio
import logging
import string
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sscard.kernel.actor import OPERATOR, Actor, authorize
from sscard.kernel.clock import SystemClock
from sscard.kernel.crypto import Vault
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import UTCDateTime, transaction
from sscard.kernel.masking import mask_phone, personal_number_kind
from sscard.kernel.runtime import Runtime
from sscard.platform.notify.models import notifications
from sscard.platform.notify.permissions import DELIVER_NOTIFICATIONS, VIEW_NOTIFICATIONS
from sscard.platform.notify.senders import Message, Sender

# The outbox reads the person's phone at delivery time; the registry owns the table, we only
# read two columns of it (registry → platform is the usual direction, this is the one read back).
from sscard.registry.models import persons

log = logging.getLogger("sscard.notifications")

# ---- templates: data, rendered at delivery time ----

SIGNATURE_ZH = "【江苏人社】"
SIGNATURE_EN = "[Jiangsu HRSS] "

TEMPLATES: dict[str, dict[str, str]] = {
    "repeat_exchange_reminder": {
        "rule": "REP-5",
        "zh": "您本月已办理社会保障卡补换卡{count}次。频繁补换卡将被记录，恶意重复补换卡将记入"
        "您的人社信用记录并影响人社业务办理。如非本人办理，请致电12333。",
        "en": "You have had your social security card replaced or exchanged {count} times this "
        "month. Frequent replacements are recorded; malicious repeat exchanges are entered in "
        "your HR credit record and affect your HR business. If this was not you, call 12333.",
    },
    "expiry_exchange_reminder": {
        "rule": "ISS-7",
        "zh": "您的社会保障卡金融功能有效期至{expiry_date}，到期后不能在柜面、ATM、POS刷卡交易"
        "（人社、医保、交通功能不受影响）。请携带本人有效身份证件和社保卡到服务网点办理换卡。",
        "en": "The financial function of your social security card is valid until "
        "{expiry_date}; after that, counter, ATM and POS card transactions stop (HR, medical "
        "and transport functions go on). Please exchange the card at a service outlet, bringing "
        "your ID and the card.",
    },
    "online_loss_bank_reminder": {
        "rule": "LOSS-2",
        "zh": "您已在网上办理社会保障卡正式挂失，仅挂失人社功能。金融功能（银行账户）须另行到"
        "发卡银行网点或拨打银行客服电话办理挂失。",
        "en": "Your online formal loss report covers only the card's HR function. Report the "
        "financial function (the bank account) separately at an outlet or the hotline of the "
        "card's bank.",
    },
}


def placeholders(template: str) -> set[str]:
    """The {names} both texts of a template need."""
    spec = TEMPLATES[template]
    return {
        name
        for lang in ("zh", "en")
        for _, name, _, _ in string.Formatter().parse(spec[lang])
        if name
    }


def render(template: str, params: dict[str, Any]) -> tuple[str, str]:
    """The Chinese and English text of a template, signed."""
    spec = TEMPLATES[template]
    return (
        SIGNATURE_ZH + spec["zh"].format(**params),
        SIGNATURE_EN + spec["en"].format(**params),
    )


# ---- personal data stays out of params and free text (SPEC ID-6) ----

PERSONAL_KEYS = frozenset(
    {"name", "phone", "mobile", "id_number", "ssn", "social_security_number", "document_number"}
)


def clean_params(template: str, params: dict[str, Any]) -> dict[str, Any]:
    """Params as stored: a known template, every placeholder given, JSON values, no personal data.

    A wrong template or a personal value is a programming error, not a user's: ValueError,
    whose text names the key but never the value.
    """
    if template not in TEMPLATES:
        raise ValueError(f"unknown notification template {template!r}")
    missing = placeholders(template) - params.keys()
    if missing:
        raise ValueError(f"template {template!r} needs {sorted(missing)}")
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key.lower() in PERSONAL_KEYS:
            raise ValueError(f"notification param {key!r} would carry personal data")
        if isinstance(value, datetime | date):
            value = value.isoformat()
        if not isinstance(value, str | int | float | bool):
            raise ValueError(f"notification param {key!r} must be text, a number or a date")
        if isinstance(value, str) and personal_number_kind(value):
            raise ValueError(f"notification param {key!r} looks like personal data")
        out[key] = value
    return out


# ---- the outbox ----


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a delivery pass; back to due if the pass dies (LEASE)
    SENT = "sent"
    FAILED = "failed"  # will be retried at next_attempt_at
    DEAD = "dead"  # failed MAX_ATTEMPTS times; an operator looks at it
    UNDELIVERABLE = "undeliverable"  # the person has no phone


CHANNELS = ("sms",)  # app push comes later, as one more channel and sender
MAX_ATTEMPTS = 5
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
# A pass that claimed rows and then died leaves them `sending`; after this they are due again.
LEASE = timedelta(minutes=10)
SEND_CONCURRENCY = 8


async def enqueue(
    conn: AsyncConnection,
    *,
    person_id: int,
    template: str,
    params: dict[str, Any],
    at: datetime,
    channel: str = "sms",
) -> int:
    """Queue one message to a person in the caller's transaction; returns its id."""
    stmt = insert(notifications).values(**_new_row(person_id, template, params, at, channel))
    return int((await conn.execute(stmt.returning(notifications.c.id))).scalar_one())


async def enqueue_many(
    conn: AsyncConnection, messages: Iterable[Mapping[str, Any]], *, at: datetime
) -> int:
    """Queue many messages in one statement, in the caller's transaction; returns how many.

    Each message is a mapping with person_id, template, params and optionally channel.
    """
    rows = [
        _new_row(m["person_id"], m["template"], m["params"], at, m.get("channel", "sms"))
        for m in messages
    ]
    if rows:
        await conn.execute(insert(notifications), rows)
    return len(rows)


def _new_row(
    person_id: int, template: str, params: dict[str, Any], at: datetime, channel: str
) -> dict[str, Any]:
    if channel not in CHANNELS:
        raise ValueError(f"unknown notification channel {channel!r}")
    return {
        "person_id": person_id,
        "channel": channel,
        "template": template,
        "params": clean_params(template, params),
        "status": NotificationStatus.PENDING.value,
        "attempts": 0,
        "created_at": at,
        "next_attempt_at": at,
    }


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When a message that failed its `attempts`-th time is tried again; None: it is dead."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


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
        await _record_outcomes(conn, claim, outcomes)
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
    """Mark up to `batch` due rows as ours and read their recipients; set-based, one statement.

    On PostgreSQL, FOR UPDATE SKIP LOCKED lets two passes claim disjoint rows instead of one
    waiting for (and then double-sending) the other's; SQLite has one writer at a time anyway.
    """
    t = notifications
    due = or_(
        and_(
            t.c.status.in_([NotificationStatus.PENDING.value, NotificationStatus.FAILED.value]),
            t.c.next_attempt_at <= now,
        ),
        and_(t.c.status == NotificationStatus.SENDING.value, t.c.claimed_at <= now - LEASE),
    )
    pick = select(t.c.id).where(due).order_by(t.c.id).limit(batch)
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(t)
        .where(t.c.id.in_(pick.scalar_subquery()))
        .values(
            status=NotificationStatus.SENDING.value,
            claim=claim,
            claimed_at=now,
            attempts=t.c.attempts + 1,
        )
        .returning(t.c.id, t.c.person_id, t.c.channel, t.c.template, t.c.params, t.c.attempts)
    )
    rows = sorted((await conn.execute(stmt)).all(), key=lambda r: r.id)
    if not rows:
        return []
    phones = await _phones(conn, {r.person_id for r in rows}, vault)
    return [
        _Claimed(
            r.id, r.person_id, r.channel, r.template, r.params, r.attempts, phones.get(r.person_id)
        )
        for r in rows
    ]


async def _phones(conn: AsyncConnection, person_ids: set[int], vault: Vault) -> dict[int, str]:
    """Each person's phone, decrypted (SPEC ID-6: read only at the moment of sending)."""
    stmt = select(persons.c.id, persons.c.phone_enc).where(
        persons.c.id.in_(sorted(person_ids)), persons.c.phone_enc.is_not(None)
    )
    return {r.id: vault.decrypt(r.phone_enc) for r in await conn.execute(stmt)}


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


async def _record_outcomes(
    conn: AsyncConnection, claim: str, outcomes: list[dict[str, Any]]
) -> None:
    """Every outcome of the pass in one executemany; a row another pass took over is left alone."""
    t = notifications
    stmt = (
        update(t)
        .where(t.c.id == bindparam("n_id"), t.c.claim == claim)
        .values(
            status=bindparam("n_status"),
            sent_at=bindparam("n_sent_at", type_=UTCDateTime()),
            last_error=bindparam("n_error"),
            next_attempt_at=bindparam("n_next", type_=UTCDateTime()),
            recipient_masked=bindparam("n_to"),
            claim=None,
        )
    )
    await conn.execute(stmt, outcomes)


# ---- operator use cases ----


@dataclass(frozen=True)
class NotificationFilter:
    status: NotificationStatus | None = None
    person_id: int | None = None
    after_id: int = 0
    limit: int = 100


async def list_notifications(
    ctx: Ctx, f: NotificationFilter
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of notifications with their delivery state, and the next page's cursor."""
    authorize(ctx.actor, VIEW_NOTIFICATIONS)
    t = notifications
    stmt = select(t).where(t.c.id > f.after_id).order_by(t.c.id).limit(f.limit)
    if f.status is not None:
        stmt = stmt.where(t.c.status == f.status.value)
    if f.person_id is not None:
        stmt = stmt.where(t.c.person_id == f.person_id)
    rows = [dict(r._mapping) for r in await ctx.conn.execute(stmt)]
    cursor = rows[-1]["id"] if len(rows) == f.limit else None
    return [notification_view(r) for r in rows], cursor


def notification_view(row: dict[str, Any]) -> dict[str, Any]:
    """What an operator sees of one message: its state, never the phone in clear."""
    waiting = row["status"] in (NotificationStatus.PENDING, NotificationStatus.FAILED)
    return {
        "id": row["id"],
        "person_id": row["person_id"],
        "channel": row["channel"],
        "template": row["template"],
        "rule": TEMPLATES.get(row["template"], {}).get("rule"),
        "params": row["params"],
        "status": row["status"],
        "attempts": row["attempts"],
        "created_at": row["created_at"],
        "next_attempt_at": row["next_attempt_at"] if waiting else None,
        "sent_at": row["sent_at"],
        "last_error": row["last_error"],
        "recipient": row["recipient_masked"],
    }


async def deliver(rt: Runtime, actor: Actor, sender: Sender, batch: int = 500) -> DeliveryReport:
    """An operator's delivery pass (SPEC REP-5): authorized, then run outside any transaction."""
    authorize(actor, DELIVER_NOTIFICATIONS)
    return await deliver_pending(rt, sender, batch)
