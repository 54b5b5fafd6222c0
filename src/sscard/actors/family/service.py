"""Family binding's use cases (SPEC ECARD-4, ID-4, CH-2; issue 13 item 1).

1. `record_binding`: an outlet clerk, with both persons' documents and the proof of the
   relation in hand, records the binding (both documents count as presented at that outlet).
2. `bindings`: a clerk reads a presented person's bindings; a cardholder their own, as relative
   or as dependant.
3. `end_binding`: at an outlet, or online by the relative or an elderly dependant.
4. `start_acting` / `stop_acting`: what the online hall's session switch records on the binding
   (the session itself is `actors.online`'s). Whatever the relative then does for the
   dependant is recorded with the relative's own actor id: the card's history names the
   relative's actor, and the binding's history says when that actor acted under it.

A cardholder actor acting for a dependant carries the dependant's person_id; who is really
signed in is the person of the actor's id (`signed_in_person`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sscard.actors.family import repository as repo
from sscard.actors.family import rules
from sscard.actors.family.permissions import (
    ACT_FOR_DEPENDANT,
    END_FAMILY_BINDING,
    RECORD_FAMILY_BINDING,
    VIEW_FAMILY_BINDINGS,
)
from sscard.actors.family.rules import (
    KINDS,
    PROOFS,
    RELATIONS,
    BindingNotActive,
    Ending,
    Party,
    Proof,
    Relation,
    Standing,
)
from sscard.kernel.actor import Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.errors import NotFound
from sscard.kernel.masking import mask_number
from sscard.platform.access import service as access
from sscard.platform.access.rules import Purpose, Subject
from sscard.platform.history import Change, record
from sscard.registry import repository as persons
from sscard.registry import service as registry
from sscard.registry.documents import normalise_number

ENTITY = "family_binding"


@dataclass(frozen=True)
class NewBinding:
    """What the clerk enters: both persons' numbers as shown on their documents, the relation
    (what the relative is to the dependant), the proof seen and, optionally, its number."""

    relative_number: str
    dependant_number: str
    relation: Relation
    proof: Proof
    proof_reference: str | None = None


async def record_binding(ctx: Ctx, new: NewBinding) -> dict[str, Any]:
    """Record a binding checked at this outlet; the binding as viewed. Refusals: NotFound on
    either number, and rules.examine_binding's (ECARD-4, ID-4)."""
    authorize(ctx.actor, RECORD_FAMILY_BINDING)
    relative = await _presented(ctx, new.relative_number, "relative_social_security_number")
    dependant = await _presented(ctx, new.dependant_number, "dependant_social_security_number")
    await repo.lock_persons(ctx.conn, (relative["id"], dependant["id"]))
    counted = await repo.active_counts(ctx.conn, relative["id"], dependant["id"], ctx.today)
    terms = rules.examine_binding(
        _party(relative), _party(dependant), new.relation, new.proof, Standing(*counted), ctx.today
    )
    reference = (new.proof_reference or "").strip()
    sealed = ctx.vault.seal("proof_reference", reference, mask=mask_number) if reference else {}
    binding_id = await repo.insert_binding(
        ctx.conn,
        {
            "relative_person_id": relative["id"],
            "dependant_person_id": dependant["id"],
            "kind": terms.kind.value,
            "relation": new.relation.value,
            "proof": new.proof.value,
            **sealed,
            "outlet_id": ctx.actor.outlet_id,
            "actor_id": ctx.actor.id,
            "created_at": ctx.now,
            "ends_on": terms.ends_on,
        },
    )
    change = Change(ENTITY, binding_id, "recorded", None, "active", new.relation.value)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return view(await _binding(ctx, binding_id), ctx)


async def _presented(ctx: Ctx, number: str, field: str) -> Row:
    """The person of a number typed from the document shown; logged as presented (which opens
    the record to this outlet for the working day, as a counter lookup does)."""
    person_id = await persons.person_id_by_ssn_index(
        ctx.conn, ctx.vault.index(normalise_number(number))
    )
    person = await persons.get_person(ctx.conn, person_id) if person_id else None
    if person is None:
        raise NotFound(field=field, what_zh="人员", what_en="Person")
    await registry.document_presented(ctx, person, Purpose.DOCUMENT_PRESENTED)
    return person


def _party(person: Row) -> Party:
    return Party(person["id"], person["birth_date"], person["civil_capacity"] == "full")


async def bindings(ctx: Ctx, person_id: int | None) -> dict[str, Any]:
    """{person_id, items}: a clerk, the bindings of a person whose document was presented at
    the outlet (logged read); a cardholder, their own (person_id omitted or their own). NotFound
    otherwise."""
    authorize(ctx.actor, VIEW_FAMILY_BINDINGS)
    if ctx.actor.role is Role.CARDHOLDER:
        own = await signed_in_person(ctx)
        if person_id not in (None, own):
            raise NotFound(field="person_id", what_zh="人员", what_en="Person")
        person_id = own
    elif person_id is None:
        raise NotFound(field="person_id", what_zh="人员", what_en="Person")
    else:
        person = await registry.require_person(ctx, person_id)
        await registry.reach_person(ctx, person, "family_bindings")
    rows = await repo.bindings_of(ctx.conn, person_id)
    return {"person_id": person_id, "items": [view(r, ctx) for r in rows]}


async def end_binding(ctx: Ctx, binding_id: int) -> dict[str, Any]:
    """End a binding: a clerk, when either person's document was presented at the outlet; a
    cardholder, when they are its relative or its elderly dependant (rules.ending_by).
    NotFound for anyone else; BindingNotActive when it already ended or expired."""
    authorize(ctx.actor, END_FAMILY_BINDING)
    found = await repo.get_binding(ctx.conn, binding_id)
    if found is None:
        raise _not_found()
    if ctx.actor.role is Role.CARDHOLDER:
        who = await signed_in_person(ctx)
        if who not in (found["relative_person_id"], found["dependant_person_id"]):
            raise _not_found()
        ending = rules.ending_by(
            rules.DependantKind(found["kind"]),
            found["relative_person_id"],
            found["dependant_person_id"],
            who,
        )
    else:
        if not await _clerk_may_act(ctx, found):
            raise _not_found()
        ending = Ending.AT_OUTLET
    if not rules.is_active(found["ended_at"], found["ends_on"], ctx.today):
        raise BindingNotActive(field="binding_id")
    if not await repo.end_binding(ctx.conn, binding_id, ctx.now, ending.value):
        raise BindingNotActive(field="binding_id")  # ended by a concurrent request
    change = Change(ENTITY, binding_id, "ended", "active", "ended", ending.value)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return view(await _binding(ctx, binding_id), ctx)


async def _clerk_may_act(ctx: Ctx, found: Row) -> bool:
    for person_id in (found["dependant_person_id"], found["relative_person_id"]):
        person = await persons.get_person(ctx.conn, person_id)
        city = person["city_code"] if person else None
        if await access.may_act(ctx, Subject("person", str(person_id), person_id, city)):
            return True
    return False


async def signed_in_person(ctx: Ctx) -> int:
    """The person really signed in: the person of the actor's id (a relative acting for a
    dependant carries the dependant's person_id, never their own id)."""
    person_id = await repo.person_of_actor(ctx.conn, ctx.actor.id) if ctx.actor.id else None
    person_id = person_id or ctx.actor.person_id
    if person_id is None:
        raise NotFound(field="person_id", what_zh="人员", what_en="Person")
    return person_id


async def start_acting(ctx: Ctx, binding_id: int | None, relative_person_id: int) -> Row:
    """The binding a relative's hall session is switching to, checked: theirs (else NotFound)
    and in force today (else BindingNotActive); recorded on the binding's history."""
    authorize(ctx.actor, ACT_FOR_DEPENDANT)
    found = await repo.get_binding(ctx.conn, binding_id) if binding_id else None
    if found is None or found["relative_person_id"] != relative_person_id:
        raise _not_found()
    if not rules.is_active(found["ended_at"], found["ends_on"], ctx.today):
        raise BindingNotActive(field="binding_id")
    change = Change(ENTITY, found["id"], "acting_started", None, None)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return found


async def stop_acting(ctx: Ctx, binding_id: int, why: str) -> None:
    """Record on the binding's history that the relative's session stopped acting under it
    (`why`: switched_back, switched (to another dependant), signed_out, binding_not_active)."""
    change = Change(ENTITY, binding_id, "acting_ended", None, None, why)
    await record(ctx.conn, ctx.actor, ctx.now, change)


async def acting_binding(ctx: Ctx, binding_id: int) -> Row | None:
    """The binding a session acts under, if it is still in force today; else None."""
    found = await repo.get_binding(ctx.conn, binding_id)
    if found is None or not rules.is_active(found["ended_at"], found["ends_on"], ctx.today):
        return None
    return found


async def _binding(ctx: Ctx, binding_id: int) -> Row:
    found = await repo.get_binding(ctx.conn, binding_id)
    if found is None:
        raise _not_found()
    return found


def _not_found() -> NotFound:
    return NotFound(field="binding_id", what_zh="亲情服务绑定", what_en="Family binding")


def view(row: Row, ctx: Ctx) -> dict[str, Any]:
    """A binding as answered: both persons masked (ID-6), its state today."""
    relation = RELATIONS[Relation(row["relation"])]
    kind = KINDS[rules.DependantKind(row["kind"])]
    proof = PROOFS[Proof(row["proof"])]
    return {
        "id": row["id"],
        "status": rules.status_of(row["ended_at"], row["ends_on"], ctx.today),
        "kind": row["kind"],
        "kind_zh": kind[0],
        "kind_en": kind[1],
        "relation": row["relation"],
        "relation_zh": relation[2],
        "relation_en": relation[3],
        "proof": row["proof"],
        "proof_zh": proof[0],
        "proof_en": proof[1],
        "proof_reference": row["proof_reference_masked"],
        "relative": _person(row, "relative"),
        "dependant": _person(row, "dependant"),
        "outlet_code": row["outlet_code"],
        "created_at": row["created_at"],
        "ends_on": row["ends_on"],
        "ended_at": row["ended_at"],
        "ended_reason": row["ended_reason"],
    }


def _person(row: Row, side: str) -> dict[str, Any]:
    return {
        "person_id": row[f"{side}_person_id"],
        "name": row[f"{side}_name"],
        "social_security_number": row[f"{side}_ssn"],
    }
