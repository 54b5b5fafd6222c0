"""Who acts: roles, channels, the actor, and the operation check every use case starts with.

SPEC CH-1. Which role may do an operation is declared by the context that owns the operation
(its `permissions.py`); a role not listed there is refused. Pure data, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sscard.kernel.errors import Forbidden


class Role(StrEnum):
    OUTLET_CLERK = "outlet_clerk"
    HOTLINE_AGENT = "hotline_agent"
    BANK_SYSTEM = "bank_system"
    CENTRE_ADMIN = "centre_admin"  # one city's card centre: bound to its city (issue 11)
    PROVINCE_ADMIN = "province_admin"  # the provincial centre: every city, province-wide data
    AUDITOR = "auditor"  # reads the access log and histories, read-only (SPEC GOV-5, ID-6)
    CARDHOLDER = "cardholder"
    UNIT_AGENT = "unit_agent"
    SCENE_TERMINAL = "scene_terminal"  # a registered scene's terminal, signing its requests
    MEDICAL_FUND = "medical_fund"  # the medical-insurance fund's system (MED-2 credits)
    DELTA_NODE = "delta_node"  # another delta province's card node, signing its questions (YRD-3)
    PAYER = "payer"  # a benefit payer's system: pensions, unemployment, subsidies (PAY-1)
    PAYEE = "payee"  # a payee's system collecting by mandate: contributions, utilities (PAY-1)


class Channel(StrEnum):
    HR_OUTLET = "hr_outlet"
    BANK_OUTLET = "bank_outlet"
    HOTLINE = "hotline"
    ONLINE = "online"
    UNIT_BATCH = "unit_batch"
    SYSTEM = "system"
    CENTRE = "centre"
    OPERATOR_CLI = "operator_cli"
    SWEEP = "sweep"  # the service itself, e.g. a temporary loss lifting after 7 days
    ONSITE = "onsite"  # a bank's visit to a holder unable to travel (SPEC ISS-4, CH-1)
    SCENE = "scene"  # a place that accepts the card: hospital, scenic spot, hotel (SCN-1)


CHANNEL_ZH: dict[Channel, str] = {
    Channel.HR_OUTLET: "人社网点",
    Channel.BANK_OUTLET: "银行网点",
    Channel.HOTLINE: "12333热线",
    Channel.ONLINE: "网上办理",
    Channel.UNIT_BATCH: "单位批量",
    Channel.SYSTEM: "系统接口",
    Channel.CENTRE: "卡管中心",
    Channel.OPERATOR_CLI: "运维命令行",
    Channel.SWEEP: "系统自动处理",
    Channel.ONSITE: "银行上门服务",
    Channel.SCENE: "用卡场景",
}

ROLE_ZH: dict[Role, str] = {
    Role.OUTLET_CLERK: "网点柜员",
    Role.HOTLINE_AGENT: "12333坐席",
    Role.BANK_SYSTEM: "银行系统",
    Role.CENTRE_ADMIN: "卡管中心管理员",
    Role.PROVINCE_ADMIN: "省卡管中心管理员",
    Role.AUDITOR: "审计员",
    Role.CARDHOLDER: "持卡人",
    Role.UNIT_AGENT: "单位经办人",
    Role.SCENE_TERMINAL: "用卡场景终端",
    Role.MEDICAL_FUND: "医保基金系统",
    Role.DELTA_NODE: "长三角社保卡节点",
    Role.PAYER: "待遇发放机构系统",
    Role.PAYEE: "代扣收费单位系统",
}

ROLE_EN: dict[Role, str] = {
    Role.OUTLET_CLERK: "Outlet clerk",
    Role.HOTLINE_AGENT: "12333 hotline agent",
    Role.BANK_SYSTEM: "Bank system",
    Role.CENTRE_ADMIN: "Card centre administrator",
    Role.PROVINCE_ADMIN: "Provincial card centre administrator",
    Role.AUDITOR: "Auditor",
    Role.CARDHOLDER: "Cardholder",
    Role.UNIT_AGENT: "Unit agent",
    Role.SCENE_TERMINAL: "Card-use scene terminal",
    Role.MEDICAL_FUND: "Medical insurance fund system",
    Role.DELTA_NODE: "Yangtze River Delta card node",
    Role.PAYER: "Benefit payer system",
    Role.PAYEE: "Collecting payee system",
}


@dataclass(frozen=True, init=False)
class Operation:
    """One thing an actor may ask of sscard, declared by the context that does it (SPEC CH-1).

    `roles` may do it; a clerk may do it only where the outlet offers `outlet_operation` (GOV-1).
    Each context lists its operations in its `permissions.py`; a role outside `roles` is refused.
    What a city's centre administrator may do in its city, the province administrator may do in
    every city: listing CENTRE_ADMIN grants PROVINCE_ADMIN too. An operation on province-wide
    data (the calendar, the banks' links, the clock) lists PROVINCE_ADMIN alone.
    """

    name: str
    label_zh: str
    roles: frozenset[Role]
    outlet_operation: str | None

    def __init__(
        self,
        name: str,
        label_zh: str,
        roles: Iterable[Role],
        outlet_operation: str | None = None,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "label_zh", label_zh)
        granted = frozenset(roles)
        if Role.CENTRE_ADMIN in granted:
            granted |= {Role.PROVINCE_ADMIN}
        object.__setattr__(self, "roles", granted)
        object.__setattr__(self, "outlet_operation", outlet_operation)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Actor:
    """An authenticated caller: a token bound to a role and its organisation."""

    id: int | None
    role: Role
    display_name: str
    outlet_id: int | None = None
    outlet_kind: str | None = None
    outlet_operations: frozenset[str] = frozenset()
    city_code: str | None = None
    bank_code: str | None = None
    person_id: int | None = None
    unit_code: str | None = None
    via: Channel | None = None  # a fixed channel, e.g. the operator's command line

    @property
    def channel(self) -> Channel:
        if self.via is not None:
            return self.via
        if self.role is Role.OUTLET_CLERK:
            return Channel.BANK_OUTLET if self.outlet_kind == "bank" else Channel.HR_OUTLET
        return ROLE_CHANNEL[self.role]


ROLE_CHANNEL: dict[Role, Channel] = {
    Role.HOTLINE_AGENT: Channel.HOTLINE,
    Role.BANK_SYSTEM: Channel.SYSTEM,
    Role.CENTRE_ADMIN: Channel.CENTRE,
    Role.PROVINCE_ADMIN: Channel.CENTRE,
    Role.AUDITOR: Channel.CENTRE,
    Role.CARDHOLDER: Channel.ONLINE,
    Role.UNIT_AGENT: Channel.UNIT_BATCH,
    Role.SCENE_TERMINAL: Channel.SCENE,
    Role.MEDICAL_FUND: Channel.SYSTEM,
    Role.DELTA_NODE: Channel.SYSTEM,
    Role.PAYER: Channel.SYSTEM,
    Role.PAYEE: Channel.SYSTEM,
}

OPERATOR = Actor(
    id=None, role=Role.PROVINCE_ADMIN, display_name="operator (CLI)", via=Channel.OPERATOR_CLI
)


class OutletDoesNotOffer(Forbidden):
    code = "outlet_does_not_offer"
    rule = "GOV-1"
    message_zh = "本网点不办理“{operation_zh}”业务"
    message_en = "This outlet does not offer '{operation}'"


def forbidden(role: Role, operation: Operation) -> Forbidden:
    """The refusal of an operation to a role (SPEC CH-1), named in both languages."""
    return Forbidden(
        role=role.value,
        operation=operation.name,
        role_zh=ROLE_ZH[role],
        operation_zh=operation.label_zh,
    )


def authorize(actor: Actor, operation: Operation) -> None:
    """Refuse (Forbidden, OutletDoesNotOffer) unless the actor's role may do the operation and,
    for a clerk, the outlet offers it (SPEC CH-1, GOV-1)."""
    if actor.role not in operation.roles:
        raise forbidden(actor.role, operation)
    outlet_op = operation.outlet_operation
    if actor.role is Role.OUTLET_CLERK and outlet_op and outlet_op not in actor.outlet_operations:
        raise OutletDoesNotOffer(operation=outlet_op, operation_zh=operation.label_zh)


class OutsideYourCity(Forbidden):
    code = "outside_your_city"
    rule = "CH-1"
    message_zh = "您属于{own}卡管中心，不能办理{city}的业务"
    message_en = "You belong to the card centre of {own}; {city} is not yours to act on"


def city_scope(actor: Actor) -> str | None:
    """The one city an actor's view and acts are bound to, or None for province-wide.

    A city's centre administrator and hotline agent (when bound) are; so is a clerk, to its
    outlet's city, for the lists it reads. Province administrators, banks, auditors and the
    service itself are not."""
    if actor.role in (Role.CENTRE_ADMIN, Role.HOTLINE_AGENT, Role.OUTLET_CLERK):
        return actor.city_code
    return None


def require_own_city(actor: Actor, city_code: str, field: str) -> None:
    """OutsideYourCity unless a city-bound administrator acts on its own city (issue 11)."""
    if actor.role is Role.CENTRE_ADMIN and actor.city_code != city_code:
        raise OutsideYourCity(field=field, own=actor.city_code, city=city_code)
