"""The scenes' use cases (SPEC SCN-1, LOSS-5, ECARD-3): the card centre registers a city's
scenes and their terminals; a terminal, signing its request like a bank, asks to use a card or
an ecard's code shown to it and gets the card's one answer (LOSS-5) with the scene's own checks;
every use is recorded, with no personal data in clear, for the statistics."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from sscard.actors import service as actors
from sscard.cards import service as cards
from sscard.cards.entities import Card
from sscard.delta import service as delta
from sscard.delta.rules import (
    PROVINCE_EN,
    PROVINCE_ZH,
    DeltaUse,
    StatusAnswer,
    is_jiangsu,
    province_of,
)
from sscard.ecards import service as ecards
from sscard.ecards.qr import CLOCK_SKEW, QrExpired, QrUnreadable
from sscard.kernel.actor import Role, authorize, city_scope, require_own_city
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, Forbidden, NotFound, invalid
from sscard.kernel.masking import mask_number
from sscard.kernel.text import unsafe_characters
from sscard.platform.outbox import signing
from sscard.registry import service as registry
from sscard.registry.reference import service as reference
from sscard.scenes import repository as repo
from sscard.scenes import rules
from sscard.scenes.lists import service as application_lists
from sscard.scenes.permissions import REGISTER_SCENE, USE_CARD_AT_SCENE, VIEW_SCENES
from sscard.scenes.rules import FULL_IDENTITY, Language, Refusal, SceneKind, SceneUse

NAME_MAX = 64
EARLIEST = date(2020, 1, 1)  # no scene used a card through sscard before
OFFLINE_DAYS = 30  # a gate uploads what it scanned within this many days


class SceneAlreadyRegistered(DomainError):
    code = "scene_already_registered"
    status = 409
    message_zh = "场景编码{code}已登记"
    message_en = "A scene with the code {code} is already registered"


class TerminalAlreadyRegistered(DomainError):
    code = "terminal_already_registered"
    status = 409
    message_zh = "该场景已有编号为{terminal_code}的终端"
    message_en = "The scene already has a terminal {terminal_code}"


class SceneOutOfService(Forbidden):
    code = "scene_out_of_service"
    rule = "SCN-1"
    message_zh = "该用卡场景或终端已停用"
    message_en = "This scene or terminal is out of service"


@dataclass(frozen=True)
class NewScene:
    """A scene to register: its code (e.g. a designated institution's national code), name,
    kind (rules.SceneKind), city and, where a fare differs there, its county-level area."""

    code: str
    name: str
    kind: str
    city_code: str
    area_code: str | None = None


async def register_scene(ctx: Ctx, new: NewScene) -> dict[str, Any]:
    """A city's card centre registers a scene of its city (SCN-1); its view. InvalidInput for
    a bad code, name, kind or city; OutsideYourCity for another city's;
    SceneAlreadyRegistered for a code taken."""
    authorize(ctx.actor, REGISTER_SCENE)
    code = new.code.strip().upper()
    if not rules.OPERATOR_CODE.match(code):
        raise invalid("code", "须为6至20位大写字母或数字", "must be 6 to 20 capitals or digits")
    kind = _kind(new.kind)
    name = _name(new.name)
    require_own_city(ctx.actor, new.city_code, "city_code")
    try:
        await reference.require_city(ctx, new.city_code)
    except NotFound:
        raise invalid("city_code", "未知城市", "unknown city") from None
    if new.area_code is not None and not (
        len(new.area_code) == 6 and new.area_code.isdigit() and new.area_code[:4] == new.city_code
    ):
        zh, en = "须为该城市下的6位区县代码", "must be a 6-digit area code of the city"
        raise invalid("area_code", zh, en)
    if await repo.operator_by_code(ctx.conn, code) is not None:
        raise SceneAlreadyRegistered(field="code", code=code)
    row = {
        "code": code,
        "name": name,
        "kind": kind.value,
        "city_code": new.city_code,
        "area_code": new.area_code,
        "active": True,
        "registered_at": ctx.now,
        "registered_by": ctx.actor.id,
    }
    await repo.insert_operator(ctx.conn, row)
    return await scene(ctx, code)


def _kind(value: str) -> SceneKind:
    try:
        return SceneKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in SceneKind)
        raise invalid("kind", f"须为以下之一：{kinds}", f"must be one of: {kinds}") from None


def _name(value: str) -> str:
    name = value.strip()
    if not name or len(name) > NAME_MAX:
        raise invalid("name", f"须为1至{NAME_MAX}个字符", f"must be 1 to {NAME_MAX} characters")
    if unsafe_characters(name):
        raise invalid("name", "含有不允许的字符", "holds characters no field may")
    return name


async def scene(ctx: Ctx, code: str) -> dict[str, Any]:
    """One scene with its terminals (never their keys); NotFound outside the reader's city."""
    authorize(ctx.actor, VIEW_SCENES)
    operator = await _operator(ctx, code)
    terminals = await repo.terminals_of(ctx.conn, operator["id"])
    return _scene_view(operator) | {"terminals": terminals}


async def _operator(ctx: Ctx, code: str) -> dict[str, Any]:
    operator = await repo.operator_by_code(ctx.conn, code.strip().upper())
    scope = city_scope(ctx.actor)
    if operator is None or (scope is not None and operator["city_code"] != scope):
        raise NotFound(field="code", what_zh="用卡场景", what_en="Scene")
    return operator


def _scene_view(row: Mapping[str, Any]) -> dict[str, Any]:
    kind = SceneKind(row["kind"])
    return {
        "code": row["code"],
        "name": row["name"],
        "kind": kind.value,
        "kind_zh": rules.KIND_ZH[kind],
        "uses": sorted(u.value for u in rules.KIND_USES[kind]),
        "city_code": row["city_code"],
        "area_code": row["area_code"],
        "active": row["active"],
        "registered_at": row["registered_at"],
    }


async def list_scenes(ctx: Ctx, limit: int = 500) -> list[dict[str, Any]]:
    """The scenes of the reader's city (all, for the province), by code, with how many active
    terminals each has."""
    authorize(ctx.actor, VIEW_SCENES)
    rows = await repo.operators(ctx.conn, city_scope(ctx.actor), limit)
    return [_scene_view(r) | {"terminals": r["terminals"]} for r in rows]


async def register_terminal(
    ctx: Ctx, code: str, terminal_code: str, language: str
) -> dict[str, Any]:
    """A terminal for a scene: its API token and its HMAC-SM3 signing key, both shown once
    (the terminal signs every request like a bank: X-Sscard-Timestamp, X-Sscard-Signature).
    InvalidInput for a bad terminal code or language; TerminalAlreadyRegistered."""
    authorize(ctx.actor, REGISTER_SCENE)
    operator = await _operator(ctx, code)
    terminal_code = terminal_code.strip().upper()  # "t1" and "T1" are one terminal
    if not rules.TERMINAL_CODE.match(terminal_code):
        zh = "须为1至32位字母、数字、-或_，以字母或数字开头"
        en = "must be 1 to 32 letters, digits, - or _, starting with a letter or digit"
        raise invalid("terminal_code", zh, en)
    if language not in {x.value for x in Language}:
        raise invalid("language", "须为zh或en", "must be zh or en")
    if await repo.terminal_exists(ctx.conn, operator["id"], terminal_code):
        raise TerminalAlreadyRegistered(field="terminal_code", terminal_code=terminal_code)
    display = f"{operator['name'][:40]} {terminal_code}"[:64]
    actor_id, token = await actors.system_actor(
        ctx, Role.SCENE_TERMINAL, display, operator["city_code"]
    )
    secret = secrets.token_bytes(signing.SECRET_BYTES)
    row = {
        "operator_id": operator["id"],
        "terminal_code": terminal_code,
        "actor_id": actor_id,
        "secret_enc": ctx.vault.encrypt(secret),
        "language": language,
        "active": True,
        "registered_at": ctx.now,
    }
    await repo.insert_terminal(ctx.conn, row)
    return {
        "scene_code": operator["code"],
        "terminal_code": terminal_code,
        "token": token,
        "signing_key": secret.hex(),
        "signature": "X-Sscard-Signature: hmac-sm3=hex(HMAC-SM3(key, timestamp + '\\n' + body))",
    }


async def take_terminal_out(ctx: Ctx, code: str, terminal_code: str) -> dict[str, Any]:
    """Take a terminal out of service: its token stops working at once; the scene's view."""
    authorize(ctx.actor, REGISTER_SCENE)
    operator = await _operator(ctx, code)
    actor_id = await repo.switch_off_terminal(
        ctx.conn, operator["id"], terminal_code.strip().upper()
    )
    if actor_id is None:
        raise NotFound(field="terminal_code", what_zh="终端", what_en="Terminal")
    await actors.switch_off(ctx, actor_id)
    return await scene(ctx, code)


@dataclass(frozen=True)
class Terminal:
    """The terminal a request comes from, with its scene."""

    id: int
    operator_id: int
    operator_code: str
    operator_name: str
    kind: SceneKind
    city_code: str
    language: Language
    area_code: str | None = None  # where a fare differs in part of the city


async def authenticate(
    ctx: Ctx, headers: Mapping[str, str], body: bytes, tolerance_seconds: int
) -> Terminal:
    """The terminal behind the token, once its signature over the exact body checks out
    (SignatureRefused otherwise); SceneOutOfService for a terminal or scene switched off."""
    authorize(ctx.actor, USE_CARD_AT_SCENE)
    row = await _terminal_in_service(ctx)
    if row is None:
        raise SceneOutOfService()
    signing.verify(ctx.vault.decrypt_bytes(row["secret_enc"]), headers, body, ctx.now,
                   tolerance_seconds)  # fmt: skip
    return Terminal(
        row["id"],
        row["operator_id"],
        row["operator_code"],
        row["operator_name"],
        SceneKind(row["kind"]),
        row["city_code"],
        Language(row["language"]),
        row["area_code"],
    )


async def operator_of_terminal(ctx: Ctx) -> int | None:
    """The operator (scene_operators.id) of the terminal behind the caller's token, for what
    a terminal may read without signing (a GET has no body to sign); None when the caller is
    no terminal or it is out of service."""
    row = await _terminal_in_service(ctx)
    return int(row["operator_id"]) if row is not None else None


async def _terminal_in_service(ctx: Ctx) -> dict[str, Any] | None:
    """The caller's terminal with its operator (repo.terminal_of_actor), if both are in
    service."""
    row = await repo.terminal_of_actor(ctx.conn, ctx.actor.id or 0)
    if row is None or not (row["active"] and row["operator_active"]):
        return None
    return row


class RequestReplayed(DomainError):
    code = "request_replayed"
    status = 409
    message_zh = "该终端已提交过此请求编号，请求被拒绝（防重放）"
    message_en = "This terminal sent this request id before: the request is refused (replay)"


REQUEST_IDS_KEPT = timedelta(days=1)  # far beyond the signature's window


async def remember_request(ctx: Ctx, terminal: Terminal, request_id: str) -> None:
    """A terminal's request is taken once: RequestReplayed for an id it sent before. In the
    request's transaction, so a request refused for another reason leaves its id unused."""
    row = {"terminal_id": terminal.id, "request_id": request_id, "seen_at": ctx.now}
    if not await repo.remember_request(ctx.conn, row):
        raise RequestReplayed(field="request_id")


async def forget_old_requests(ctx: Ctx) -> int:
    """Forget request ids older than REQUEST_IDS_KEPT (the signature refuses them anyway)."""
    return await repo.forget_requests_before(ctx.conn, ctx.now - REQUEST_IDS_KEPT)


@dataclass(frozen=True)
class Presented:
    """What the holder showed: the card (its number and issuing region, as the chip reads
    them; no region read is a Jiangsu card) or an ecard's code."""

    card_number: str | None = None
    qr: str | None = None
    issuer_region: str | None = None

    @property
    def from_the_delta(self) -> bool:
        """A card of Shanghai, Zhejiang or Anhui (or further away): its own province answers."""
        return self.qr is None and not is_jiangsu(self.issuer_region)


async def holder_shown(ctx: Ctx, presented: Presented) -> int | None:
    """The person whose card or ecard code is shown, or None for one sscard does not know; no
    use recorded, no code spent (to match a request repeated with its first one)."""
    if presented.from_the_delta:
        return None
    if presented.qr is not None:
        try:
            return (await ecards.read_scanned(ctx, presented.qr)).person_id
        except (ecards.QrRefused, QrUnreadable):
            return None
    try:
        return (await cards.find(ctx, presented.card_number or "")).person_id
    except NotFound:
        return None


async def credential_of_use(ctx: Ctx, use_id: int) -> str | None:
    """How a recorded use was made: card or ecard."""
    return await repo.use_credential(ctx.conn, use_id)


@dataclass(frozen=True)
class Taken:
    """What came of one use: allowed or refused (and why), the card, the recorded event."""

    use: SceneUse
    credential: str
    card: Card | None
    ecard_id: int | None
    refusal: Refusal | None
    event_id: int
    foreign: StatusAnswer | None = None  # another delta province's answer for its card
    province_code: str = "32"  # the card's issuing province

    @property
    def allowed(self) -> bool:
        return self.refusal is None


SceneCheck = Callable[[Card], Awaitable[Refusal | None]]


async def take(
    ctx: Ctx,
    terminal: Terminal,
    use: SceneUse,
    presented: Presented,
    scene_check: SceneCheck | None = None,
) -> Taken:
    """SPEC LOSS-5, SCN-1, ECARD-3, YRD-2: may the card (or the ecard behind a code) be used
    here for `use`: the scene's kind offers it, an application list in force in its city
    includes it, the card's one answer allows it, and `scene_check`
    (the scene's own rule: a medical filing, a ticket) finds nothing against it. A code is
    spent only when allowed. The use is recorded either way; the refusal is an answer, not an
    error. QrUnreadable (422) for a text that is no ecard code at all."""
    authorize(ctx.actor, USE_CARD_AT_SCENE)
    if presented.from_the_delta:
        return await _take_from_the_delta(ctx, terminal, use, presented, scene_check is not None)
    credential = "ecard" if presented.qr is not None else "card"
    card, ecard_id, refusal = None, None, rules.use_not_offered(terminal.kind, use)
    if refusal is None:  # YRD-2: only where a list in force includes it
        refusal = await application_lists.refusal(ctx, terminal.city_code, use, terminal.kind)
    redeemed = None
    if refusal is None and presented.qr is not None:
        try:
            redeemed = await ecards.read_qr(ctx, presented.qr, rules.QR_SCOPES[use])
            card, ecard_id = redeemed.card, redeemed.ecard["id"]
        except (QrExpired, ecards.QrRefused, ecards.EcardNotUsable) as no:
            refusal = _refusal_of(no)
    elif refusal is None:
        card, refusal = await _card_answer(ctx, presented.card_number or "", use)
    if refusal is None and card is not None and scene_check is not None:
        refusal = await scene_check(card)
    if refusal is None and redeemed is not None:
        try:
            await ecards.spend_qr(ctx, redeemed)
        except ecards.QrRefused as no:
            refusal = _refusal_of(no)
    event_id = await _record(ctx, terminal, use, credential, card, ecard_id, refusal)
    return Taken(use, credential, card, ecard_id, refusal, event_id)


async def _card_answer(ctx: Ctx, number: str, use: SceneUse) -> tuple[Card | None, Refusal | None]:
    try:
        card = await cards.find(ctx, number)
    except NotFound:
        return None, Refusal("unknown_card", "无此社保卡", "no such card", "SCN-1")
    answer = cards.use_answer(ctx, card, rules.CARD_USE[use])
    if answer.allowed:
        return card, None
    return card, Refusal(answer.code, answer.reason_zh, answer.reason_en, answer.rule)


# What a Jiangsu scene asks of another delta province's card: its identity and admission at a
# gate. A settlement, a ticket or a loan needs the card's records, which stay in its province.
DELTA_USES: Final = frozenset({SceneUse.IDENTITY, SceneUse.ENTRY})


async def _delta_refusal(
    ctx: Ctx, terminal: Terminal, use: SceneUse, own_check: bool = False
) -> Refusal | None:
    """What refuses another province's card before its node is asked: the scene's kind, the
    delta's list only (YRD-2), and the uses the exchange carries (YRD-1); a scene whose own
    check reads records of the card here (a ticket sold to it) cannot make it (`own_check`)."""
    refusal = rules.use_not_offered(terminal.kind, use)
    if refusal is None:
        refusal = await application_lists.refusal(ctx, terminal.city_code, use, terminal.kind,
                                                  delta_only=True)  # fmt: skip
    if refusal is None and (use not in DELTA_USES or own_check):
        refusal = rules.not_exchanged(use)
    return refusal


# The node's answer asked before the request's write transaction (scenes.endpoints.signed_use),
# so that a slow node holds no lock; None when nothing was asked ahead.
_ASKED_AHEAD: ContextVar[StatusAnswer | None] = ContextVar("delta_answer_asked_ahead", default=None)


async def prepare_delta_question(
    ctx: Ctx, terminal: Terminal, use: SceneUse, presented: Presented
) -> delta.Prepared | StatusAnswer | None:
    """SPEC YRD-3: for another province's card that nothing here refuses first, the question to
    its node (or the answer known without asking); None when no node is to be asked. Read-only:
    the caller sends it with no transaction open, then runs the use with `asked_ahead`."""
    if not presented.from_the_delta or await _delta_refusal(ctx, terminal, use) is not None:
        return None
    return await delta.prepare(ctx, presented.issuer_region or "", presented.card_number or "",
                               DeltaUse(use.value), terminal.city_code)  # fmt: skip


@contextmanager
def asked_ahead(answer: StatusAnswer | None) -> Iterator[None]:
    """Run the use with the node's answer asked before its transaction."""
    token = _ASKED_AHEAD.set(answer)
    try:
        yield
    finally:
        _ASKED_AHEAD.reset(token)


async def _take_from_the_delta(
    ctx: Ctx, terminal: Terminal, use: SceneUse, presented: Presented, own_check: bool
) -> Taken:
    """SPEC YRD-1..3: a card of another delta province, answered by its own province's node
    (asked ahead of the transaction by the HTTP routes); only the delta's list applies to it
    (YRD-2). The use is recorded with the card's province and no card of ours."""
    region = presented.issuer_region or ""
    refusal = await _delta_refusal(ctx, terminal, use, own_check)
    foreign = None
    if refusal is None:
        foreign = _ASKED_AHEAD.get()
        if foreign is None:
            foreign = await delta.ask(ctx, region, presented.card_number or "",
                                      DeltaUse(use.value), terminal.city_code)  # fmt: skip
        else:
            await delta.record_asked(ctx, foreign, DeltaUse(use.value))
        if not foreign.allowed:
            refusal = _relayed(foreign)
    event_id = await _record(ctx, terminal, use, "card", None, None, refusal,
                             province_of(region))  # fmt: skip
    return Taken(use, "card", None, None, refusal, event_id, foreign, province_of(region))


OURS = frozenset({"delta_unreachable", "outside_delta"})  # sscard's own words, not a node's


def _relayed(said: StatusAnswer) -> Refusal:
    """Another province's refusal, said to be its node's (its "本省" is not Jiangsu)."""
    if said.code in OURS:
        return Refusal(said.code, said.reason_zh or "", said.reason_en or "", said.rule)
    code = said.province_code
    zh = f"{PROVINCE_ZH.get(code, code)}社保卡节点答复：{said.reason_zh or ''}"
    en = f"{PROVINCE_EN.get(code, code)}'s card node: {said.reason_en or ''}"
    return Refusal(said.code, zh, en, said.rule)


def _refusal_of(error: DomainError) -> Refusal:
    return Refusal(error.code, error.detail_zh, error.detail_en, error.rule)


async def _record(
    ctx: Ctx,
    terminal: Terminal,
    use: SceneUse,
    credential: str,
    card: Card | None,
    ecard_id: int | None,
    refusal: Refusal | None,
    card_province_code: str | None = None,
) -> int:
    row = {
        "operator_id": terminal.operator_id,
        "terminal_id": terminal.id,
        "at": ctx.now,
        "use": use.value,
        "credential": credential,
        "card_id": card.id if card is not None else None,
        "ecard_id": ecard_id,
        "card_city_code": card.city_code if card is not None else None,
        "card_province_code": card_province_code,
        "allowed": refusal is None,
        "refusal_code": refusal.code if refusal is not None else None,
    }
    return await repo.insert_use(ctx.conn, row)


async def answer(ctx: Ctx, terminal: Terminal, taken: Taken) -> dict[str, Any]:
    """The terminal's answer: allowed or the refusal in its language (and both), the card
    masked, and the holder's name and number, in full only where the use needs them for the
    scene's record (an identity check, a medical settlement), logged as read (SCN-1, ID-6)."""
    body: dict[str, Any] = {
        "allowed": taken.allowed,
        "use": taken.use.value,
        "credential": taken.credential,
        "use_id": taken.event_id,
        "card_number_masked": mask_number(taken.card.card_number) if taken.card else None,
        "card_city_code": taken.card.city_code if taken.card else None,
        "card_province_code": taken.province_code,
        "holder": None,
    }
    if taken.foreign is not None:
        body["card_number_masked"] = taken.foreign.card_number_masked
    if taken.refusal is not None:
        r = taken.refusal
        return body | {
            "code": r.code,
            "reason": r.reason(terminal.language),
            "reason_zh": r.reason_zh,
            "reason_en": r.reason_en,
            "rule": r.rule,
        }
    if taken.foreign is not None:  # the card's record stays in its own province (YRD-3)
        name = taken.foreign.holder_name_masked or ""
        body["holder"] = {"name": name, "social_security_number": None}
    else:
        assert taken.card is not None
        body["holder"] = await _holder(ctx, taken.card.person_id, taken.use in FULL_IDENTITY)
    return body | {"code": "ok", "reason": None, "reason_zh": None, "reason_en": None,
                   "rule": None}  # fmt: skip


async def _holder(ctx: Ctx, person_id: int, full: bool) -> dict[str, Any]:
    if not full:
        person = await registry.require_person(ctx, person_id)
        return {"name": person["name_masked"], "social_security_number": person["ssn_masked"]}
    person = await registry.credential_shown(ctx, person_id)
    return {
        "name": ctx.vault.decrypt(person["name_enc"]),
        "social_security_number": ctx.vault.decrypt(person["ssn_enc"]),
    }


async def check_identity(ctx: Ctx, terminal: Terminal, presented: Presented) -> dict[str, Any]:
    """SPEC SCN-1: a government hall or a hotel checks the card or an ecard's identity code as
    the holder's identity credential, and gets the name and number for its record."""
    taken = await take(ctx, terminal, SceneUse.IDENTITY, presented)
    return await answer(ctx, terminal, taken)


async def scene_uses(ctx: Ctx, code: str, since: datetime, days: int) -> dict[str, Any]:
    """The uses at one scene over `days` days from `since` (UTC), counted by use, credential,
    the card's city and outcome: no person in them."""
    authorize(ctx.actor, VIEW_SCENES)
    if not EARLIEST <= since.date() <= ctx.today:
        raise invalid("since", f"须在{EARLIEST}至今天之间", f"must be from {EARLIEST} to today")
    operator = await _operator(ctx, code)
    until = since + timedelta(days=days)
    rows = await repo.use_counts(ctx.conn, operator["id"], since, until)
    return {"scene": _scene_view(operator), "since": since, "until": until, "counts": rows}


# ---- offline gates (ECARD-3, item 4) ----


@dataclass(frozen=True)
class OfflineScan:
    """One code a gate scanned with no call to sscard: its text, when (the gate's clock), and
    whether the gate let the holder in."""

    qr: str
    scanned_at: datetime
    admitted: bool


async def reconcile_offline(
    ctx: Ctx, terminal: Terminal, scans: list[OfflineScan]
) -> dict[str, Any]:
    """SPEC ECARD-3: a gate that verified codes offline (the published key and status list)
    uploads what it scanned; single use is reconciled across gates and online uses. Each scan
    is `first_use`, `used_twice` (another gate, or online, took the same code), or
    `outside_validity` (scanned outside its minute), `forged` (not the platform's signature),
    or `already_uploaded` (this gate sent it before: nothing counted again). Admitted scans
    count as the scene's uses at their moment."""
    authorize(ctx.actor, USE_CARD_AT_SCENE)
    for i, scan in enumerate(scans):
        if scan.scanned_at.tzinfo is None:
            zh, en = "扫码时间须带时区", "a scan's time needs its time zone"
            raise invalid(f"scans.{i}.scanned_at", zh, en)
        if not ctx.now - timedelta(days=OFFLINE_DAYS) <= scan.scanned_at <= ctx.now + CLOCK_SKEW:
            zh = f"须在{OFFLINE_DAYS}天内且不晚于现在"
            en = f"must be within the last {OFFLINE_DAYS} days and not in the future"
            raise invalid(f"scans.{i}.scanned_at", zh, en)
    offered = rules.use_not_offered(
        terminal.kind, SceneUse.ENTRY
    ) or await application_lists.refusal(ctx, terminal.city_code, SceneUse.ENTRY, terminal.kind)
    results = [await _reconcile(ctx, terminal, scan, offered) for scan in scans]
    counts: dict[str, int] = {}
    for r in results:
        counts[r["finding"]] = counts.get(r["finding"], 0) + 1
    return {"counts": counts, "scans": results}


async def _reconcile(
    ctx: Ctx, terminal: Terminal, scan: OfflineScan, offered: Refusal | None
) -> dict[str, Any]:
    try:
        read = await ecards.read_scanned(ctx, scan.qr)
    except (ecards.QrRefused, QrUnreadable):
        return {"finding": "forged", "ecard_no": None}
    body = read.body
    ecard_no = f"{body.ecard_no:016X}"
    if read.ecard_id is None:
        return {"finding": "forged", "ecard_no": ecard_no}
    others = await repo.offline_scans_of(ctx.conn, read.ecard_id, body.nonce)
    if any(o["terminal_id"] == terminal.id for o in others):
        return {"finding": "already_uploaded", "ecard_no": ecard_no}
    moment = int(scan.scanned_at.timestamp())
    if ctx.now - scan.scanned_at > ecards.OFFLINE_UPLOAD_WINDOW:
        finding = "uploaded_too_late"  # the online uses it would be checked against are gone
    elif offered is not None:
        finding = offered.code  # a gate of a scene that may not admit by card
    elif body.scope not in rules.QR_SCOPES[SceneUse.ENTRY]:
        finding = "wrong_scope"
    elif not body.issued_at - CLOCK_SKEW.total_seconds() <= moment <= body.expires_at():
        finding = "outside_validity"
    elif others or await ecards.used_online(ctx, read.ecard_id, body.nonce):
        finding = "used_twice"
    else:
        finding = "first_use"
    await repo.insert_offline_scans(ctx.conn, [{
        "operator_id": terminal.operator_id, "terminal_id": terminal.id,
        "ecard_id": read.ecard_id, "nonce": body.nonce, "scanned_at": scan.scanned_at,
        "admitted": scan.admitted, "finding": finding, "uploaded_at": ctx.now,
    }])  # fmt: skip
    await repo.insert_use(ctx.conn, {
        "operator_id": terminal.operator_id, "terminal_id": terminal.id, "at": scan.scanned_at,
        "use": SceneUse.ENTRY.value, "credential": "ecard", "card_id": None,
        "ecard_id": read.ecard_id, "card_city_code": None,
        "allowed": scan.admitted and finding == "first_use",
        "refusal_code": None if scan.admitted and finding == "first_use" else (
            finding if finding != "first_use" else "refused_offline"),
    })  # fmt: skip
    return {"finding": finding, "ecard_no": ecard_no}
