"""Unit channel use cases (issue 13 items 5 and 6; SPEC APP-3, ID-1..4, APP-5, APP-6, CH-1):
register a unit at an outlet, name and end its agents, upload a batch of members and read its
per-row result.

A batch is judged row by row and set-based: the file is read (workbook.read_upload), every row
checked on its own (rules.read_member), the registry's facts for all members read in a few
queries, each row judged (rules.judge_member), and the accepted rows become applications in one
call (applications.service.accept_batch). A batch up to INLINE_ROWS rows is judged in the
upload's own transaction; a larger one is stored as `received` with its file sealed and judged
by the worker (tasks.py) in one transaction of its own: a crash rolls that transaction back and
the batch, still `received` with its file, is judged again — all there or not at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from sscard.actors.staff import service as staff
from sscard.applications import service as applications
from sscard.applications.lifecycle import RepresentativeRole
from sscard.kernel import masking
from sscard.kernel.actor import Actor, Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, NotFound, invalid, visible_or_not_found
from sscard.kernel.memory import collector_paused
from sscard.platform import sequences
from sscard.platform.history import Change, record
from sscard.platform.paging import next_cursor
from sscard.registry.documents import (
    DocumentType,
    IdentityDocument,
    examine_document,
    validate_uscc,
)
from sscard.registry.reference.service import actor_outlet, outlet_by_id, policy_on
from sscard.registry.representatives import sealed_representative
from sscard.units import repository as repo
from sscard.units import rules, workbook
from sscard.units.permissions import (
    END_UNIT_AGENT,
    LIST_UNITS,
    NAME_UNIT_AGENT,
    PROCESS_UNIT_BATCHES,
    REGISTER_UNIT,
    UPLOAD_UNIT_BATCH,
    VIEW_BATCH_RESULT,
    VIEW_UNIT,
)
from sscard.units.rules import BatchStatus, Delivery, MemberRow, RowRefusal, UnitBasis, UnitKind

UNIT: Final = "unit"
BATCH: Final = "unit_batch"
# Rows judged in the upload's own request; a larger file waits for the worker (a few seconds).
INLINE_ROWS: Final = 2_000
# SPEC APP-3: done within 30 days — calendar days, as the city policy's unit_batch_days says.
CALENDAR_DAYS: Final = "calendar"


class UnitAlreadyRegistered(DomainError):
    code = "unit_already_registered"
    status = 409
    rule = "APP-3"
    message_zh = "统一社会信用代码为{code}的单位已在{outlet}登记"
    message_en = "The unit with credit code {code} is already registered at {outlet}"


class UnitNotRegistered(DomainError):
    code = "unit_not_registered"
    status = 404
    rule = "APP-3"
    message_zh = "您的单位尚未在经办网点登记，不能批量申领"
    message_en = "Your unit is not registered at an outlet; it cannot apply in batch"


class AgentAlreadyEnded(DomainError):
    code = "agent_already_ended"
    status = 409
    rule = "APP-3"
    message_zh = "该经办人已停用"
    message_en = "This agent has already been ended"


# ---- units (item 5) ----


@dataclass(frozen=True)
class UnitRegistration:
    """A unit as its agent presents it at the outlet (APP-3): the credit code (the unit's, or
    the authorising unit's with a letter of authorisation), name and kind."""

    credit_code: str
    name: str
    kind: UnitKind
    basis: UnitBasis
    letter_reference: str | None = None


async def register_unit(ctx: Ctx, reg: UnitRegistration) -> dict[str, Any]:
    """SPEC APP-3: register a unit at the clerk's outlet (its city is the outlet's). The credit
    code is checked (GB 32100, ID-2); a letter of authorisation needs its reference. Raises
    InvalidCreditCode, LetterReferenceRequired, UnitAlreadyRegistered (409)."""
    authorize(ctx.actor, REGISTER_UNIT)
    outlet = await actor_outlet(ctx, REGISTER_UNIT)
    try:
        code = validate_uscc(reg.credit_code, "credit_code")
    except DomainError as bad:
        bad.field = "credit_code"  # the API's name of the field
        raise
    name = rules.check_unit_name(reg.name)
    letter = rules.check_letter(reg.basis, reg.letter_reference)
    existing = await repo.unit_by_code(ctx.conn, code)
    if existing is not None:
        raise UnitAlreadyRegistered(field="credit_code", code=code, outlet=existing["outlet_name"])
    unit_id = await repo.insert_unit(
        ctx.conn,
        {
            "credit_code": code,
            "name": name,
            "kind": reg.kind.value,
            "basis": reg.basis.value,
            "letter_reference": letter,
            "city_code": outlet.city_code,
            "outlet_id": outlet.id,
            "active": True,
            "registered_at": ctx.now,
        },
    )
    await record(ctx.conn, ctx.actor, ctx.now, Change(UNIT, unit_id, "registered", None, "active"))
    return await view_unit(ctx, code)


def may_see_unit(actor: Actor, unit: dict[str, Any]) -> bool:
    """Who sees a unit: its registering outlet's clerks, its city's centre, the province, and
    its own agents (SPEC CH-1)."""
    if actor.role is Role.UNIT_AGENT:
        return actor.unit_code == unit["credit_code"]
    if actor.role is Role.OUTLET_CLERK:
        return actor.outlet_id == unit["outlet_id"]
    if actor.role is Role.CENTRE_ADMIN:
        return actor.city_code == unit["city_code"]
    return actor.role is Role.PROVINCE_ADMIN


async def _unit(ctx: Ctx, code: str) -> dict[str, Any]:
    found = await repo.unit_by_code(ctx.conn, code.strip().upper()[:18])
    return visible_or_not_found(
        found,
        lambda u: may_see_unit(ctx.actor, u),
        field="credit_code",
        what_zh="单位",
        what_en="Unit",
    )


async def view_unit(ctx: Ctx, code: str) -> dict[str, Any]:
    """A unit with its agents, masked (ID-6); NotFound for a unit the actor may not see."""
    authorize(ctx.actor, VIEW_UNIT)
    unit = await _unit(ctx, code)
    agents = await repo.agents_of(ctx.conn, unit["id"])
    return {**unit_summary(unit), "agents": [agent_view(a) for a in agents]}


async def own_unit(ctx: Ctx) -> dict[str, Any]:
    """The signed-in agent's unit (UNIT_AGENT only), with its agents."""
    authorize(ctx.actor, UPLOAD_UNIT_BATCH)
    unit = await repo.unit_by_code(ctx.conn, ctx.actor.unit_code or "")
    if unit is None:
        raise UnitNotRegistered(field="unit_code")
    return await view_unit(ctx, unit["credit_code"])


def unit_summary(unit: dict[str, Any]) -> dict[str, Any]:
    kind = UnitKind(unit["kind"])
    return {
        "credit_code": unit["credit_code"],
        "name": unit["name"],
        "kind": kind.value,
        "kind_zh": kind.label_zh,
        "basis": unit["basis"],
        "letter_reference": unit["letter_reference"],
        "city_code": unit["city_code"],
        "outlet_code": unit["outlet_code"],
        "outlet_name": unit["outlet_name"],
        "active": unit["active"],
        "registered_at": unit["registered_at"],
    }


def agent_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name_masked"],
        "document_type": row["doc_type"],
        "document_number": row["number_masked"],
        "phone": row["phone_masked"],
        "active": row["active"],
        "named_at": row["named_at"],
        "ended_at": row["ended_at"],
    }


async def list_units(
    ctx: Ctx, after_id: int = 0, limit: int = 100
) -> tuple[list[dict[str, Any]], int | None]:
    """Units the actor may see: a clerk its outlet's, a city's centre its city's, the
    province all; keyset-paged by id."""
    authorize(ctx.actor, LIST_UNITS)
    outlet_id = ctx.actor.outlet_id if ctx.actor.role is Role.OUTLET_CLERK else None
    city = ctx.actor.city_code if ctx.actor.role is Role.CENTRE_ADMIN else None
    rows = await repo.list_units(
        ctx.conn, outlet_id=outlet_id, city_code=city, after_id=after_id, limit=limit
    )
    return [unit_summary(r) for r in rows], next_cursor(rows, limit)


@dataclass(frozen=True)
class AgentNaming:
    """An agent named by the unit (APP-3): their name, identity document (examined as a
    representative's, ID-1/2), mobile phone and the sign-in name of their account."""

    name: str
    document: IdentityDocument
    phone: str
    username: str


async def name_agent(ctx: Ctx, code: str, naming: AgentNaming) -> dict[str, Any]:
    """Name an agent of a unit registered at the clerk's outlet: stored sealed (ID-6), with a
    console account of role unit_agent bound to the unit. Returns the agent (masked) with the
    account's username and one-time initial password, shown once (TOTP enrolled at the first
    sign-in, as for staff)."""
    authorize(ctx.actor, NAME_UNIT_AGENT)
    await actor_outlet(ctx, NAME_UNIT_AGENT)
    unit = await _unit(ctx, code)
    name = " ".join(naming.name.split())
    if not name or len(name) > 50 or masking.personal_number_kind(name):
        raise invalid("name", "须为1至50个字符的姓名", "must be a name of 1 to 50 characters")
    facts = examine_document(naming.document, today=ctx.today, field="document")
    phone = rules.check_mobile(naming.phone)
    display = f"{unit['name'][:40]} 经办人 {masking.mask_name(name)}"
    account_id, actor_id, password = await staff.create_unit_agent_account(
        ctx, naming.username, display, unit["credit_code"], unit["city_code"]
    )
    agent_id = await repo.insert_agent(
        ctx.conn,
        {
            "unit_id": unit["id"],
            **sealed_representative(ctx.vault, name, naming.document.type.value, facts.number),
            **ctx.vault.seal("phone", phone, mask=masking.mask_phone),
            "actor_id": actor_id,
            "active": True,
            "named_at": ctx.now,
            "ended_at": None,
        },
    )
    await record(
        ctx.conn, ctx.actor, ctx.now, Change("unit_agent", agent_id, "named", None, "active")
    )
    row = await repo.agent(ctx.conn, unit["id"], agent_id)
    assert row is not None
    return {
        **agent_view(row),
        "account_id": account_id,
        "username": naming.username.strip().lower(),
        "initial_password": password,
    }


async def end_agent(ctx: Ctx, code: str, agent_id: int) -> dict[str, Any]:
    """End an agent (left the unit): the record stays, the account signs in no more."""
    authorize(ctx.actor, END_UNIT_AGENT)
    await actor_outlet(ctx, END_UNIT_AGENT)
    unit = await _unit(ctx, code)
    row = await repo.agent(ctx.conn, unit["id"], agent_id)
    if row is None:
        raise NotFound(field="agent_id", what_zh="经办人", what_en="Agent")
    if not await repo.end_agent(ctx.conn, agent_id, ctx.now):
        raise AgentAlreadyEnded(field="agent_id")
    if row["actor_id"] is not None:
        await staff.close_unit_agent_account(ctx, row["actor_id"])
    await record(
        ctx.conn, ctx.actor, ctx.now, Change("unit_agent", agent_id, "ended", "active", "ended")
    )
    ended = await repo.agent(ctx.conn, unit["id"], agent_id)
    assert ended is not None
    return agent_view(ended)


# ---- batches (item 6) ----


@dataclass(frozen=True)
class BatchUpload:
    """A file of members and the terms the agent chose for all of them (APP-3, APP-6)."""

    file_name: str
    data: bytes
    bank_code: str
    delivery: Delivery = Delivery.UNIT_AGENT


def registration_form() -> bytes:
    """The template workbook 江苏省社会保障卡申领登记表 (no personal data)."""
    return workbook.template()


async def template_for(ctx: Ctx) -> bytes:
    """The template, for an agent (the portal offers it)."""
    authorize(ctx.actor, UPLOAD_UNIT_BATCH)
    return registration_form()


def authorize_upload(ctx: Ctx) -> None:
    """Refuse an actor who may not upload before its file is read (SPEC CH-1)."""
    authorize(ctx.actor, UPLOAD_UNIT_BATCH)


def _file_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if ch.isprintable())
    return (clean or "upload")[:128]


async def upload_batch(ctx: Ctx, upload: BatchUpload) -> dict[str, Any]:
    """SPEC APP-3: the agent's file of members with one cooperating bank of the unit's city for
    all (APP-6). A file that cannot be read as the form is refused whole and nothing is stored
    (workbook's refusals); otherwise a batch is stored and every row judged on its own — here
    for up to INLINE_ROWS rows (status validated), else by the worker (status received, then
    validated). Returns the batch as view_batch does."""
    authorize(ctx.actor, UPLOAD_UNIT_BATCH)
    unit = await repo.unit_by_code(ctx.conn, ctx.actor.unit_code or "")
    if unit is None or not unit["active"]:
        raise UnitNotRegistered(field="unit_code")
    outlet = await outlet_by_id(ctx, unit["outlet_id"])
    assert outlet is not None  # a unit's outlet is a foreign key
    await applications.check_bank(ctx, outlet, upload.bank_code)
    with collector_paused():
        parsed = workbook.read_upload(upload.data)
    policy = await policy_on(ctx, unit["city_code"])
    seq = (await sequences.take(ctx.conn, "unit_batch_reference"))[0]
    reference = sequences.reference_number("PC", unit["city_code"], ctx.today, seq)
    inline = len(parsed.rows) <= INLINE_ROWS
    batch_id = await repo.insert_batch(
        ctx.conn,
        {
            "reference": reference,
            "unit_id": unit["id"],
            "agent_actor_id": ctx.actor.id,
            "bank_code": upload.bank_code,
            "city_code": unit["city_code"],
            "outlet_id": unit["outlet_id"],
            "delivery": upload.delivery.value,
            "file_name": _file_name(upload.file_name),
            "file_kind": parsed.kind,
            "file_sha256": hashlib.sha256(upload.data).hexdigest(),
            "status": BatchStatus.RECEIVED.value,
            "rows_total": len(parsed.rows),
            "rows_accepted": 0,
            "rows_refused": 0,
            "accepted_on": ctx.today,
            "due_date": ctx.today + timedelta(days=policy.unit_batch_days),
            "uploaded_at": ctx.now,
            "finished_at": None,
            "file_enc": None if inline else ctx.vault.encrypt(upload.data),
        },
    )
    await record(
        ctx.conn, ctx.actor, ctx.now, Change(BATCH, batch_id, "uploaded", None, "received")
    )
    if inline:
        await judge_batch(ctx, batch_id, unit, upload.bank_code, parsed.rows)
    return await view_batch(ctx, reference)


# What the worker is doing with a batch, for the upload page's progress (this process only).
PROGRESS: dict[str, str] = {}


async def judge_batch(
    ctx: Ctx, batch_id: int, unit: dict[str, Any], bank_code: str, rows: Sequence[MemberRow]
) -> tuple[int, int]:
    """Judge every row of a stored batch and accept the good ones (SPEC APP-3), set-based:
    a handful of queries for the whole batch, however many rows. Returns (accepted, refused)."""
    with collector_paused():
        return await _judge_batch(ctx, batch_id, unit, bank_code, rows)


async def _judge_batch(
    ctx: Ctx, batch_id: int, unit: dict[str, Any], bank_code: str, rows: Sequence[MemberRow]
) -> tuple[int, int]:
    outlet = await outlet_by_id(ctx, unit["outlet_id"])
    assert outlet is not None
    policy = await policy_on(ctx, unit["city_code"])
    today = ctx.today
    due = today + timedelta(days=policy.unit_batch_days)  # APP-3: calendar days
    verdicts: dict[int, rules.Verdict | RowRefusal] = {}
    members: list[rules.Member] = []
    first_of: dict[tuple[str, str], int] = {}
    for row in rows:
        read = rules.read_member(row, today)
        if isinstance(read, RowRefusal):
            verdicts[row.row_number] = read
        elif read.key in first_of:
            verdicts[row.row_number] = rules.duplicate_refusal(first_of[read.key])
        else:
            first_of[read.key] = row.row_number
            members.append(read)
    index = {m.row_number: ctx.vault.index(m.number) for m in members}
    person_of = await _persons(ctx, members, index)
    facts = await _facts(ctx, sorted(set(person_of.values())))
    accepted: list[rules.Member] = []

    def judged() -> Iterator[applications.BatchMember]:
        """Each member judged as the applications stream in (APP-3): the database stores
        one while the next is judged."""
        first_person: dict[int, int] = {}
        for m in members:
            pid = person_of.get(m.row_number)
            if pid is not None and pid in first_person:
                verdicts[m.row_number] = rules.duplicate_refusal(first_person[pid])
                continue
            if pid is not None:
                first_person[pid] = m.row_number
            verdict = rules.judge_member(m, facts(pid) if pid else None, policy, today)
            verdicts[m.row_number] = verdict
            if isinstance(verdict, rules.Verdict):
                accepted.append(m)
                yield applications.BatchMember(verdict.person_id, _guardian(verdict))

    terms = applications.BatchTerms(outlet, bank_code, policy, due)
    candidates = len(set(person_of.values()))
    stream = judged()
    made = await applications.accept_batch(ctx, terms, stream, candidates)
    # accept_batch stores every member it is given: what is left here is only refused rows
    assert next(stream, None) is None
    app_of = {m.row_number: app_id for m, (app_id, _) in zip(accepted, made, strict=True)}
    member_of = {m.row_number: m for m in members}
    result_rows = (
        _result_row(ctx, batch_id, row, verdicts[row.row_number], member_of, index, app_of)
        for row in rows
    )
    await repo.insert_rows(ctx.conn, result_rows)
    refused = len(rows) - len(accepted)
    await repo.update_batch(
        ctx.conn,
        batch_id,
        status=BatchStatus.VALIDATED.value,
        rows_total=len(rows),
        rows_accepted=len(accepted),
        rows_refused=refused,
        accepted_on=today,
        due_date=due,
        finished_at=ctx.now,
        file_enc=None,
    )
    change = Change(
        BATCH, batch_id, "validated", "received", "validated", f"{len(accepted)}/{len(rows)}"
    )
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return len(accepted), refused


def _guardian(verdict: rules.Verdict) -> applications.RepresentativeInput | None:
    g = verdict.guardian
    if g is None:
        return None
    return applications.RepresentativeInput(
        RepresentativeRole.GUARDIAN,
        g.relationship,
        g.name,
        IdentityDocument(g.document_type, g.number),
        g.proof,
    )


# Documents whose number is the holder's citizen number, which is also their social security
# number: a person registered with another of them is still found.
_CITIZEN_NUMBER_DOCUMENTS: Final = frozenset(
    {
        DocumentType.RESIDENT_ID,
        DocumentType.TEMPORARY_RESIDENT_ID,
        DocumentType.HOUSEHOLD_REGISTER,
        DocumentType.SOCIAL_SECURITY_CARD,
    }
)


async def _persons(ctx: Ctx, members: list[rules.Member], index: dict[int, str]) -> dict[int, int]:
    """row number -> person id, by the document on record (one query per document type and
    chunk), then by social security number for citizen-number documents."""
    found: dict[int, int] = {}
    by_type: dict[DocumentType, list[rules.Member]] = {}
    for m in members:
        by_type.setdefault(m.document_type, []).append(m)
    for doc_type, group in by_type.items():
        hits = await repo.persons_by_document(
            ctx.conn, doc_type.value, [index[m.row_number] for m in group]
        )
        for m in group:
            pid = hits.get(index[m.row_number])
            if pid is not None:
                found[m.row_number] = pid
    rest = [
        m
        for m in members
        if m.row_number not in found and m.document_type in _CITIZEN_NUMBER_DOCUMENTS
    ]
    if rest:
        hits = await repo.persons_by_ssn(ctx.conn, [index[m.row_number] for m in rest])
        for m in rest:
            pid = hits.get(index[m.row_number])
            if pid is not None:
                found[m.row_number] = pid
    return found


async def _facts(ctx: Ctx, person_ids: list[int]) -> Callable[[int], rules.PersonFacts | None]:
    """The registry's facts for every person of the batch, read set-based in one query; each
    person's are built (the name unsealed) only when the person is judged."""
    rows = {r["id"]: r for r in await repo.person_facts(ctx.conn, person_ids)}
    decrypt = ctx.vault.decrypt

    def facts(person_id: int) -> rules.PersonFacts | None:
        r = rows.get(person_id)
        if r is None:
            return None
        return rules.PersonFacts(
            person_id=r["id"],
            name=decrypt(r["name_enc"]),
            gender=r["gender"],
            birth_date=r["birth_date"],
            full_capacity=r["civil_capacity"] == "full",
            has_photo=bool(r["has_photo"]),
            live_card_number=r["live_card"],
            open_reference=r["open_reference"],
        )

    return facts


def _result_row(
    ctx: Ctx,
    batch_id: int,
    row: MemberRow,
    verdict: rules.Verdict | RowRefusal,
    member_of: dict[int, rules.Member],
    index: dict[int, str],
    app_of: dict[int, int],
) -> dict[str, Any]:
    member = member_of.get(row.row_number)
    name = row.get("name")
    number = member.number if member else row.get("document_number")
    base = {
        "batch_id": batch_id,
        "row_number": row.row_number,
        "name_masked": rules.masked_name(name) if name else None,
        "number_masked": rules.masked_number(number) if number else None,
        "number_index": index.get(row.row_number),
    }
    if isinstance(verdict, rules.Verdict):
        return {
            **base,
            "outcome": "accepted",
            "refusal_code": None,
            "refusal_field": None,
            "refusal_zh": None,
            "refusal_en": None,
            "application_id": app_of[row.row_number],
            "photo_pending": verdict.photo_pending,
            "row_enc": None,
        }
    return {
        **base,
        "outcome": "refused",
        "refusal_code": verdict.code[:48],
        "refusal_field": verdict.field[:48],
        "refusal_zh": verdict.zh[:200],
        "refusal_en": verdict.en[:200],
        "application_id": None,
        "photo_pending": False,
        "row_enc": ctx.vault.encrypt(workbook.seal_cells(row)),
    }


async def process_waiting(ctx: Ctx) -> str | None:
    """Judge the oldest batch waiting for the worker, in this transaction, as its uploading
    agent (history names them, channel unit_batch); the batch's reference, or None when none
    waits. A file that cannot be read after all ends the batch `failed` with the code."""
    authorize(ctx.actor, PROCESS_UNIT_BATCHES)
    batch = await repo.claim_received(ctx.conn, BatchStatus.RECEIVED.value)
    if batch is None:
        return None
    found = await repo.batch_by_reference(ctx.conn, batch["reference"])
    assert found is not None
    unit = await repo.unit_by_code(ctx.conn, found["credit_code"])
    assert unit is not None
    agent = Actor(
        id=batch["agent_actor_id"],
        role=Role.UNIT_AGENT,
        display_name="单位经办人（批量申领）",
        unit_code=unit["credit_code"],
        city_code=unit["city_code"],
    )
    as_agent = dataclasses.replace(ctx, actor=agent)
    PROGRESS[batch["reference"]] = "reading"
    try:
        try:
            parsed = workbook.read_upload(ctx.vault.decrypt_bytes(batch["file_enc"] or b""))
        except DomainError as bad:
            await repo.update_batch(
                ctx.conn,
                batch["id"],
                status=BatchStatus.FAILED.value,
                failure_code=bad.code,
                file_enc=None,
                finished_at=ctx.now,
            )
            return str(batch["reference"])
        PROGRESS[batch["reference"]] = "judging"
        await judge_batch(as_agent, batch["id"], unit, batch["bank_code"], parsed.rows)
    finally:
        PROGRESS.pop(batch["reference"], None)
    return str(batch["reference"])


# ---- reading a batch ----


async def _batch(ctx: Ctx, reference: str) -> dict[str, Any]:
    found = await repo.batch_by_reference(ctx.conn, reference.strip().upper()[:32])
    if found is not None:
        unit = await repo.unit_by_code(ctx.conn, found["credit_code"])
        if unit is None or not may_see_unit(ctx.actor, unit):
            found = None
    if found is None:
        raise NotFound(field="reference", what_zh="批量申领", what_en="Batch")
    return found


def batch_summary(b: dict[str, Any]) -> dict[str, Any]:
    return {
        "reference": b["reference"],
        "unit": {"credit_code": b.get("credit_code"), "name": b.get("unit_name")},
        "bank_code": b["bank_code"],
        "delivery": b["delivery"],
        "file_name": b["file_name"],
        "file_kind": b["file_kind"],
        "status": b["status"],
        "rows_total": b["rows_total"],
        "rows_accepted": b["rows_accepted"],
        "rows_refused": b["rows_refused"],
        "accepted_on": b["accepted_on"],
        "due_date": b["due_date"],
        "due_counted_in": CALENDAR_DAYS,
        "uploaded_at": b["uploaded_at"],
        "finished_at": b["finished_at"],
        "failure_code": b["failure_code"],
        "progress": PROGRESS.get(b["reference"]),
    }


async def view_batch(ctx: Ctx, reference: str) -> dict[str, Any]:
    """A batch's summary: status, counts, due date (calendar days, APP-3)."""
    authorize(ctx.actor, VIEW_BATCH_RESULT)
    return batch_summary(await _batch(ctx, reference))


async def batches_of_unit(
    ctx: Ctx, code: str | None, before_id: int = 0, limit: int = 50
) -> tuple[list[dict[str, Any]], int | None]:
    """A unit's batches, newest first (an agent's own unit when `code` is None)."""
    authorize(ctx.actor, VIEW_BATCH_RESULT)
    unit = await _unit(ctx, code or ctx.actor.unit_code or "")
    rows = await repo.batches_of(ctx.conn, unit["id"], before_id, limit)
    named = [{**r, "credit_code": unit["credit_code"], "unit_name": unit["name"]} for r in rows]
    return [batch_summary(r) for r in named], next_cursor(rows, limit)


def row_view(r: dict[str, Any]) -> dict[str, Any]:
    refusal = None
    if r["outcome"] != "accepted":
        column = rules.COLUMN_BY_KEY.get(r["refusal_field"] or "")
        refusal = {
            "code": r["refusal_code"],
            "field": r["refusal_field"],
            "column_zh": column.zh if column else r["refusal_field"],
            "message_zh": r["refusal_zh"],
            "message_en": r["refusal_en"],
        }
    return {
        "row_number": r["row_number"],
        "outcome": r["outcome"],
        "name": r["name_masked"],
        "document_number": r["number_masked"],
        "application_reference": r["application_reference"],
        "photo_pending": r["photo_pending"],
        "refusal": refusal,
    }


async def batch_rows(
    ctx: Ctx, reference: str, after_row: int = 0, limit: int = 100, refused_only: bool = False
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of a batch's per-row results, by row number (masked, ID-6)."""
    authorize(ctx.actor, VIEW_BATCH_RESULT)
    batch = await _batch(ctx, reference)
    rows = await repo.rows_of(
        ctx.conn, batch["id"], after_row=after_row, limit=limit, refused_only=refused_only
    )
    return [row_view(r) for r in rows], next_cursor(rows, limit, key=lambda r: r["row_number"])


async def result_workbook(ctx: Ctx, reference: str) -> tuple[str, bytes]:
    """The per-row result as an .xlsx (file name, bytes): the refused rows as uploaded with
    their reasons, to fix and upload again, then every row's outcome (masked)."""
    authorize(ctx.actor, VIEW_BATCH_RESULT)
    batch = await _batch(ctx, reference)
    results: list[workbook.ResultRow] = []
    after = 0
    while True:
        page = await repo.rows_of(
            ctx.conn, batch["id"], after_row=after, limit=10_000, refused_only=False
        )
        for r in page:
            cells = (
                workbook.open_cells(ctx.vault.decrypt_bytes(r["row_enc"])) if r["row_enc"] else None
            )
            results.append(
                workbook.ResultRow(
                    r["row_number"],
                    r["outcome"],
                    r["name_masked"],
                    r["number_masked"],
                    r["application_reference"],
                    r["photo_pending"],
                    r["refusal_zh"],
                    r["refusal_en"],
                    cells,
                )
            )
        if len(page) < 10_000:
            break
        after = page[-1]["row_number"]
    return f"{batch['reference']}-result.xlsx", workbook.result_workbook(batch, results)
