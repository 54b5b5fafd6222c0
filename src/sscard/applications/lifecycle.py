"""The application process as pure rules: kinds, states, transitions, deadlines, representation.

SPEC APP-1..8, ID-3, ID-4, ISS-3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sscard.kernel.errors import DomainError
from sscard.registry.calendar.rules import WorkingCalendar
from sscard.registry.credit.rules import check_note
from sscard.registry.reference.policy import AgentPolicy, CityPolicy, MinorAgent

PHOTO_REQUIRED_FROM_AGE = 7  # SPEC APP-5: 满7周岁
ADULT_AGE = 18


class ApplicationKind(StrEnum):
    FIRST = "first"
    REPLACEMENT = "replacement"
    EXCHANGE = "exchange"
    UPGRADE = "upgrade"


class Making(StrEnum):
    INSTANT = "instant"  # 即时制卡: made on the spot
    FAST = "fast"  # 快速制卡: within N working days
    ONLINE = "online"  # 网上申领: made by the centre and mailed or sent on, within 15 working days


class ApplicationStatus(StrEnum):
    ACCEPTED = "accepted"
    IN_PRODUCTION = "in_production"
    PRODUCED = "produced"
    READY_FOR_COLLECTION = "ready_for_collection"
    MAILED = "mailed"  # 已寄出: an online application's card handed to EMS (APP-4, ISS-3)
    WITH_UNIT = "with_unit"  # 已交单位: a batch's card handed to the unit's agent (APP-3, ISS-3)
    COLLECTED = "collected"
    WITHDRAWN = "withdrawn"  # 撤回: closed before collection; never reopened (issue 11)


class ApplicationEvent(StrEnum):
    START_PRODUCTION = "start_production"
    FINISH_PRODUCTION = "finish_production"
    DELIVER_TO_OUTLET = "deliver_to_outlet"
    COLLECT = "collect"
    SEND_BY_COURIER = "send_by_courier"  # the centre hands the card to EMS, tracking number kept
    CONFIRM_DELIVERY = "confirm_delivery"  # EMS delivered it: collected on delivery (ISS-3)
    RETURN_UNDELIVERED = "return_undelivered"  # EMS brought it back: the centre holds it again
    HAND_TO_UNIT = "hand_to_unit"  # the outlet gives a batch's card to the unit's agent
    DISTRIBUTE = "distribute"  # the signed distribution list says the member received it
    RETURN_TO_STOCK = "return_to_stock"  # not handed out: back to the centre's stock, still open
    WITHDRAW = "withdraw"


S, E = ApplicationStatus, ApplicationEvent
LABEL_ZH: dict[str, str] = {
    S.ACCEPTED: "已受理",
    S.IN_PRODUCTION: "制卡中",
    S.PRODUCED: "已制卡",
    S.READY_FOR_COLLECTION: "待领卡（已到网点）",
    S.MAILED: "已寄出（邮政EMS）",
    S.WITH_UNIT: "已交单位经办人",
    S.COLLECTED: "已领卡",
    S.WITHDRAWN: "已撤回",
    E.START_PRODUCTION: "开始制卡",
    E.FINISH_PRODUCTION: "完成制卡",
    E.DELIVER_TO_OUTLET: "送达网点",
    E.COLLECT: "领卡",
    E.SEND_BY_COURIER: "交邮政EMS寄递",
    E.CONFIRM_DELIVERY: "确认投递签收",
    E.RETURN_UNDELIVERED: "邮件退回",
    E.HAND_TO_UNIT: "交单位经办人领取",
    E.DISTRIBUTE: "单位发放到人",
    E.RETURN_TO_STOCK: "未发放卡退回卡管中心",
    E.WITHDRAW: "撤回申领",
}
TRANSITIONS: dict[tuple[ApplicationStatus, ApplicationEvent], ApplicationStatus] = {
    (S.ACCEPTED, E.START_PRODUCTION): S.IN_PRODUCTION,
    (S.IN_PRODUCTION, E.FINISH_PRODUCTION): S.PRODUCED,
    (S.PRODUCED, E.DELIVER_TO_OUTLET): S.READY_FOR_COLLECTION,
    (S.READY_FOR_COLLECTION, E.COLLECT): S.COLLECTED,
    # Online applications (APP-4): mailed by EMS from the centre, collected on delivery (ISS-3).
    (S.PRODUCED, E.SEND_BY_COURIER): S.MAILED,
    (S.MAILED, E.CONFIRM_DELIVERY): S.COLLECTED,
    (S.MAILED, E.RETURN_UNDELIVERED): S.PRODUCED,
    # Unit batches (APP-3, ISS-3): the agent takes the cards, hands them out and returns the
    # signed list; a card not handed out goes back to the centre's stock, its application open.
    (S.READY_FOR_COLLECTION, E.HAND_TO_UNIT): S.WITH_UNIT,
    (S.WITH_UNIT, E.DISTRIBUTE): S.COLLECTED,
    (S.WITH_UNIT, E.RETURN_TO_STOCK): S.PRODUCED,
    # Withdrawal (issue 11): any open application, by the card centre or the applying counter.
    (S.ACCEPTED, E.WITHDRAW): S.WITHDRAWN,
    (S.IN_PRODUCTION, E.WITHDRAW): S.WITHDRAWN,
    (S.PRODUCED, E.WITHDRAW): S.WITHDRAWN,
    (S.READY_FOR_COLLECTION, E.WITHDRAW): S.WITHDRAWN,
}
# A card away (AWAY_STATUSES) cannot be withdrawn: it comes back first.
CLOSED_STATUSES = frozenset({S.COLLECTED, S.WITHDRAWN})
OPEN_STATUSES = frozenset(set(S) - CLOSED_STATUSES)
# Open, but the card is in the post or in the unit's hands: it has to come back before anything
# else is done with it (withdrawal included).
AWAY_STATUSES = frozenset({S.MAILED, S.WITH_UNIT})
# Instant making runs these on the spot, in one transaction (SPEC APP-2: 立等可取).
INSTANT_EVENTS = (E.START_PRODUCTION, E.FINISH_PRODUCTION, E.DELIVER_TO_OUTLET)


class ApplicationTransitionRefused(DomainError):
    code = "application_transition_refused"
    status = 409
    rule = "APP-7"
    message_zh = "申领当前状态为“{state_zh}”，不能执行“{event_zh}”"
    message_en = "The application is '{state}'; '{event}' is not allowed"


def next_status(state: ApplicationStatus, event: ApplicationEvent) -> ApplicationStatus:
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise ApplicationTransitionRefused(
            state=state.value,
            event=event.value,
            state_zh=LABEL_ZH[state],
            event_zh=LABEL_ZH[event],
        ) from None


# ---- withdrawal (issue 11) ----


class WithdrawalReason(StrEnum):
    """Why an open application is withdrawn (撤回申领); OTHER needs the words that say why."""

    APPLICANT_REQUEST = "applicant_request"  # 申领人要求撤回
    DEATH = "death"  # 申领人死亡 (CAN-1: the card is cancelled next)
    DUPLICATE = "duplicate"  # 重复申领
    ERROR = "error"  # 受理差错
    OTHER = "other"  # 其他，须说明

    @property
    def label_zh(self) -> str:
        return _WITHDRAWAL_ZH[self]


_WITHDRAWAL_ZH = {
    WithdrawalReason.APPLICANT_REQUEST: "申领人要求撤回",
    WithdrawalReason.DEATH: "申领人死亡",
    WithdrawalReason.DUPLICATE: "重复申领",
    WithdrawalReason.ERROR: "受理差错",
    WithdrawalReason.OTHER: "其他",
}
WITHDRAWAL_NOTE_MAX = 200


class Voiding(StrEnum):
    """What withdrawing an application in a given state does to the card being made."""

    NOTHING_MADE = "nothing_made"  # accepted: production never started
    PRODUCTION_STOPPED = "production_stopped"  # in production: no card data exists yet (ISS-1)
    CARD_VOIDED = "card_voided"  # produced or at the outlet: the card is voided and destroyed


# Per state, what withdrawal means. A produced card was never issued: its hr function is voided
# (cards: produced -> cancelled, never to return, CAN-5), the physical card is destroyed where it
# lies (the centre, or the applying outlet once delivered), and its bank, which opened the account
# on the production data (ISS-2), is told and asked to close it.
WITHDRAWAL_MEANS: dict[ApplicationStatus, Voiding] = {
    S.ACCEPTED: Voiding.NOTHING_MADE,
    S.IN_PRODUCTION: Voiding.PRODUCTION_STOPPED,
    S.PRODUCED: Voiding.CARD_VOIDED,
    S.READY_FOR_COLLECTION: Voiding.CARD_VOIDED,
}


class WithdrawalNoteRequired(DomainError):
    code = "withdrawal_note_required"
    status = 422
    rule = "APP-7"
    message_zh = "撤回原因为“其他”时须填写说明"
    message_en = "A withdrawal for 'other' reasons needs a note saying why"


@dataclass(frozen=True)
class Withdrawal:
    """What a withdrawal does: the state it leads to, what becomes of the card, the note kept."""

    to: ApplicationStatus
    voiding: Voiding
    note: str | None


def withdrawal(state: ApplicationStatus, reason: WithdrawalReason, note: str | None) -> Withdrawal:
    """Withdrawing an application in `state`; refused for a closed one (collected: cancel the
    card instead; withdrawn: nothing is left to withdraw). The note is trimmed and may hold no
    ID or phone number (ID-6); 'other' needs one."""
    to = next_status(state, E.WITHDRAW)
    kept = check_note(note)
    if reason is WithdrawalReason.OTHER and kept is None:
        raise WithdrawalNoteRequired(field="note")
    return Withdrawal(to, WITHDRAWAL_MEANS[state], kept)


def withdraw_path(reference: str) -> str:
    """Where an open application is withdrawn (the way forward a refusal names)."""
    return f"/api/v1/applications/{reference}/withdraw"


ONLINE_WORKING_DAYS = 15  # SPEC APP-4 [003]: 网上申领15个工作日内办结


def making_working_days(making: Making, policy: CityPolicy) -> int:
    """The working days a making has: none on the spot, the city's for fast making (APP-2),
    15 for an online application (APP-4)."""
    if making is Making.INSTANT:
        return 0
    if making is Making.ONLINE:
        return ONLINE_WORKING_DAYS
    return policy.fast_making_working_days


def due_date(accepted_on: date, making: Making, policy: CityPolicy, cal: WorkingCalendar) -> date:
    """When the card must be ready (SPEC APP-2, APP-4); raises UnknownCalendarYear rather than
    guess."""
    if making is Making.INSTANT:
        return accepted_on
    return cal.add_working_days(accepted_on, making_working_days(making, policy))


def calendar_days_needed(working_days: int) -> int:
    """Calendar days that surely hold `working_days` working days: China's longest run of
    non-working days (Spring Festival or National Day with the weekends) is under 10 days."""
    return working_days * 3 + 21


def is_overdue(status: ApplicationStatus, due: date | None, today: date) -> bool:
    """Overdue: not yet at the outlet (or collected) after the due date (SPEC APP-7)."""
    waiting = status in (S.ACCEPTED, S.IN_PRODUCTION, S.PRODUCED)
    return waiting and due is not None and today > due


# ---- refusals for applying (SPEC ID-3, ID-4, APP-5, APP-6) ----


class LiveCardExists(DomainError):
    code = "live_card_exists"
    status = 409
    rule = "ID-3"
    message_zh = (
        "该人员已持有有效社会保障卡（卡号{card_number}），省内一人一卡；如需新卡请办理补卡或换卡"
    )
    message_en = (
        "The person already holds a live card ({card_number}): one card per person in the "
        "province. Apply for a replacement or an exchange instead"
    )


class ApplicationInProgress(DomainError):
    code = "application_in_progress"
    status = 409
    rule = "ID-3"
    message_zh = "该人员已有办理中的申领（{reference}），不能重复申领"
    message_en = "The person already has an application in progress ({reference})"


class BankNotInCityList(DomainError):
    code = "bank_not_cooperating"
    status = 422
    rule = "APP-6"
    message_zh = "银行“{bank_code}”不是{city_code}的社保卡合作银行"
    message_en = "Bank '{bank_code}' is not a cooperating bank of city {city_code}"


class PhotoRequired(DomainError):
    code = "photo_required"
    status = 422
    rule = "APP-5"
    message_zh = "满7周岁的申领人须提供符合标准的照片"
    message_en = "Applicants aged 7 or over must supply a photo that meets the standard"


class RepresentativeRequired(DomainError):
    code = "guardian_required"
    status = 422
    rule = "ID-4"
    message_zh = "未成年人或无完全民事行为能力人须由法定监护人代为申领，并提供监护关系证明"
    message_en = (
        "Minors and persons without full civil capacity apply through a legal guardian with "
        "proof of guardianship"
    )


class AgentNotAllowed(DomainError):
    code = "agent_not_allowed"
    status = 422
    rule = "ID-4"
    message_zh = "{reason_zh}"
    message_en = "{reason_en}"


class RepresentativeRole(StrEnum):
    GUARDIAN = "guardian"
    AGENT = "agent"


DIRECT_RELATIVES = frozenset({"parent", "grandparent", "sibling", "spouse", "child", "grandchild"})
GUARDIANSHIP_PROOFS = frozenset({"household_register", "birth_certificate", "guardianship_order"})
SUPPORTED_CASES = frozenset({"elderly", "disabled", "seriously_ill"})


@dataclass(frozen=True)
class Representation:
    """Who acts for the applicant, as the domain sees it (no personal data)."""

    role: RepresentativeRole
    relationship: str
    proof: str | None


def check_representation(
    age: int, full_capacity: bool, rep: Representation | None, policy: CityPolicy
) -> None:
    """SPEC ID-4: guardians for minors and the incapable; agents only as the city allows."""
    needs_guardian = age < ADULT_AGE or not full_capacity
    if needs_guardian:
        _check_guardian(rep, policy, minor=age < ADULT_AGE)
    elif rep is not None and rep.role is RepresentativeRole.AGENT:
        _check_adult_agent(rep, policy)


def _check_guardian(rep: Representation | None, policy: CityPolicy, *, minor: bool) -> None:
    if rep is None:
        raise RepresentativeRequired(field="representative")
    if rep.role is RepresentativeRole.GUARDIAN:
        if rep.proof not in GUARDIANSHIP_PROOFS:
            raise RepresentativeRequired(field="representative.proof")
        return
    # An agent acting for a minor: only where the city allows, and then only a direct relative.
    if not minor or policy.minor_agent is not MinorAgent.DIRECT_RELATIVE:
        raise RepresentativeRequired(field="representative.role")
    if rep.relationship not in DIRECT_RELATIVES:
        raise AgentNotAllowed(
            field="representative.relationship",
            reason_zh="本市规定未成年人的代办人须为直系亲属",
            reason_en="In this city a minor's agent must be a direct relative",
        )


def _check_adult_agent(rep: Representation, policy: CityPolicy) -> None:
    if policy.agent_policy is AgentPolicy.ANYONE:
        return
    if rep.proof not in SUPPORTED_CASES:
        raise AgentNotAllowed(
            field="representative.proof",
            reason_zh="本市仅允许老年人、残疾人、重病患者等特殊情形由他人代办，须提供相应证明",
            reason_en=(
                "In this city an agent may apply only for elderly, disabled or seriously ill "
                "persons, with supporting documents"
            ),
        )


# ---- how the card reaches its holder (issue 13; SPEC APP-4, APP-1, ISS-3) ----


class DeliveryMode(StrEnum):
    EMS = "ems"  # 邮政EMS寄递，到付 (APP-4)
    OUTLET = "outlet"  # 网点领取，可跨市 (APP-1: 收受分离)


class NotThisWay(DomainError):
    code = "delivery_mode_mismatch"
    status = 409
    rule = "APP-4"
    message_zh = "该申领的领卡方式为“{mode_zh}”，不能“{event_zh}”"
    message_en = "This application's card goes by '{mode}'; '{event}' does not apply"


MODE_ZH = {None: "网点领取", DeliveryMode.EMS: "邮政EMS寄递", DeliveryMode.OUTLET: "网点领取"}
# What each way of reaching the holder allows; an application of the counter has no delivery row
# and is collected at its outlet.
MODE_EVENTS: dict[DeliveryMode | None, frozenset[ApplicationEvent]] = {
    None: frozenset({E.DELIVER_TO_OUTLET}),
    DeliveryMode.OUTLET: frozenset({E.DELIVER_TO_OUTLET}),
    DeliveryMode.EMS: frozenset({E.SEND_BY_COURIER, E.CONFIRM_DELIVERY, E.RETURN_UNDELIVERED}),
}
DELIVERY_EVENTS = frozenset().union(*MODE_EVENTS.values())


def check_delivery_event(mode: DeliveryMode | None, event: ApplicationEvent) -> None:
    """A card goes to an outlet or into the post, as the application chose (APP-4, ISS-3)."""
    if event in DELIVERY_EVENTS and event not in MODE_EVENTS[mode]:
        raise NotThisWay(
            field="event",
            mode=(mode or DeliveryMode.OUTLET).value,
            mode_zh=MODE_ZH[mode],
            event=event.value,
            event_zh=LABEL_ZH[event],
        )
