"""The delta exchange's use cases (SPEC YRD-1..3): linking the other provinces' nodes, answering
their questions about Jiangsu cards, asking theirs about their cards, and what crossed.

Personal data stays home: a node learns whether a card may be used for what it asked, why not,
and the holder's masked name; the card number travels because the node already holds it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sscard.actors import service as actors
from sscard.cards import service as cards
from sscard.cards.entities import Card
from sscard.cards.lifecycle import CardUse, UseAnswer
from sscard.delta import client, rules
from sscard.delta import repository as repo
from sscard.delta.extensions import FILING_CHECKS
from sscard.delta.permissions import ANSWER_DELTA_QUESTION, LINK_DELTA_NODE, VIEW_DELTA
from sscard.delta.rules import JIANGSU, PEERS, STANDARD, DeltaUse, StatusAnswer
from sscard.kernel.actor import Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, Forbidden, NotFound, invalid
from sscard.kernel.masking import mask_number
from sscard.platform.outbox import service as outbox
from sscard.platform.outbox import signing
from sscard.platform.outbox.protocol import Transport
from sscard.platform.outbox.rules import check_http_url
from sscard.registry import service as registry

CARD_USE = {
    DeltaUse.IDENTITY: CardUse.IDENTITY,
    DeltaUse.MEDICAL: CardUse.MEDICAL,
    DeltaUse.ENTRY: CardUse.SCENE_ENTRY,
    DeltaUse.TICKET: CardUse.SCENE_ENTRY,
    DeltaUse.LIBRARY: CardUse.SCENE_ENTRY,
}
UNKNOWN_CARD = UseAnswer(False, "unknown_card", "本省无此社保卡", "no such Jiangsu card", "YRD-1")
REQUEST_IDS_KEPT = timedelta(days=1)  # far beyond the signature's window


def recipient(province_code: str) -> str:
    """The outbox recipient that is a province's node: YRD-31, YRD-33, YRD-34."""
    return f"YRD-{province_code}"


class NodeNotLinked(Forbidden):
    code = "delta_node_not_linked"
    message_zh = "该长三角节点未配置或已停用"
    message_en = "This delta node is not linked or is switched off"


class RequestReplayed(DomainError):
    code = "request_replayed"
    status = 409
    message_zh = "该节点已提交过此请求编号，请求被拒绝（防重放）"
    message_en = "This node sent this request id before: the request is refused (replay)"


# ---- linking ----


async def link_node(
    ctx: Ctx, province_code: str, base_url: str, renew: bool = False
) -> dict[str, Any]:
    """SPEC YRD-3: link (or re-point) another province's node: where sscard asks it, and its
    token and HMAC-SM3 key for asking sscard, both shown once: when first linked, or renewed
    (`renew`: the old token stops working, the old key is no longer accepted). Its followed
    cards' changes go to `{base_url}/yrd/v1/status-changes` through the outbox. InvalidInput
    for a province outside the delta or an address that is no http(s) URL."""
    authorize(ctx.actor, LINK_DELTA_NODE)
    if province_code not in PEERS:
        zh, en = "须为长三角其他省份：31、33或34", "must be another delta province: 31, 33 or 34"
        raise invalid("province_code", zh, en)
    base_url = _node_address(base_url)
    node = await repo.node_by_province(ctx.conn, province_code)
    shown: dict[str, Any] = {"token": None, "signing_key": None}
    values: dict[str, Any] = {"base_url": base_url, "active": True}
    if node is None or renew:
        secret = secrets.token_bytes(signing.SECRET_BYTES)
        name = f"长三角节点 {rules.PROVINCE_ZH[province_code]} YRD node {province_code}"
        actor_id, token = await actors.system_actor(ctx, Role.DELTA_NODE, name, None)
        values |= {"actor_id": actor_id, "secret_enc": ctx.vault.encrypt(secret)}
        shown = {"token": token, "signing_key": secret.hex()}
    else:
        secret = ctx.vault.decrypt_bytes(node["secret_enc"])
    if node is None:
        await repo.insert_node(
            ctx.conn, {"province_code": province_code, "linked_at": ctx.now, **values}
        )
    else:
        if renew:
            await actors.switch_off(ctx, node["actor_id"])
        await repo.update_node(ctx.conn, node["id"], values)
    await outbox.set_endpoint(
        ctx,
        recipient(province_code),
        Transport.HTTP,
        f"{base_url}/yrd/v1/status-changes",
        None,
        secret,
    )
    return {**_node_view(await _node(ctx, province_code)), **shown}


# The address is the node's base: the standard's paths are added to it.
ADDRESS_MAX = 256 - len("/yrd/v1/status-changes")


def _node_address(given: str) -> str:
    """A node's base address: http(s), a host and a port that are valid, no credentials (they
    would be shown and logged), no query or fragment (the paths are appended); InvalidInput
    naming base_url otherwise."""
    address = given.strip().rstrip("/")
    zh = f"须为不超过{ADDRESS_MAX}个字符的http(s)地址，不含用户名密码、查询串或片段"
    en = (
        f"must be an http(s) address of at most {ADDRESS_MAX} characters, without credentials, "
        "query or fragment"
    )
    try:
        check_http_url("base_url", address)
        parts = urlsplit(address)
        port = parts.port
    except (DomainError, ValueError):
        raise invalid("base_url", zh, en) from None
    if len(address) > ADDRESS_MAX or parts.username or parts.password or "@" in parts.netloc:
        raise invalid("base_url", zh, en)
    if parts.query or parts.fragment or "?" in address or "#" in address or "\\" in address:
        raise invalid("base_url", zh, en)
    if port is not None and not 0 < port < 65536:
        raise invalid("base_url", zh, en)
    return address


async def _node(ctx: Ctx, province_code: str) -> dict[str, Any]:
    node = await repo.node_by_province(ctx.conn, province_code)
    if node is None:
        raise NotFound(field="province_code", what_zh="长三角节点", what_en="Delta node")
    return node


def _node_view(node: Mapping[str, Any]) -> dict[str, Any]:
    code = node["province_code"]
    return {
        "province_code": code,
        "province_zh": rules.PROVINCE_ZH[code],
        "province_en": rules.PROVINCE_EN[code],
        "base_url": node["base_url"],
        "active": node["active"],
        "linked_at": node["linked_at"],
    }


# ---- answering a node ----


@dataclass(frozen=True)
class Node:
    id: int
    province_code: str
    secret: bytes


async def authenticate(
    ctx: Ctx, headers: Mapping[str, str], body: bytes, tolerance_seconds: int
) -> Node:
    """The node behind the token, once its signature over the exact body holds
    (SignatureRefused otherwise); NodeNotLinked for a node switched off."""
    authorize(ctx.actor, ANSWER_DELTA_QUESTION)
    row = await repo.node_of_actor(ctx.conn, ctx.actor.id or 0)
    if row is None or not row["active"]:
        raise NodeNotLinked()
    secret = ctx.vault.decrypt_bytes(row["secret_enc"])
    signing.verify(secret, headers, body, ctx.now, tolerance_seconds)
    return Node(row["id"], row["province_code"], secret)


async def remember_request(ctx: Ctx, node: Node, request_id: str) -> None:
    """A node's question is taken once: RequestReplayed for an id it sent before."""
    row = {"node_id": node.id, "request_id": request_id, "seen_at": ctx.now}
    if not await repo.remember_request(ctx.conn, row):
        raise RequestReplayed(field="request_id")


async def forget_old_requests(ctx: Ctx) -> int:
    """Forget request ids older than a day (the signature refuses them anyway)."""
    return await repo.forget_requests_before(ctx.conn, ctx.now - REQUEST_IDS_KEPT)


@dataclass(frozen=True)
class Question:
    """A node's question: may this Jiangsu card be used for `use` at a place (a city code of
    the asking province, GB/T 2260 four digits)."""

    request_id: str
    card_number: str
    use: DeltaUse
    place_city_code: str
    asking_province: str


async def answer_question(ctx: Ctx, node: Node, question: Question) -> dict[str, Any]:
    """SPEC YRD-1, LOSS-5, MED-1: the card's one answer for the use (and, for medical, a filing
    in force for the place), the card masked, the holder's name masked; the card is followed
    by the node from now on. An unknown number is an answer too (known: false)."""
    authorize(ctx.actor, ANSWER_DELTA_QUESTION)
    if question.asking_province != node.province_code:
        raise invalid(
            "asking_province", "须为提问节点本省代码", "must be the asking node's province"
        )
    if question.place_city_code[:2] != node.province_code:
        zh = "须为提问省份的城市代码"
        en = "must be a city of the asking province"
        raise invalid("place_code", zh, en)
    try:
        card = await cards.find(ctx, question.card_number)
    except NotFound:
        await _record(ctx, node, "asked_us", question.use, None, "unknown_card")
        return _answer(question, None, None, UNKNOWN_CARD)
    said = await _may_use(ctx, card, question)
    await repo.follow(ctx.conn, node.id, card.id, ctx.now)
    await _record(ctx, node, "asked_us", question.use, card.id, said.code)
    person = await registry.require_person(ctx, card.person_id)
    return _answer(question, card, person["name_masked"], said)


async def _may_use(ctx: Ctx, card: Card, question: Question) -> UseAnswer:
    said = cards.use_answer(ctx, card, CARD_USE[question.use])
    if not said.allowed or question.use is not DeltaUse.MEDICAL:
        return said
    for check in FILING_CHECKS:
        refused = await check(ctx, card, question.place_city_code)
        if refused is not None:
            return refused
    return said


def _answer(q: Question, card: Card | None, name: str | None, said: UseAnswer) -> dict[str, Any]:
    return {
        "standard": STANDARD,
        "request_id": q.request_id,
        "province_code": JIANGSU,
        "known": card is not None,
        "use": q.use.value,
        "allowed": said.allowed,
        "code": said.code,
        "reason_zh": None if said.allowed else said.reason_zh,
        "reason_en": None if said.allowed else said.reason_en,
        "rule": None if said.allowed else said.rule,
        "card_number_masked": mask_number(card.card_number) if card else None,
        "holder_name_masked": name,
    }


async def _record(
    ctx: Ctx, node: Node | int, direction: str, use: DeltaUse, card_id: int | None, code: str
) -> None:
    node_id = node if isinstance(node, int) else node.id
    row = {
        "node_id": node_id,
        "direction": direction,
        "use": use.value,
        "card_id": card_id,
        "answer_code": code,
        "at": ctx.now,
    }
    await repo.insert_question(ctx.conn, row)


# ---- asking a node ----


@dataclass(frozen=True)
class Prepared:
    """A question ready to go to a node: read from the database in a transaction, sent with
    none open (`send`), so that a slow node holds no lock (YRD-3)."""

    province_code: str
    base_url: str
    secret: bytes
    question: dict[str, Any]


async def prepare(
    ctx: Ctx, issuer_region: str, card_number: str, use: DeltaUse, place_city_code: str
) -> Prepared | StatusAnswer:
    """The question to the card's own province about `use` at a Jiangsu place, or the answer
    already known without asking: a card from outside the delta, a node not linked."""
    province = rules.province_of(issuer_region)
    if province not in PEERS:
        return rules.not_a_peer(province)
    node = await repo.node_by_province(ctx.conn, province)
    if node is None or not node["active"]:
        return rules.unreachable(province, "not linked")
    question = {
        "standard": STANDARD,
        "request_id": uuid.uuid4().hex,
        "asking_province": JIANGSU,
        "card_number": card_number.upper(),
        "issuer_region": issuer_region,
        "use": use.value,
        "place_code": place_city_code,
    }
    secret = ctx.vault.decrypt_bytes(node["secret_enc"])
    return Prepared(province, node["base_url"], secret, question)


async def send(prepared: Prepared, now: datetime) -> StatusAnswer:
    """SPEC YRD-1, YRD-3: the node's answer to the prepared question; anything it cannot be
    believed for (no answer within the deadline, no signature, another question's answer,
    text out of shape) is `delta_unreachable`, a refusal, never an allowance. No database."""
    try:
        body = await client.ask(prepared.base_url, prepared.secret, prepared.question, now)
        return rules.read_answer(prepared.province_code, body, prepared.question)
    except (client.NodeUnreachable, rules.NotTheStandard) as no:
        return rules.unreachable(prepared.province_code, str(no))


async def record_asked(ctx: Ctx, said: StatusAnswer, use: DeltaUse) -> None:
    """What a linked node answered a Jiangsu scene, counted (no card: it is not ours)."""
    node = await repo.node_by_province(ctx.conn, said.province_code)
    if node is not None:
        await _record(ctx, node["id"], "we_asked", use, None, said.code)


async def ask(
    ctx: Ctx, issuer_region: str, card_number: str, use: DeltaUse, place_city_code: str
) -> StatusAnswer:
    """prepare, send and record in one: for a caller that holds no write lock (a read-only
    transaction). The scenes' HTTP routes prepare and send before their write transaction."""
    prepared = await prepare(ctx, issuer_region, card_number, use, place_city_code)
    said = prepared if isinstance(prepared, StatusAnswer) else await send(prepared, ctx.now)
    await record_asked(ctx, said, use)
    return said


# ---- what crossed ----


async def overview(ctx: Ctx, days: int = 30) -> dict[str, Any]:
    """The linked nodes, the questions of the last `days` days both ways by use and answer,
    and how many Jiangsu cards each province follows: counts, no card."""
    authorize(ctx.actor, VIEW_DELTA)
    if not 1 <= days <= 366:
        raise invalid("days", "须为1至366", "must be 1 to 366")
    since = ctx.now - timedelta(days=days)
    return {
        "standard": STANDARD,
        "days": days,
        "nodes": [_node_view(n) for n in await repo.nodes(ctx.conn)],
        "questions": await repo.question_counts(ctx.conn, since),
        "followed_cards": await repo.followed_count(
            ctx.conn, ctx.now - timedelta(days=rules.FOLLOWED_DAYS)
        ),
    }
