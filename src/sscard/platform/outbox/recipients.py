"""Where each recipient receives its messages, and the secret both sides sign with.

A recipient is any party the outbox writes to, of a kind some context registered (hooks.py):
a bank (its code), the medical insurance agency (`medical_insurance`), a city's card centre
(`centre:<city code>`). The secret is generated here unless given, shown once, and stored
only encrypted.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import authorize
from sscard.kernel.crypto import Vault
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound, invalid
from sscard.kernel.upsert import insert_rows
from sscard.platform.outbox.extensions import HOOKS
from sscard.platform.outbox.models import delivery_endpoints, outbox
from sscard.platform.outbox.permissions import CONFIGURE_ENDPOINT
from sscard.platform.outbox.protocol import Endpoint, OutboxStatus, Transport
from sscard.platform.outbox.signing import SECRET_BYTES

MIN_SECRET_BYTES = 16
MAX_SECRET_BYTES = 64
URL_MAX = 256
_SUBJECT = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")


@dataclass(frozen=True)
class EndpointIn:
    """An administrator's endpoint, as given (the secret is None: generate one)."""

    recipient: str
    transport: Transport
    url: str
    statement_url: str | None = None
    secret: bytes | None = None


def parse_secret_hex(text: str | None) -> bytes | None:
    """The secret an administrator typed in hex; None when none was given."""
    if text is None or not text.strip():
        return None
    try:
        return bytes.fromhex(text.strip())
    except ValueError:
        raise invalid("secret_hex", "须为十六进制字符串", "must be a hexadecimal string") from None


def check_http_url(field: str, url: str) -> None:
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or len(url) > URL_MAX
        or any(ch.isspace() for ch in url)
    ):
        raise invalid(
            field,
            f"须为不超过{URL_MAX}个字符的http(s)地址",
            f"must be an http(s) URL of at most {URL_MAX} characters",
        )


def check_address(transport: Transport, url: str) -> None:
    """A webhook URL for http; a plain NATS subject (no wildcards) for nats."""
    if transport is Transport.HTTP:
        check_http_url("url", url)
    elif not _SUBJECT.match(url) or len(url) > URL_MAX:
        raise invalid(
            "url",
            "须为NATS主题，如 sscard.banks.ICBC（字母、数字、_、-，以点分隔，不含通配符）",
            "must be a NATS subject such as sscard.banks.ICBC "
            "(letters, digits, _ and -, dot-separated, no wildcards)",
        )


def check_secret(secret: bytes | None) -> None:
    if secret is not None and not MIN_SECRET_BYTES <= len(secret) <= MAX_SECRET_BYTES:
        raise invalid(
            "secret_hex",
            f"密钥须为{MIN_SECRET_BYTES}至{MAX_SECRET_BYTES}字节",
            f"the secret must be {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes",
        )


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
    await _check(ctx.conn, given)
    e = delivery_endpoints
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
    found = await ctx.conn.execute(
        update(e).where(e.c.recipient == given.recipient).values(values).returning(e.c.recipient)
    )
    if found.first() is None:
        if given.secret is None:
            generated = secrets.token_bytes(SECRET_BYTES)
            values["secret_enc"] = ctx.vault.encrypt(generated)
        row = {"recipient": given.recipient, "enabled": True, **values}
        await insert_rows(ctx.conn, e, [row], keys=["recipient"], overwrite=True)
    view = (await _views(ctx.conn, given.recipient))[0]
    return {**view, "secret_hex": generated.hex() if generated else None}


async def _check(conn: AsyncConnection, given: EndpointIn) -> None:
    await check_recipient(conn, given.recipient)
    check_address(given.transport, given.url)
    if given.statement_url is not None:
        check_http_url("statement_url", given.statement_url)
    check_secret(given.secret)


async def list_endpoints(ctx: Ctx) -> list[dict[str, Any]]:
    """Every endpoint with its state and its waiting messages; never the secret."""
    authorize(ctx.actor, CONFIGURE_ENDPOINT)
    return await _views(ctx.conn)


async def set_enabled(ctx: Ctx, recipient: str, enabled: bool) -> dict[str, Any]:
    """Switch delivery to a recipient on or off; switching on also ends any pause."""
    authorize(ctx.actor, CONFIGURE_ENDPOINT)
    e = delivery_endpoints
    values: dict[str, Any] = {"enabled": enabled, "updated_at": ctx.now}
    if enabled:
        values["paused_until"] = None
    changed = await ctx.conn.execute(
        update(e).where(e.c.recipient == recipient).values(values).returning(e.c.recipient)
    )
    if changed.first() is None:
        raise NotFound(field="recipient", what_zh="接收方接口", what_en="Delivery endpoint")
    return (await _views(ctx.conn, recipient))[0]


async def _views(conn: AsyncConnection, recipient: str | None = None) -> list[dict[str, Any]]:
    e = delivery_endpoints
    stmt = select(e).order_by(e.c.recipient)
    if recipient is not None:
        stmt = stmt.where(e.c.recipient == recipient)
    rows = [dict(r._mapping) for r in await conn.execute(stmt)]
    waiting = await _waiting(conn, [r["recipient"] for r in rows])
    return [
        {
            "recipient": r["recipient"],
            "transport": r["transport"],
            "url": r["url"],
            "statement_url": r["statement_url"],
            "enabled": r["enabled"],
            "paused_until": r["paused_until"],
            "consecutive_failures": r["consecutive_failures"],
            "last_error": r["last_error"],
            "lease_owner": r["lease_owner"],
            "lease_until": r["lease_until"],
            "updated_at": r["updated_at"],
            "pending": waiting.get((r["recipient"], OutboxStatus.PENDING.value), 0),
            "failed": waiting.get((r["recipient"], OutboxStatus.FAILED.value), 0),
        }
        for r in rows
    ]


async def _waiting(conn: AsyncConnection, recipients: list[str]) -> dict[tuple[str, str], int]:
    """Pending and failed messages per recipient, counted on the (recipient, status) index."""
    if not recipients:
        return {}
    o = outbox
    stmt = (
        select(o.c.recipient, o.c.status, func.count())
        .where(
            o.c.recipient.in_(recipients),
            o.c.status.in_([OutboxStatus.PENDING.value, OutboxStatus.FAILED.value]),
        )
        .group_by(o.c.recipient, o.c.status)
    )
    return {(r[0], r[1]): int(r[2]) for r in await conn.execute(stmt)}


async def load_endpoints(conn: AsyncConnection, vault: Vault) -> list[Endpoint]:
    """The enabled endpoints with their secrets, decrypted."""
    e = delivery_endpoints
    stmt = (
        select(e.c.recipient, e.c.transport, e.c.url, e.c.secret_enc)
        .where(e.c.enabled)
        .order_by(e.c.recipient)
    )
    return [
        Endpoint(r.recipient, Transport(r.transport), r.url, vault.decrypt_bytes(r.secret_enc))
        for r in await conn.execute(stmt)
    ]


async def endpoint_secret(conn: AsyncConnection, vault: Vault, recipient: str) -> bytes | None:
    """The secret shared with a recipient (to verify what its bank sends us), or None."""
    e = delivery_endpoints
    stmt = select(e.c.secret_enc).where(e.c.recipient == recipient)
    blob = (await conn.execute(stmt)).scalar_one_or_none()
    return vault.decrypt_bytes(blob) if blob is not None else None
