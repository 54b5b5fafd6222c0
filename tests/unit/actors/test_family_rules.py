"""The rules of family binding (SPEC ECARD-4, ID-4): who may be bound to whom, on which proof,
until when, and who may end it. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sscard.actors.family import rules
from sscard.actors.family.rules import (
    BindingExists,
    ChildCannotEnd,
    DependantKind,
    DependantNotEligible,
    Ending,
    Party,
    Proof,
    ProofNotForRelation,
    Relation,
    RelationImplausible,
    RelationNotForDependant,
    RelativeNotAdult,
    SelfBinding,
    Standing,
    TooManyDependants,
    TooManyRelatives,
)
from sscard.kernel.errors import DomainError

TODAY = date(2026, 11, 23)
PARENT = Party(1, date(1984, 6, 1), full_capacity=True)
CHILD = Party(2, date(2012, 3, 4), full_capacity=True)
ELDER = Party(3, date(1950, 3, 8), full_capacity=True)
NONE = Standing(0, 0, None)


def _examine(
    relative: Party = PARENT,
    dependant: Party = CHILD,
    relation: Relation = Relation.PARENT,
    proof: Proof = Proof.HOUSEHOLD_REGISTER,
    standing: Standing = NONE,
    today: date = TODAY,
) -> rules.Terms:
    return rules.examine_binding(relative, dependant, relation, proof, standing, today)


def test_a_childs_binding_ends_on_the_16th_birthday() -> None:
    """SPEC ECARD-4: computed when it is made; the birthday is the first day it is not used."""
    terms = _examine()
    assert terms == rules.Terms(DependantKind.CHILD, date(2028, 3, 4))
    assert rules.is_active(None, terms.ends_on, date(2028, 3, 3))
    assert not rules.is_active(None, terms.ends_on, date(2028, 3, 4))
    assert rules.status_of(None, terms.ends_on, date(2028, 3, 4)) == "expired"


def test_a_child_born_on_29_february_turns_16_on_1_march_in_a_common_year() -> None:
    """SPEC ECARD-4, as the registry counts full years (周岁)."""
    leapling = Party(4, date(2012, 2, 29), full_capacity=True)
    assert _examine(dependant=leapling).ends_on == date(2028, 2, 29)  # a leap year
    assert rules.turns(date(2012, 2, 29), 17) == date(2029, 3, 1)


def test_an_elderly_persons_binding_lasts_until_ended() -> None:
    """SPEC ECARD-4: 60 or over (老年人权益保障法 art. 2), no end date; ended is ended."""
    terms = _examine(relative=PARENT, dependant=ELDER, relation=Relation.CHILD)
    assert terms == rules.Terms(DependantKind.ELDERLY, None)
    assert rules.is_active(None, None, date(2090, 1, 1))
    ended = datetime(2026, 11, 23, 2, tzinfo=UTC)
    assert not rules.is_active(ended, None, TODAY)
    assert rules.status_of(ended, None, TODAY) == "ended"


@pytest.mark.parametrize(
    ("birth", "kind"),
    [
        (date(2010, 11, 24), DependantKind.CHILD),  # 16 tomorrow
        (date(2010, 11, 23), None),  # 16 today
        (date(1966, 11, 24), None),  # 60 tomorrow
        (date(1966, 11, 23), DependantKind.ELDERLY),  # 60 today
    ],
)
def test_a_dependant_is_under_16_or_60_and_over(birth: date, kind: DependantKind | None) -> None:
    """SPEC ECARD-4: the age thresholds, on the day."""
    assert rules.dependant_kind(birth, TODAY) is kind


def test_a_person_of_working_age_is_no_dependant() -> None:
    """SPEC ECARD-4."""
    with pytest.raises(DependantNotEligible) as refused:
        _examine(dependant=Party(5, date(1996, 1, 1), full_capacity=True))
    assert refused.value.params["age"] == 30
    assert refused.value.field == "dependant_social_security_number"


def test_nobody_binds_themself() -> None:
    """SPEC ECARD-4."""
    with pytest.raises(SelfBinding):
        _examine(relative=ELDER, dependant=ELDER, relation=Relation.SPOUSE)


@pytest.mark.parametrize(
    "relative",
    [
        Party(6, date(2009, 1, 1), full_capacity=True),  # 17
        Party(7, date(1980, 1, 1), full_capacity=False),  # adult, limited capacity
    ],
)
def test_the_relative_is_an_adult_of_full_capacity(relative: Party) -> None:
    """SPEC ID-4: one who may act for another has full civil capacity."""
    with pytest.raises(RelativeNotAdult) as refused:
        _examine(relative=relative, relation=Relation.SIBLING)
    assert refused.value.rule == "ID-4"


@pytest.mark.parametrize(
    ("dependant", "relation"),
    [
        (CHILD, Relation.SPOUSE),
        (CHILD, Relation.CHILD),
        (CHILD, Relation.GRANDCHILD),
        (ELDER, Relation.PARENT),
        (ELDER, Relation.GRANDPARENT),
    ],
)
def test_a_relation_fits_the_kind_of_dependant(dependant: Party, relation: Relation) -> None:
    """SPEC ECARD-4: a child has parents, grandparents, siblings and guardians; an elderly
    person children, grandchildren, a spouse, siblings and guardians."""
    with pytest.raises(RelationNotForDependant):
        _examine(dependant=dependant, relation=relation)


def test_the_relation_fits_the_birth_dates() -> None:
    """SPEC ID-4: a 'child' older than the parent is a mistake in the documents or the form
    (an adult 'parent' is always older than a child under 16)."""
    older = Party(8, date(1940, 1, 1), full_capacity=True)
    with pytest.raises(RelationImplausible):
        _examine(relative=older, dependant=ELDER, relation=Relation.CHILD)
    assert _examine(relative=older, dependant=ELDER, relation=Relation.SIBLING).ends_on is None


@pytest.mark.parametrize(
    ("relation", "proof", "takes"),
    [
        (Relation.PARENT, Proof.BIRTH_CERTIFICATE, True),
        (Relation.PARENT, Proof.HOUSEHOLD_REGISTER, True),
        (Relation.PARENT, Proof.MARRIAGE_CERTIFICATE, False),
        (Relation.LEGAL_GUARDIAN, Proof.GUARDIANSHIP_ORDER, True),
        (Relation.LEGAL_GUARDIAN, Proof.HOUSEHOLD_REGISTER, False),
        (Relation.GRANDPARENT, Proof.KINSHIP_CERTIFICATE, True),
        (Relation.GRANDPARENT, Proof.BIRTH_CERTIFICATE, False),
    ],
)
def test_the_proof_shows_the_relation(relation: Relation, proof: Proof, takes: bool) -> None:
    """SPEC ID-4: the clerk checks a document that proves this relation."""
    if takes:
        _examine(relation=relation, proof=proof)
        return
    with pytest.raises(ProofNotForRelation) as refused:
        _examine(relation=relation, proof=proof)
    assert refused.value.field == "proof"
    assert "、" in refused.value.detail_zh or "：" in refused.value.detail_zh


def test_a_pair_is_bound_once_and_the_limits_hold() -> None:
    """SPEC ECARD-4: no duplicate; two relatives per dependant, six dependants per relative."""
    with pytest.raises(BindingExists) as duplicate:
        _examine(standing=Standing(1, 1, 42))
    assert duplicate.value.status == 409
    assert duplicate.value.params["binding_id"] == 42
    full = rules.MAX_RELATIVES_PER_DEPENDANT
    _examine(standing=Standing(0, full - 1, None))
    with pytest.raises(TooManyRelatives):
        _examine(standing=Standing(0, full, None))
    many = rules.MAX_DEPENDANTS_PER_RELATIVE
    _examine(standing=Standing(many - 1, 0, None))
    with pytest.raises(TooManyDependants):
        _examine(standing=Standing(many, 0, None))


def test_who_may_end_a_binding_online() -> None:
    """SPEC ECARD-4: the relative gives it up, an elderly person ends it; a child may not."""
    assert rules.ending_by(DependantKind.CHILD, 1, 2, 1) is Ending.BY_RELATIVE
    assert rules.ending_by(DependantKind.ELDERLY, 1, 3, 3) is Ending.BY_DEPENDANT
    with pytest.raises(ChildCannotEnd):
        rules.ending_by(DependantKind.CHILD, 1, 2, 2)


def test_every_refusal_has_a_code_a_rule_and_both_languages() -> None:
    """SPEC ECARD-4: one class per refusal, machine code and zh/en."""
    refusals = [
        c for c in vars(rules).values() if isinstance(c, type) and issubclass(c, DomainError)
    ]
    assert len({c.code for c in refusals if c is not DomainError}) == len(refusals) - 1
    for c in refusals:
        if c is DomainError:
            continue
        assert c.code.startswith("family_"), c
        assert c.rule in {"ECARD-4", "ID-4"}, c
        assert c.message_zh, c
        assert c.message_en, c
