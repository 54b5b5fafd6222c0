"""Reads of full records: allowed or answered as not found, and each one logged in the reader's
hash chain (issue 11, SPEC ID-6, GOV-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound
from sscard.platform.access import repository as repo
from sscard.platform.access.permissions import VIEW_ACCESS_LOG
from sscard.platform.access.rules import (
    GENESIS,
    GRANTS,
    Purpose,
    Subject,
    chain_of,
    chained,
    chained_text,
    grant_since,
    needs_grant,
    standing_purpose,
)

Row = dict[str, Any]


async def reach(ctx: Ctx, subject: Subject, *, field: str, what_zh: str, what_en: str) -> None:
    """Allow and log a read of a full record, or raise NotFound on `field` exactly as for a
    record that does not exist (so ids cannot be walked)."""
    purpose = standing_purpose(ctx.actor, subject)
    person = subject.person_id
    if purpose is None and needs_grant(ctx.actor) and person and await _granted(ctx, person):
        purpose = Purpose.PRESENTED_EARLIER
    if purpose is None:
        raise NotFound(field=field, what_zh=what_zh, what_en=what_en)
    await log_read(ctx, subject, purpose)


async def may_act(ctx: Ctx, subject: Subject) -> bool:
    """Whether the actor may act on this record now: the standing ground a read would have
    (province, own city, own cards), or for counter and hotline staff the person's document
    presented in the last GRANT_HOURS. Nothing is logged: the act itself is recorded."""
    if standing_purpose(ctx.actor, subject) is not None:
        return True
    person = subject.person_id
    return needs_grant(ctx.actor) and person is not None and await _granted(ctx, person)


async def presented(ctx: Ctx, person_id: int | None) -> bool:
    """Whether the actor may act for this person now: any actor who needs no grant, or a clerk
    or agent to whom the person's document was presented in the last GRANT_HOURS."""
    if not needs_grant(ctx.actor):
        return True
    return person_id is not None and await _granted(ctx, person_id)


async def _granted(ctx: Ctx, person_id: int) -> bool:
    actor = ctx.actor
    return await repo.has_grant(
        ctx.conn,
        person_id,
        grant_since(ctx.now),
        [p.value for p in GRANTS],
        outlet_id=actor.outlet_id,
        actor_id=actor.id,
    )


async def log_read(ctx: Ctx, subject: Subject, purpose: Purpose) -> None:
    """Append one entry to the reader's chain, in the reading transaction; a record already
    logged in this transaction for the same purpose is not logged again (one view, one line)."""
    actor, chain = ctx.actor, chain_of(ctx.actor, subject)
    key = (chain, subject.kind, subject.key, purpose.value)
    if key in ctx.logged:
        return
    position, previous = await repo.advance_head(ctx.conn, chain)
    entry = {
        "chain": chain,
        "position": position,
        "at": ctx.now,
        "actor_id": actor.id,
        "role": actor.role.value,
        "channel": actor.channel.value,
        "outlet_id": actor.outlet_id,
        "city_code": actor.city_code,
        "subject_kind": subject.kind,
        "subject_key": subject.key,
        "person_id": subject.person_id,
        "purpose": purpose.value,
    }
    digest = ctx.vault.index(chained_text(previous, chained(entry)))
    await repo.append(ctx.conn, {**entry, "prev_hash": previous, "hash": digest})
    ctx.logged.add(key)


@dataclass(frozen=True)
class LogFilter:
    person_id: int | None = None
    actor_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    after: int = 0
    limit: int = 100


async def entries(ctx: Ctx, f: LogFilter) -> tuple[list[Row], int | None]:
    """A page of the log for an auditor (who, role, outlet, when, which record, why)."""
    authorize(ctx.actor, VIEW_ACCESS_LOG)
    rows = await repo.page(
        ctx.conn,
        person_id=f.person_id,
        actor_id=f.actor_id,
        since=f.since,
        until=f.until,
        after=f.after,
        limit=f.limit,
    )
    return rows, (rows[-1]["id"] if len(rows) == f.limit else None)


async def verify(ctx: Ctx, batch: int = 5000) -> list[Row]:
    """Recompute every chain: for each, its length, and the first entry whose hash or link
    does not hold (None when the chain is intact) — a row changed, removed or inserted."""
    authorize(ctx.actor, VIEW_ACCESS_LOG)
    return [await _verify_chain(ctx, head, batch) for head in await repo.chains(ctx.conn)]


async def _verify_chain(ctx: Ctx, head: Row, batch: int) -> Row:
    previous, position, broken = GENESIS, 0, None
    while broken is None:
        rows = await repo.chain_entries(ctx.conn, head["chain"], position, batch)
        for row in rows:
            position += 1
            ok = row["position"] == position and row["prev_hash"] == previous
            if not ok or row["hash"] != ctx.vault.index(chained_text(previous, chained(row))):
                broken = position
                break
            previous = row["hash"]
        if len(rows) < batch:
            break
    if broken is None and (position != head["length"] or previous != head["last_hash"]):
        broken = position + 1  # entries removed from the end, or the head rewritten
    return {"chain": head["chain"], "length": head["length"], "broken_at": broken}
