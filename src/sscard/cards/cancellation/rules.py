"""Cancelling a card (注销): reasons, who presents it and the documents each case needs. Pure.

SPEC CAN-1 (reasons), CAN-4 (documents per reason; settling abroad per city policy), JUR-2 (a
transfer to another province ends in cancellation), and when a superseded card may be cancelled
(LOSS-4, CAN-2, REP-3; issue 11). No I/O: the city policy's `abroad_cancellation_by`, whether the
card is in a loss state and the application that superseded it are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from sscard.cards.lifecycle import CardEvent, CardTransitionRefused, HrStatus
from sscard.kernel.errors import DomainError
from sscard.registry.documents import IdentityDocument


class CancellationReason(StrEnum):
    """SPEC CAN-1 / JUR-2: why the hr function ends for good."""

    DEATH = "death"
    SETTLED_ABROAD = "settled_abroad"
    TRANSFER_OUT_OF_PROVINCE = "transfer_out_of_province"

    @property
    def label_zh(self) -> str:
        return _REASON_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _REASON_LABELS[self][1]

    @property
    def rule(self) -> str:
        return "JUR-2" if self is CancellationReason.TRANSFER_OUT_OF_PROVINCE else "CAN-1"


_REASON_LABELS: Final[dict[CancellationReason, tuple[str, str]]] = {
    CancellationReason.DEATH: ("死亡", "death"),
    CancellationReason.SETTLED_ABROAD: ("出国（境）定居", "settling abroad"),
    CancellationReason.TRANSFER_OUT_OF_PROVINCE: (
        "社会保险关系跨省转移",
        "transfer of social insurance to another province",
    ),
}


class Presenter(StrEnum):
    """Who stands at the counter with the documents (SPEC CAN-4)."""

    HOLDER = "holder"
    FAMILY_MEMBER = "family_member"  # a guardian or family member of the household (death)
    AGENT = "agent"  # settling abroad, where the city policy allows it

    @property
    def label_zh(self) -> str:
        return _PRESENTER_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _PRESENTER_LABELS[self][1]


_PRESENTER_LABELS: Final[dict[Presenter, tuple[str, str]]] = {
    Presenter.HOLDER: ("持卡人本人", "the holder in person"),
    Presenter.FAMILY_MEMBER: ("监护人或户籍内家庭成员", "a guardian or family member"),
    Presenter.AGENT: ("代理人", "an agent"),
}


class Relationship(StrEnum):
    """The representative's relationship to the holder."""

    SPOUSE = "spouse"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    GRANDCHILD = "grandchild"
    GUARDIAN = "guardian"
    HOUSEHOLD_MEMBER = "household_member"
    OTHER = "other"  # an agent who is not family (settling abroad)


class Proof(StrEnum):
    """A document CAN-4 asks for."""

    FAMILY_MEMBER_ID = "family_member_id"
    AGENT_ID = "agent_id"
    RELATIONSHIP = "relationship"
    HOLDER_ID = "holder_id"
    CARD = "card"
    POLICE_DEATH_CERTIFICATE = "police_death_certificate"
    POLICE_ABROAD_CERTIFICATE = "police_abroad_certificate"
    TRANSFER_CERTIFICATE = "transfer_certificate"

    @property
    def field_name(self) -> str:
        """The request field that carries it."""
        return _PROOFS[self][0]

    @property
    def label_zh(self) -> str:
        return _PROOFS[self][1]

    @property
    def label_en(self) -> str:
        return _PROOFS[self][2]


_PROOFS: Final[dict[Proof, tuple[str, str, str]]] = {
    Proof.FAMILY_MEMBER_ID: (
        "representative",
        "监护人或户籍内家庭成员本人的有效身份证件",
        "the guardian's or family member's own valid ID",
    ),
    Proof.AGENT_ID: ("representative", "代理人本人有效身份证件", "the agent's own valid ID"),
    Proof.RELATIONSHIP: (
        "representative.relationship",
        "经办人与持卡人的关系",
        "the representative's relationship to the holder",
    ),
    Proof.HOLDER_ID: ("holder_document", "持卡人本人有效身份证件", "the holder's own valid ID"),
    Proof.CARD: ("card_presented", "需注销的社会保障卡", "the card to be cancelled"),
    Proof.POLICE_DEATH_CERTIFICATE: (
        "police_certificate_number",
        "公安部门出具的死亡证明（编号）",
        "the police death certificate (its number)",
    ),
    Proof.POLICE_ABROAD_CERTIFICATE: (
        "police_certificate_number",
        "公安部门出具的出国（境）定居证明（编号）",
        "the police certificate of settling abroad (its number)",
    ),
    Proof.TRANSFER_CERTIFICATE: (
        "transfer_certificate_number",
        "社会保险关系转移证明（编号）",
        "the social-insurance transfer certificate (its number)",
    ),
}
FAMILY: Final = frozenset(Relationship) - {Relationship.OTHER}


@dataclass(frozen=True)
class RepresentativeInput:
    """The family member or agent at the counter, with their own document."""

    name: str
    document: IdentityDocument
    relationship: Relationship | None = None


@dataclass(frozen=True)
class CancellationRequest:
    """What was brought to the counter (SPEC CAN-4)."""

    reason: CancellationReason
    card_presented: bool = False
    police_certificate_number: str | None = None
    transfer_certificate_number: str | None = None
    holder_document: IdentityDocument | None = None
    representative: RepresentativeInput | None = None
    note: str | None = None


# --- refusals ---------------------------------------------------------------------------------


class MissingCancellationDocument(DomainError):
    code = "missing_cancellation_document"
    status = 422
    rule = "CAN-4"
    message_zh = "因{reason_zh}注销社会保障卡，须提供：{document_zh}"
    message_en = "Cancelling a card for {reason_en} needs {document_en}"


class PresenterNotAccepted(DomainError):
    code = "cancellation_presenter_not_accepted"
    status = 422
    rule = "CAN-4"
    message_zh = "因{reason_zh}注销社会保障卡，须由{allowed_zh}办理"
    message_en = "Cancelling a card for {reason_en} is done by {allowed_en}"


class NotFamilyMember(DomainError):
    code = "not_a_family_member"
    status = 422
    rule = "CAN-4"
    message_zh = "持卡人死亡的，须由其监护人或户籍内家庭成员办理注销"
    message_en = "After a death, the card is cancelled by a guardian or family member"


def _missing(reason: CancellationReason, proof: Proof, *alternatives: Proof) -> DomainError:
    proofs = (proof, *alternatives)
    return MissingCancellationDocument(
        field=proof.field_name,
        reason_zh=reason.label_zh,
        reason_en=reason.label_en,
        document_zh="或".join(p.label_zh for p in proofs),
        document_en=" or ".join(p.label_en for p in proofs),
    )


def _not_accepted(reason: CancellationReason, allowed: list[Presenter], field: str) -> DomainError:
    return PresenterNotAccepted(
        field=field,
        reason_zh=reason.label_zh,
        reason_en=reason.label_en,
        allowed_zh="或".join(p.label_zh for p in allowed),
        allowed_en=" or ".join(p.label_en for p in allowed),
    )


# --- the rules --------------------------------------------------------------------------------


def abroad_presenters(abroad_cancellation_by: tuple[str, ...]) -> list[Presenter]:
    """The city policy's "agent"/"holder" values as presenters, in a stable order (CITY-3)."""
    allowed = {Presenter(v) for v in abroad_cancellation_by if v in ("agent", "holder")}
    return [p for p in (Presenter.AGENT, Presenter.HOLDER) if p in allowed]


def presenter_of(req: CancellationRequest, abroad_cancellation_by: tuple[str, ...]) -> Presenter:
    """SPEC CAN-4: who presents the cancellation, as the reason and the city policy allow."""
    reason = req.reason
    if reason is CancellationReason.DEATH:
        if req.representative is None:
            raise _missing(reason, Proof.FAMILY_MEMBER_ID)
        return Presenter.FAMILY_MEMBER
    if reason is CancellationReason.TRANSFER_OUT_OF_PROVINCE:
        if req.representative is not None:
            raise _not_accepted(reason, [Presenter.HOLDER], "representative")
        return Presenter.HOLDER
    allowed = abroad_presenters(abroad_cancellation_by)
    if req.representative is not None:
        came = Presenter.AGENT
    elif req.holder_document is not None:
        came = Presenter.HOLDER
    else:
        raise _missing(reason, *([_ID_OF[p] for p in allowed] or [Proof.HOLDER_ID]))
    if came not in allowed:
        field = "representative" if came is Presenter.AGENT else "holder_document"
        raise _not_accepted(reason, allowed, field)
    return came


_ID_OF: Final = {
    Presenter.HOLDER: Proof.HOLDER_ID,
    Presenter.FAMILY_MEMBER: Proof.FAMILY_MEMBER_ID,
    Presenter.AGENT: Proof.AGENT_ID,
}


def required_proofs(
    reason: CancellationReason, presenter: Presenter, *, card_lost: bool
) -> tuple[Proof, ...]:
    """SPEC CAN-4: the documents this reason needs from this presenter, in counter order.

    A card in a loss state cannot be handed in: the loss itself stands for it.
    """
    who = _ID_OF[presenter]
    card = () if card_lost else (Proof.CARD,)
    if reason is CancellationReason.DEATH:
        return (who, Proof.RELATIONSHIP, *card, Proof.POLICE_DEATH_CERTIFICATE)
    if reason is CancellationReason.TRANSFER_OUT_OF_PROVINCE:
        return (who, Proof.TRANSFER_CERTIFICATE, *card)
    return (who, Proof.POLICE_ABROAD_CERTIFICATE)


def _has(req: CancellationRequest, proof: Proof) -> bool:
    rep = req.representative
    match proof:
        case Proof.FAMILY_MEMBER_ID | Proof.AGENT_ID:
            return rep is not None
        case Proof.RELATIONSHIP:
            return rep is not None and rep.relationship is not None
        case Proof.HOLDER_ID:
            return req.holder_document is not None
        case Proof.CARD:
            return req.card_presented
        case Proof.POLICE_DEATH_CERTIFICATE | Proof.POLICE_ABROAD_CERTIFICATE:
            return bool(req.police_certificate_number)
        case Proof.TRANSFER_CERTIFICATE:
            return bool(req.transfer_certificate_number)


def check_documents(
    req: CancellationRequest, abroad_cancellation_by: tuple[str, ...], *, card_lost: bool
) -> Presenter:
    """SPEC CAN-4: refuse, naming the first missing document; return who presented."""
    presenter = presenter_of(req, abroad_cancellation_by)
    for proof in required_proofs(req.reason, presenter, card_lost=card_lost):
        if not _has(req, proof):
            raise _missing(req.reason, proof)
    rep = req.representative
    if presenter is Presenter.FAMILY_MEMBER and rep and rep.relationship not in FAMILY:
        raise NotFamilyMember(field="representative.relationship")
    return presenter


LOSSES_FALL_ON_HOLDER: Final = {
    "zh": "因社会保障卡注销造成的社保待遇损失，由持卡人承担",
    "en": "Any loss of social-insurance benefits caused by the cancellation falls on the holder",
}


def next_step_at_bank(bank_name_zh: str, bank_name_en: str) -> dict[str, str]:
    """SPEC CAN-3: what the holder or agent does next, at the card's bank."""
    return {
        "zh": f"请携带社会保障卡、本金融销户通知书和有效身份证件到{bank_name_zh}营业网点"
        "办理金融账户注销，银行回收卡片",
        "en": f"Take the card, this closure notice and a valid ID to an outlet of {bank_name_en}"
        " to close the account; the bank takes the card back",
    }


# ---- a superseded card (LOSS-4, CAN-2, REP-3; issue 11) ----


@dataclass(frozen=True)
class Supersession:
    """The application (replacement or exchange) that superseded a card, and where it stands."""

    reference: str
    status: str
    status_zh: str
    open: bool  # still in progress: it must be withdrawn before the old card can be cancelled
    withdrawn: bool  # withdrawn before collection: the old card stays dead and may be cancelled
    next_step: str | None  # the request that withdraws it, while it is open


class SupersededByOpenApplication(DomainError):
    code = "card_superseded_by_open_application"
    status = 409
    rule = "CAN-2"
    message_zh = (
        "该卡已因申领{reference}（{status_zh}）被新卡取代，申领未办结，不能注销；"
        "请先撤回申领{reference}：{next_step}，再注销本卡"
    )
    message_en = (
        "The card is superseded by application {reference} ({status}), still in progress, so it "
        "cannot be cancelled; withdraw application {reference} first: {next_step}, then cancel "
        "this card"
    )

    def extra(self) -> dict[str, str]:
        return {
            "application_reference": self.params["reference"],
            "next_step": self.params["next_step"],
        }


class SupersededByHandedOverCard(DomainError):
    code = "card_superseded"
    status = 409
    rule = "REP-3"
    message_zh = "该卡已被申领{reference}的新卡取代并已领取，请注销新卡"
    message_en = (
        "The card was replaced by the card of application {reference}, already collected: "
        "cancel that card"
    )


def check_superseded(found: Supersession | None) -> None:
    """Issue 11: a superseded card stays dead (LOSS-4); it may be cancelled only once the
    application that superseded it was withdrawn. While that application is open the refusal
    names it and how to withdraw it (CAN-2); once its card was collected, that card is the one
    to cancel (REP-3)."""
    if found is None:  # no application is known to have superseded it: nothing allows it
        raise CardTransitionRefused.of(HrStatus.SUPERSEDED, CardEvent.CANCEL)
    if found.withdrawn:
        return
    if found.open:
        raise SupersededByOpenApplication(
            field="card_number",
            reference=found.reference,
            status=found.status,
            status_zh=found.status_zh,
            next_step=found.next_step or "",
        )
    raise SupersededByHandedOverCard(field="card_number", reference=found.reference)
