"""Real-name sign-in to the online hall (issue 13 item 1) and its sessions.

1. `request_code(document number, name)`: if they name a registered person with a phone on
   record, and fewer than MAX_CODES_PER_HOUR codes went to that person in the last hour, a code
   is queued as an SMS through the notification outbox (in demo mode the operator reads it
   under notifications). Either way the answer is the same challenge-shaped answer: whether the
   details named anybody is never said.
2. `sign_in(challenge, code)`: the code of a live challenge, taken once, tried at most
   MAX_CODE_ATTEMPTS times; a session token of the person's cardholder actor.

The check here is the registry's (number and name of a registered person, the phone on record).
A deployment plugs the national platform's real-person check (实人认证, face and document
against the public-security record) in front of `request_code`; the README says so.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.actors import service as actors
from sscard.actors.family import service as family
from sscard.actors.family.permissions import ACT_FOR_DEPENDANT
from sscard.actors.family.rules import ActingForEnded, NotAnOnlineSession
from sscard.actors.online import repository as repo
from sscard.actors.online import rules
from sscard.actors.online.hooks import SIGN_IN_CODE
from sscard.actors.online.rules import CodeRefused, OnlineSessionEnded
from sscard.kernel.actor import Actor, Channel, Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.runtime import Runtime
from sscard.platform.notify import service as notifications
from sscard.platform.throttle import service as throttle
from sscard.platform.throttle.rules import Door
from sscard.registry import service as registry

TEMPLATE = SIGN_IN_CODE.code
# Who acts while nobody is signed in yet: the visitor asking for a code or giving it.
VISITOR = Actor(id=None, role=Role.CARDHOLDER, display_name="online visitor", via=Channel.ONLINE)


@dataclass(frozen=True)
class Challenge:
    """What the browser or phone keeps between the two steps: the challenge token (a bearer of
    nothing by itself) and until when a code sent for it can be given."""

    token: str
    expires_at: datetime


async def request_code(ctx: Ctx, number: str, name: str, *, client: str | None) -> Challenge:
    """Step 1; never refuses for the details (see the module docstring). TooManyRequests (429)
    when the client address has asked too often (platform.throttle), whatever it asked."""
    await throttle.admit(ctx, Door.SIGN_IN_CODE, client)
    token = rules.new_token()
    person_id = await registry.real_name_match(ctx, number, name)
    code_index = None
    if person_id is not None and await _may_send(ctx, person_id):
        code = rules.new_code()
        code_index = ctx.vault.index(f"{token}:{code}")
        minutes = int(rules.CODE_TTL.total_seconds() // 60)
        params = {"code": code, "minutes": minutes}
        await notifications.enqueue(
            ctx.conn, person_id=person_id, template=TEMPLATE, params=params, at=ctx.now
        )
    expires_at = ctx.now + rules.CODE_TTL
    await repo.insert_challenge(
        ctx.conn,
        {
            "challenge_index": ctx.vault.index(token),
            "person_id": person_id if code_index else None,
            "code_index": code_index,
            "created_at": ctx.now,
            "expires_at": expires_at,
            "attempts": 0,
        },
    )
    return Challenge(token, expires_at)


async def evenly(started: float) -> None:
    """Wait out the rest of rules.STEP_ONE_SECONDS since `started` (time.monotonic() when step
    1 began), outside any transaction: the answer comes as late for a stranger as for a
    registered person (issue 13: sign-in never tells whether the details named anybody)."""
    left = rules.STEP_ONE_SECONDS - (time.monotonic() - started)
    if left > 0:
        await asyncio.sleep(left)


async def _may_send(ctx: Ctx, person_id: int) -> bool:
    sent = await repo.codes_since(ctx.conn, person_id, ctx.now - timedelta(hours=1))
    return sent < rules.MAX_CODES_PER_HOUR


@dataclass(frozen=True)
class SignedIn:
    token: str  # the session's bearer token, shown once
    person_id: int
    expires_at: datetime  # at the latest; idle sessions end sooner


async def sign_in(
    ctx: Ctx, challenge: str, code: str, *, client: str | None
) -> SignedIn | CodeRefused:
    """Step 2: the session, or the refusal, returned rather than raised so that the try it
    counts is committed with the unit. TooManyRequests (429) when the client address has tried
    too many codes (platform.throttle)."""
    await throttle.admit(ctx, Door.SIGN_IN_SECRET, client)
    found = await repo.challenge_for_update(ctx.conn, ctx.vault.index(challenge))
    if found is None or not rules.code_takes(found, ctx.now):
        return CodeRefused(field="code")
    await repo.update_challenge(ctx.conn, found["id"], attempts=found["attempts"] + 1)
    if ctx.vault.index(f"{challenge}:{code.strip()}") != found["code_index"]:
        return CodeRefused(field="code")
    await repo.update_challenge(ctx.conn, found["id"], used_at=ctx.now)
    person_id = int(found["person_id"])
    existing = await repo.cardholder_actor_id(ctx.conn, person_id)
    actor_id = await actors.cardholder_actor(ctx, person_id, existing)
    token = rules.new_token(rules.TOKEN_PREFIX)
    await repo.insert_session(
        ctx.conn,
        {
            "token_index": ctx.vault.index(token),
            "actor_id": actor_id,
            "created_at": ctx.now,
            "last_seen_at": ctx.now,
        },
    )
    return SignedIn(token, person_id, ctx.now + rules.LONGEST)


async def sign_out(ctx: Ctx, token: str) -> None:
    """End the session of this token, if it is live."""
    row = await repo.live_session(ctx.conn, ctx.vault.index(token))
    if row is not None:
        await repo.update_session(
            ctx.conn, row["session_id"], ended_at=ctx.now, ended_reason="signed_out"
        )
        if row["family_binding_id"] is not None:
            await family.stop_acting(ctx, row["family_binding_id"], "signed_out")


@dataclass(frozen=True)
class SessionCheck:
    """A read of a session token: the cardholder it acts as, and the write serving it needs
    first, if any (`end_reason`: idle or too old; `touch`: last seen over a minute ago)."""

    actor: Actor
    session_id: int
    end_reason: str | None
    touch: bool
    acting: Row | None = None  # the family binding it acts under (ECARD-4), in force today
    dropped_binding_id: int | None = None  # the one it acted under, ended or expired since


async def check_session(ctx: Ctx, token: str) -> SessionCheck:
    """Read only; raises OnlineSessionEnded for a token of no live session."""
    row = await repo.live_session(ctx.conn, ctx.vault.index(token))
    if row is None:
        raise OnlineSessionEnded()
    reason = rules.session_end_reason(row["session_created_at"], row["last_seen_at"], ctx.now)
    touch = ctx.now - row["last_seen_at"] > timedelta(minutes=1)
    actor = actors.actor_of({**row, "outlet_kind": None, "operations": None})
    acting, dropped = None, None
    if row["family_binding_id"] is not None:  # re-checked on every request (ECARD-4)
        acting = await family.acting_binding(ctx, row["family_binding_id"])
        if acting is None:
            dropped = row["family_binding_id"]
        else:
            # The dependant's record, the relative's actor id: what is done is theirs (CH-2).
            actor = replace(actor, person_id=acting["dependant_person_id"])
    return SessionCheck(actor, row["session_id"], reason, touch, acting, dropped)


async def serve_session(ctx: Ctx, check: SessionCheck) -> None:
    """The write a check asked for: the session ended (idle, expired) or noted as seen."""
    if check.end_reason is not None:
        end = {"ended_at": ctx.now, "ended_reason": check.end_reason}
        await repo.update_session(ctx.conn, check.session_id, **end)
    elif check.touch:
        await repo.update_session(ctx.conn, check.session_id, last_seen_at=ctx.now)
    if check.dropped_binding_id is not None:
        await repo.update_session(ctx.conn, check.session_id, family_binding_id=None)
        as_relative = replace(ctx, actor=check.actor)
        await family.stop_acting(as_relative, check.dropped_binding_id, "binding_not_active")


SESSION_CHECK = Actor(id=None, role=Role.CARDHOLDER, display_name="session", via=Channel.ONLINE)


async def session_actor(rt: Runtime, token: str) -> Actor:
    """The cardholder a live session token acts as: read through the read pool, written only
    to end the session (then OnlineSessionEnded) or to note it seen, at most once a minute.
    A relative acting for a dependant acts as the dependant's cardholder with the relative's
    own actor id; when the binding has ended or expired the session goes back to the relative
    and this request is refused with ActingForEnded (never answered with another record)."""
    return (await session_acting(rt, token))[0]


async def session_acting(rt: Runtime, token: str) -> tuple[Actor, Row | None]:
    """session_actor's actor and the family binding the session acts under, if any."""
    async with rt.unit(SESSION_CHECK, readonly=True) as ctx:
        check = await check_session(ctx, token)
    if check.end_reason is not None or check.touch or check.dropped_binding_id is not None:
        async with rt.unit(SESSION_CHECK) as ctx:
            await serve_session(ctx, check)
    if check.end_reason is not None:
        raise OnlineSessionEnded()
    if check.dropped_binding_id is not None:
        raise ActingForEnded()
    return check.actor, check.acting


async def act_for(ctx: Ctx, token: str, binding_id: int | None) -> dict[str, object] | None:
    """Switch the hall session of `token` to act for the dependant of an active binding of
    the signed-in relative, or back to the relative (binding_id None); the binding as viewed,
    or None. NotAnOnlineSession for an actor's own token; NotFound for a binding that is not
    the relative's; BindingNotActive for one ended or expired (SPEC ECARD-4)."""
    authorize(ctx.actor, ACT_FOR_DEPENDANT)
    live = token.startswith(rules.TOKEN_PREFIX)
    row = await repo.live_session(ctx.conn, ctx.vault.index(token)) if live else None
    if row is None:
        raise NotAnOnlineSession(field="Authorization")
    previous = row["family_binding_id"]
    if binding_id is None:
        if previous is not None:
            await repo.update_session(ctx.conn, row["session_id"], family_binding_id=None)
            await family.stop_acting(ctx, previous, "switched_back")
        return None
    found = await family.start_acting(ctx, binding_id, row["person_id"])
    if previous is not None and previous != binding_id:
        await family.stop_acting(ctx, previous, "switched")
    await repo.update_session(ctx.conn, row["session_id"], family_binding_id=binding_id)
    return family.view(found, ctx)


class TokensAndSessions:
    """The HTTP layer's authenticator: an actor's own token (actors.Tokens), or an online
    hall session token (TOKEN_PREFIX), checked on every request (never cached: it may end)."""

    def __init__(self) -> None:
        self._tokens = actors.Tokens()

    def cached(self, token: str | None) -> Actor | None:
        if token and token.startswith(rules.TOKEN_PREFIX):
            return None
        return self._tokens.cached(token)

    async def authenticate(self, conn: AsyncConnection, token: str | None) -> Actor:
        return await self._tokens.authenticate(conn, token)

    async def authenticate_session(self, rt: Runtime, token: str | None) -> Actor | None:
        if not token or not token.startswith(rules.TOKEN_PREFIX):
            return None
        return await session_actor(rt, token)
