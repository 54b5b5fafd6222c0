"""Cancellation rules without a database (SPEC CAN-1, CAN-4, JUR-2) and the PDF notice (CAN-3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sscard.applications.hooks import open_applications
from sscard.cards.cancellation.extensions import (
    CHECKS,
    Unfinished,
    UnfinishedHrBusiness,
    register,
)
from sscard.cards.cancellation.notice import ClosureNotice, render
from sscard.cards.cancellation.rules import (
    CancellationReason,
    CancellationRequest,
    MissingCancellationDocument,
    NotFamilyMember,
    Presenter,
    PresenterNotAccepted,
    Proof,
    Relationship,
    RepresentativeInput,
    abroad_presenters,
    check_documents,
    required_proofs,
)
from sscard.registry.documents import DocumentType, IdentityDocument
from sscard.wiring import wire

R = CancellationReason
DOC = IdentityDocument(DocumentType.RESIDENT_ID, "11010519491231002X")
FAMILY = RepresentativeInput("李四", DOC, Relationship.SPOUSE)
AGENT = RepresentativeInput("王五", DOC, None)
BOTH = ("agent", "holder")

DEATH = CancellationRequest(
    R.DEATH, card_presented=True, police_certificate_number="SW2026001", representative=FAMILY
)
TRANSFER = CancellationRequest(
    R.TRANSFER_OUT_OF_PROVINCE,
    card_presented=True,
    transfer_certificate_number="ZY2026001",
    holder_document=DOC,
)
ABROAD_AGENT = CancellationRequest(
    R.SETTLED_ABROAD, police_certificate_number="DJ2026001", representative=AGENT
)
ABROAD_HOLDER = CancellationRequest(
    R.SETTLED_ABROAD, police_certificate_number="DJ2026001", holder_document=DOC
)


def _missing(req: CancellationRequest, by: tuple[str, ...] = BOTH, lost: bool = False) -> str:
    with pytest.raises(MissingCancellationDocument) as refused:
        check_documents(req, by, card_lost=lost)
    assert refused.value.rule == "CAN-4"
    assert refused.value.field is not None
    return refused.value.field


def test_every_reason_has_a_rule() -> None:
    """SPEC CAN-1 / JUR-2: three reasons; a transfer out of the province cites JUR-2."""
    assert {r.value for r in R} == {"death", "settled_abroad", "transfer_out_of_province"}
    assert R.TRANSFER_OUT_OF_PROVINCE.rule == "JUR-2"
    assert R.DEATH.rule == R.SETTLED_ABROAD.rule == "CAN-1"


def test_death_needs_family_id_relationship_card_and_police_certificate() -> None:
    """SPEC CAN-4: after a death a family member brings their ID, the card, the certificate."""
    assert check_documents(DEATH, BOTH, card_lost=False) is Presenter.FAMILY_MEMBER
    assert required_proofs(R.DEATH, Presenter.FAMILY_MEMBER, card_lost=False) == (
        Proof.FAMILY_MEMBER_ID,
        Proof.RELATIONSHIP,
        Proof.CARD,
        Proof.POLICE_DEATH_CERTIFICATE,
    )
    assert _missing(replace(DEATH, representative=None)) == "representative"
    no_relation = replace(FAMILY, relationship=None)
    assert _missing(replace(DEATH, representative=no_relation)) == "representative.relationship"
    assert _missing(replace(DEATH, card_presented=False)) == "card_presented"
    assert _missing(replace(DEATH, police_certificate_number=None)) == "police_certificate_number"


def test_death_is_not_cancelled_by_someone_outside_the_family() -> None:
    """SPEC CAN-4: a guardian or family member of the household, not any agent."""
    stranger = replace(FAMILY, relationship=Relationship.OTHER)
    with pytest.raises(NotFamilyMember):
        check_documents(replace(DEATH, representative=stranger), BOTH, card_lost=False)


def test_transfer_needs_holder_id_transfer_certificate_and_card() -> None:
    """SPEC CAN-4 / JUR-2: the holder brings ID, the transfer certificate and the card."""
    assert check_documents(TRANSFER, BOTH, card_lost=False) is Presenter.HOLDER
    assert _missing(replace(TRANSFER, holder_document=None)) == "holder_document"
    assert (
        _missing(replace(TRANSFER, transfer_certificate_number=None))
        == "transfer_certificate_number"
    )
    assert _missing(replace(TRANSFER, card_presented=False)) == "card_presented"
    with pytest.raises(PresenterNotAccepted):
        check_documents(replace(TRANSFER, representative=AGENT), BOTH, card_lost=False)


def test_settling_abroad_follows_the_city_policy() -> None:
    """SPEC CAN-4 / CITY-3: agent [001] or holder [003], as the city's policy allows."""
    assert check_documents(ABROAD_AGENT, ("agent",), card_lost=False) is Presenter.AGENT
    assert check_documents(ABROAD_HOLDER, ("holder",), card_lost=False) is Presenter.HOLDER
    with pytest.raises(PresenterNotAccepted) as refused:
        check_documents(ABROAD_HOLDER, ("agent",), card_lost=False)
    assert refused.value.field == "holder_document"
    assert "代理人" in refused.value.detail_zh
    with pytest.raises(PresenterNotAccepted):
        check_documents(ABROAD_AGENT, ("holder",), card_lost=False)
    nobody = replace(ABROAD_HOLDER, holder_document=None)
    assert _missing(nobody, ("agent",)) == "representative"
    assert _missing(nobody, ("holder",)) == "holder_document"
    with pytest.raises(MissingCancellationDocument) as either:
        check_documents(nobody, BOTH, card_lost=False)
    assert "或" in either.value.detail_zh
    assert " or " in either.value.detail_en
    no_cert = replace(ABROAD_AGENT, police_certificate_number=None)
    assert _missing(no_cert, ("agent",)) == "police_certificate_number"


def test_policy_values_map_to_presenters_in_a_stable_order() -> None:
    """SPEC CITY-3: the policy's list is data; unknown values are ignored."""
    assert abroad_presenters(("holder", "agent")) == [Presenter.AGENT, Presenter.HOLDER]
    assert abroad_presenters(("holder", "robot")) == [Presenter.HOLDER]


def test_a_lost_card_need_not_be_handed_in() -> None:
    """SPEC CAN-4: the card is handed in, unless it is reported lost and cannot be."""
    no_card = replace(DEATH, card_presented=False)
    assert check_documents(no_card, BOTH, card_lost=True) is Presenter.FAMILY_MEMBER
    assert _missing(no_card, lost=False) == "card_presented"


def test_missing_document_is_named_in_both_languages() -> None:
    """SPEC CAN-4: the refusal names the missing document, Chinese first."""
    with pytest.raises(MissingCancellationDocument) as refused:
        check_documents(replace(DEATH, police_certificate_number=None), BOTH, card_lost=False)
    assert "死亡证明" in refused.value.detail_zh
    assert "police death certificate" in refused.value.detail_en


def test_closure_notice_pdf_shows_only_masked_personal_data() -> None:
    """SPEC CAN-3 / ID-6: a one-page PDF made by reportlab, the same bytes each time."""
    notice = ClosureNotice(
        reference="ZX32042026112300000001",
        issued_on=date(2026, 11, 23),
        card_number="A00000001",
        bank_name_zh="中国工商银行",
        reason_zh="死亡",
        holder_name_masked="张*",
        holder_id_masked="320***********12",
        outlet_name_zh="常州市社会保障卡管理服务中心",
        city_name_zh="常州市",
    )
    pdf = render(notice)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"ReportLab" in pdf
    assert b"/STSong-Light" in pdf
    assert render(notice) == pdf


def test_missing_representative_is_named_per_reason() -> None:
    """SPEC CAN-4: after a death the family member's ID, for settling abroad the agent's."""
    with pytest.raises(MissingCancellationDocument) as family:
        check_documents(replace(DEATH, representative=None), BOTH, card_lost=False)
    assert "家庭成员" in family.value.detail_zh
    with pytest.raises(MissingCancellationDocument) as agent:
        check_documents(replace(ABROAD_AGENT, representative=None), ("agent",), card_lost=False)
    assert "代理人" in agent.value.detail_zh


def test_unfinished_business_refusal_names_every_item() -> None:
    """SPEC CAN-2: one refusal listing each unfinished item, in both languages."""
    items = [
        Unfinished("open_application", "SQ1", "未办结的社保卡补卡", "application (replacement)"),
        Unfinished("unsettled_benefit", "DY2", "待结算待遇", "benefit to settle"),
    ]
    refusal = UnfinishedHrBusiness(items)
    assert (refusal.status, refusal.rule, refusal.code) == (409, "CAN-2", "unfinished_hr_business")
    assert "未办结的社保卡补卡（SQ1）；待结算待遇（DY2）" in refusal.detail_zh
    assert "benefit to settle (DY2)" in refusal.detail_en
    assert [u["reference"] for u in refusal.extra()["unfinished"]] == ["SQ1", "DY2"]


def test_open_application_check_is_registered_once_by_the_composition_root() -> None:
    """SPEC CAN-2: wiring registers the open-application check; registering is idempotent."""
    wire()
    assert open_applications in CHECKS
    before = list(CHECKS)
    register(open_applications)
    assert before == CHECKS
