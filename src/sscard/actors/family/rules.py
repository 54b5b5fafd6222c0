"""The rules of family binding (亲情服务, SPEC ECARD-4, ID-4): pure, no I/O, no clock read.

A relative may act in the online hall (and later hold the ecard) for a child under 16 or an
elderly person, once an outlet clerk has seen both documents and the proof of the relation.

- The relative is an adult (18, 《民法典》 arts. 17-18) with full civil capacity (ID-4).
- The dependant is a child under CHILD_UNTIL_AGE (ECARD-4) or an elderly person of
  ELDERLY_FROM_AGE or more. The seeds name no age for "elderly" ([002]: "无智能手机的老年朋友",
  [003]: "行动不便的老年人"); 60 is the statutory one, 《中华人民共和国老年人权益保障法》 art. 2
  ("老年人是指六十周岁以上的公民"), the same in every city, so a constant and not city policy.
- A child's binding ends on the child's 16th birthday: the end date is computed when the
  binding is made and every use checks it against the date (no sweep is needed). An elderly
  person's binding lasts until the elderly person (online) or an outlet ends it.
- A dependant has at most MAX_RELATIVES_PER_DEPENDANT active bindings (two parents, or two
  children of an elderly parent) and a relative at most MAX_DEPENDANTS_PER_RELATIVE (two
  children and the four parents of a couple); nobody binds themself; a pair is bound once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sscard.kernel.errors import DomainError
from sscard.registry.documents import age_on

CHILD_UNTIL_AGE = 16  # SPEC ECARD-4: "a child under 16"
ELDERLY_FROM_AGE = 60  # 老年人权益保障法 art. 2 (the seeds give no age)
ADULT_AGE = 18  # 民法典 arts. 17-18: full capacity from 18
MAX_RELATIVES_PER_DEPENDANT = 2
MAX_DEPENDANTS_PER_RELATIVE = 6


class DependantKind(StrEnum):
    CHILD = "child"  # under 16: the binding ends on the 16th birthday
    ELDERLY = "elderly"  # 60 or over: until ended


class Relation(StrEnum):
    """What the relative is to the dependant."""

    PARENT = "parent"
    GRANDPARENT = "grandparent"
    CHILD = "child"
    GRANDCHILD = "grandchild"
    SPOUSE = "spouse"
    SIBLING = "sibling"
    LEGAL_GUARDIAN = "legal_guardian"


class Proof(StrEnum):
    """The document shown at the outlet that proves the relation (ID-4)."""

    HOUSEHOLD_REGISTER = "household_register"  # 户口簿
    BIRTH_CERTIFICATE = "birth_certificate"  # 出生医学证明
    MARRIAGE_CERTIFICATE = "marriage_certificate"  # 结婚证
    KINSHIP_CERTIFICATE = "kinship_certificate"  # 亲属关系证明 (police station or community)
    GUARDIANSHIP_ORDER = "guardianship_order"  # 监护证明 or a court's order


class Ending(StrEnum):
    """Who ended a binding (the child's 16th birthday ends it by its date, not by a row)."""

    AT_OUTLET = "at_outlet"
    BY_DEPENDANT = "by_dependant"
    BY_RELATIVE = "by_relative"


_C, _E = DependantKind.CHILD, DependantKind.ELDERLY
_HR, _BC, _MC = Proof.HOUSEHOLD_REGISTER, Proof.BIRTH_CERTIFICATE, Proof.MARRIAGE_CERTIFICATE
_KC, _GO = Proof.KINSHIP_CERTIFICATE, Proof.GUARDIANSHIP_ORDER

# Each relation: the dependants it can be to, the proofs that show it, and its labels.
RELATIONS: dict[Relation, tuple[frozenset[DependantKind], frozenset[Proof], str, str]] = {
    Relation.PARENT: (frozenset({_C}), frozenset({_HR, _BC}), "父母", "parent"),
    Relation.GRANDPARENT: (
        frozenset({_C}),
        frozenset({_HR, _KC}),
        "祖父母、外祖父母",
        "grandparent",
    ),
    Relation.CHILD: (frozenset({_E}), frozenset({_HR, _BC, _KC}), "子女", "child"),
    Relation.GRANDCHILD: (frozenset({_E}), frozenset({_HR, _KC}), "孙子女、外孙子女", "grandchild"),
    Relation.SPOUSE: (frozenset({_E}), frozenset({_MC, _HR}), "配偶", "spouse"),
    Relation.SIBLING: (frozenset({_C, _E}), frozenset({_HR, _KC}), "兄弟姐妹", "sibling"),
    Relation.LEGAL_GUARDIAN: (
        frozenset({_C, _E}),
        frozenset({_GO}),
        "法定监护人",
        "legal guardian",
    ),
}
# Relations in which the relative is of an older generation, or of a younger one.
OLDER = frozenset({Relation.PARENT, Relation.GRANDPARENT})
YOUNGER = frozenset({Relation.CHILD, Relation.GRANDCHILD})

PROOFS: dict[Proof, tuple[str, str]] = {
    Proof.HOUSEHOLD_REGISTER: ("户口簿", "household register"),
    Proof.BIRTH_CERTIFICATE: ("出生医学证明", "birth certificate"),
    Proof.MARRIAGE_CERTIFICATE: ("结婚证", "marriage certificate"),
    Proof.KINSHIP_CERTIFICATE: ("亲属关系证明", "certificate of kinship"),
    Proof.GUARDIANSHIP_ORDER: ("监护证明（法院判决或指定）", "guardianship order"),
}
KINDS: dict[DependantKind, tuple[str, str]] = {
    DependantKind.CHILD: ("16周岁以下未成年人", "child under 16"),
    DependantKind.ELDERLY: ("60周岁以上老年人", "elderly person (60 or over)"),
}


# ---- refusals ----


class SelfBinding(DomainError):
    code = "family_self_binding"
    rule = "ECARD-4"
    message_zh = "不能为本人办理亲情服务绑定"
    message_en = "A person cannot be bound to themself"


class RelativeNotAdult(DomainError):
    code = "family_relative_not_adult"
    rule = "ID-4"
    message_zh = "亲属须为年满{adult}周岁、具有完全民事行为能力的人"
    message_en = "The relative must be an adult of {adult} or over with full civil capacity"


class DependantNotEligible(DomainError):
    code = "family_dependant_not_eligible"
    rule = "ECARD-4"
    message_zh = (
        "亲情服务只为{child}周岁以下的未成年人或{elderly}周岁以上的老年人办理（该人{age}周岁）"
    )
    message_en = (
        "Family binding is for a child under {child} or an elderly person of {elderly} or"
        " over (this person is {age})"
    )


class RelationNotForDependant(DomainError):
    code = "family_relation_not_for_dependant"
    rule = "ECARD-4"
    message_zh = "“{relation_zh}”关系不适用于{kind_zh}"
    message_en = "The relation '{relation_en}' does not apply to a {kind_en}"


class RelationImplausible(DomainError):
    code = "family_relation_implausible"
    rule = "ID-4"
    message_zh = "亲属的出生日期与“{relation_zh}”关系不符，请核对证件"
    message_en = (
        "The relative's birth date does not fit the relation '{relation_en}'; check the documents"
    )


class ProofNotForRelation(DomainError):
    code = "family_proof_not_for_relation"
    rule = "ID-4"
    message_zh = "“{proof_zh}”不能证明“{relation_zh}”关系，可用：{accepted_zh}"
    message_en = "A {proof_en} does not prove the relation '{relation_en}'; accepted: {accepted_en}"


class BindingExists(DomainError):
    code = "family_binding_exists"
    status = 409
    rule = "ECARD-4"
    message_zh = "该亲属已绑定此人（绑定编号{binding_id}）"
    message_en = "This relative is already bound to this person (binding {binding_id})"


class TooManyRelatives(DomainError):
    code = "family_too_many_relatives"
    status = 409
    rule = "ECARD-4"
    message_zh = "此人已有{limit}位绑定亲属，须先解除一个绑定"
    message_en = "This person already has {limit} bound relatives; end one first"


class TooManyDependants(DomainError):
    code = "family_too_many_dependants"
    status = 409
    rule = "ECARD-4"
    message_zh = "该亲属已绑定{limit}位家人，须先解除一个绑定"
    message_en = "This relative is already bound to {limit} family members; end one first"


class BindingNotActive(DomainError):
    code = "family_binding_not_active"
    status = 409
    rule = "ECARD-4"
    message_zh = "该亲情服务绑定已解除或已到期"
    message_en = "This family binding has ended or expired"


class ChildCannotEnd(DomainError):
    code = "family_child_cannot_end"
    status = 403
    rule = "ECARD-4"
    message_zh = "未成年人的亲情服务绑定由亲属在网上或到网点解除；满16周岁时自动到期"
    message_en = (
        "A child's binding is ended by the relative online or at an outlet; it expires on"
        " the 16th birthday"
    )


class ActingForEnded(DomainError):
    """The binding a hall session acted under ended or expired: the session is back to the
    relative's own record, and the request that found it is refused rather than answered with
    another person's record than the one asked for."""

    code = "family_acting_for_ended"
    status = 409
    rule = "ECARD-4"
    message_zh = "亲情服务绑定已解除或已到期，已切换回本人"
    message_en = "The family binding has ended or expired; you are back to your own record"


class NotAnOnlineSession(DomainError):
    code = "family_needs_online_session"
    status = 409
    rule = "ECARD-4"
    message_zh = "须在网上服务大厅实名登录后切换代办对象"
    message_en = "Switch whom you act for in a signed-in online hall session"


# ---- the checks ----


@dataclass(frozen=True)
class Party:
    """A person as the rules need them: birth date and whether of full civil capacity."""

    person_id: int
    birth_date: date
    full_capacity: bool


@dataclass(frozen=True)
class Standing:
    """What is already bound: the relative's active dependants, the dependant's active
    relatives, and an active binding of this very pair (its id), if any."""

    relative_dependants: int
    dependant_relatives: int
    existing_binding_id: int | None


@dataclass(frozen=True)
class Terms:
    kind: DependantKind
    ends_on: date | None  # a child's 16th birthday; None: until ended


def turns(birth_date: date, years: int) -> date:
    """The day a person born on `birth_date` is `years` full years old (29 February: 1 March
    in common years, as age_on counts)."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return date(birth_date.year + years, 3, 1)


def dependant_kind(birth_date: date, today: date) -> DependantKind | None:
    """Child (under 16), elderly (60 or over), or None: neither."""
    age = age_on(birth_date, today)
    if age < CHILD_UNTIL_AGE:
        return DependantKind.CHILD
    if age >= ELDERLY_FROM_AGE:
        return DependantKind.ELDERLY
    return None


def examine_binding(
    relative: Party,
    dependant: Party,
    relation: Relation,
    proof: Proof,
    standing: Standing,
    today: date,
) -> Terms:
    """The terms of a new binding (kind, end date), or the refusal (ECARD-4, ID-4): self,
    relative not an adult of full capacity, dependant neither child nor elderly, relation not
    for that dependant or not fitting the birth dates, proof not for the relation, duplicate,
    limits."""
    if relative.person_id == dependant.person_id:
        raise SelfBinding(field="dependant_social_security_number")
    if age_on(relative.birth_date, today) < ADULT_AGE or not relative.full_capacity:
        raise RelativeNotAdult(field="relative_social_security_number", adult=ADULT_AGE)
    kind = dependant_kind(dependant.birth_date, today)
    if kind is None:
        raise DependantNotEligible(
            field="dependant_social_security_number",
            child=CHILD_UNTIL_AGE,
            elderly=ELDERLY_FROM_AGE,
            age=age_on(dependant.birth_date, today),
        )
    kinds, proofs, relation_zh, relation_en = RELATIONS[relation]
    if kind not in kinds:
        raise RelationNotForDependant(
            field="relation",
            relation_zh=relation_zh,
            relation_en=relation_en,
            kind_zh=KINDS[kind][0],
            kind_en=KINDS[kind][1],
        )
    older = relative.birth_date < dependant.birth_date
    if (relation in OLDER and not older) or (relation in YOUNGER and older):
        raise RelationImplausible(
            field="relation", relation_zh=relation_zh, relation_en=relation_en
        )
    if proof not in proofs:
        accepted = sorted(proofs)
        raise ProofNotForRelation(
            field="proof",
            proof_zh=PROOFS[proof][0],
            proof_en=PROOFS[proof][1],
            relation_zh=relation_zh,
            relation_en=relation_en,
            accepted_zh="、".join(PROOFS[p][0] for p in accepted),
            accepted_en=", ".join(PROOFS[p][1] for p in accepted),
        )
    if standing.existing_binding_id is not None:
        raise BindingExists(
            field="dependant_social_security_number", binding_id=standing.existing_binding_id
        )
    if standing.dependant_relatives >= MAX_RELATIVES_PER_DEPENDANT:
        raise TooManyRelatives(
            field="dependant_social_security_number", limit=MAX_RELATIVES_PER_DEPENDANT
        )
    if standing.relative_dependants >= MAX_DEPENDANTS_PER_RELATIVE:
        raise TooManyDependants(
            field="relative_social_security_number", limit=MAX_DEPENDANTS_PER_RELATIVE
        )
    ends_on = turns(dependant.birth_date, CHILD_UNTIL_AGE) if kind is DependantKind.CHILD else None
    return Terms(kind, ends_on)


def is_active(ended_at: datetime | None, ends_on: date | None, today: date) -> bool:
    """Whether a binding may be used today: not ended, and (a child's) not past its end date
    (the 16th birthday is the first day it no longer works)."""
    return ended_at is None and (ends_on is None or today < ends_on)


def status_of(ended_at: datetime | None, ends_on: date | None, today: date) -> str:
    """active, ended (by someone), or expired (a child's binding past the 16th birthday)."""
    if ended_at is not None:
        return "ended"
    return "active" if is_active(ended_at, ends_on, today) else "expired"


def ending_by(
    kind: DependantKind, relative_person_id: int, dependant_person_id: int, who: int
) -> Ending:
    """Who, signed in to the hall as person `who`, is ending the binding: the relative (giving
    it up) or an elderly dependant; a child may not (ChildCannotEnd). Anyone else must not
    see the binding at all: the caller answers NotFound before asking."""
    if who == relative_person_id:
        return Ending.BY_RELATIVE
    if who == dependant_person_id and kind is DependantKind.ELDERLY:
        return Ending.BY_DEPENDANT
    raise ChildCannotEnd(field="binding_id")
