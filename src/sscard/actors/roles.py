"""Roles, channels and which role may do which operation (SPEC CH-1). Pure data.

The allowed set is a table: a (role, operation) pair not listed here is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sscard.errors import Forbidden


class Role(StrEnum):
    OUTLET_CLERK = "outlet_clerk"
    HOTLINE_AGENT = "hotline_agent"
    BANK_SYSTEM = "bank_system"
    CENTRE_ADMIN = "centre_admin"
    CARDHOLDER = "cardholder"
    UNIT_AGENT = "unit_agent"


class Channel(StrEnum):
    HR_OUTLET = "hr_outlet"
    BANK_OUTLET = "bank_outlet"
    HOTLINE = "hotline"
    ONLINE = "online"
    UNIT_BATCH = "unit_batch"
    SYSTEM = "system"
    CENTRE = "centre"
    OPERATOR_CLI = "operator_cli"


class Operation(StrEnum):
    REGISTER_PERSON = "register_person"
    ATTACH_PHOTO = "attach_photo"
    LOOKUP_PERSON = "lookup_person"
    SUBMIT_APPLICATION = "submit_application"
    VIEW_APPLICATION = "view_application"
    LIST_APPLICATIONS = "list_applications"
    START_PRODUCTION = "start_production"
    FINISH_PRODUCTION = "finish_production"
    DELIVER_TO_OUTLET = "deliver_to_outlet"
    COLLECT_CARD = "collect_card"
    VIEW_HISTORY = "view_history"
    EDIT_REFERENCE_DATA = "edit_reference_data"
    LOAD_CALENDAR_YEAR = "load_calendar_year"
    CREATE_ACTOR = "create_actor"
    MOVE_CLOCK = "move_clock"


ROLE_ZH: dict[Role, str] = {
    Role.OUTLET_CLERK: "网点柜员",
    Role.HOTLINE_AGENT: "12333坐席",
    Role.BANK_SYSTEM: "银行系统",
    Role.CENTRE_ADMIN: "卡管中心管理员",
    Role.CARDHOLDER: "持卡人",
    Role.UNIT_AGENT: "单位经办人",
}
OPERATION_ZH: dict[Operation, str] = {
    Operation.REGISTER_PERSON: "人员登记",
    Operation.ATTACH_PHOTO: "采集照片",
    Operation.LOOKUP_PERSON: "查询人员",
    Operation.SUBMIT_APPLICATION: "申领社保卡",
    Operation.VIEW_APPLICATION: "查看申领",
    Operation.LIST_APPLICATIONS: "申领列表",
    Operation.START_PRODUCTION: "开始制卡",
    Operation.FINISH_PRODUCTION: "完成制卡",
    Operation.DELIVER_TO_OUTLET: "送达网点",
    Operation.COLLECT_CARD: "领卡",
    Operation.VIEW_HISTORY: "查看操作记录",
    Operation.EDIT_REFERENCE_DATA: "维护基础数据",
    Operation.LOAD_CALENDAR_YEAR: "载入节假日安排",
    Operation.CREATE_ACTOR: "管理操作员",
    Operation.MOVE_CLOCK: "调整时钟",
}

R = Role
PERMISSIONS: dict[Operation, frozenset[Role]] = {
    Operation.REGISTER_PERSON: frozenset({R.OUTLET_CLERK}),
    Operation.ATTACH_PHOTO: frozenset({R.OUTLET_CLERK}),
    Operation.LOOKUP_PERSON: frozenset({R.OUTLET_CLERK, R.HOTLINE_AGENT, R.CENTRE_ADMIN}),
    Operation.SUBMIT_APPLICATION: frozenset({R.OUTLET_CLERK}),
    Operation.VIEW_APPLICATION: frozenset(
        {R.OUTLET_CLERK, R.HOTLINE_AGENT, R.CENTRE_ADMIN, R.CARDHOLDER, R.BANK_SYSTEM}
    ),
    Operation.LIST_APPLICATIONS: frozenset({R.OUTLET_CLERK, R.CENTRE_ADMIN, R.CARDHOLDER}),
    Operation.START_PRODUCTION: frozenset({R.CENTRE_ADMIN}),
    Operation.FINISH_PRODUCTION: frozenset({R.CENTRE_ADMIN}),
    Operation.DELIVER_TO_OUTLET: frozenset({R.CENTRE_ADMIN}),
    Operation.COLLECT_CARD: frozenset({R.OUTLET_CLERK}),
    Operation.VIEW_HISTORY: frozenset({R.CENTRE_ADMIN, R.HOTLINE_AGENT, R.OUTLET_CLERK}),
    Operation.EDIT_REFERENCE_DATA: frozenset({R.CENTRE_ADMIN}),
    Operation.LOAD_CALENDAR_YEAR: frozenset({R.CENTRE_ADMIN}),
    Operation.CREATE_ACTOR: frozenset({R.CENTRE_ADMIN}),
    Operation.MOVE_CLOCK: frozenset({R.CENTRE_ADMIN}),
}

# Outlet operations (SPEC GOV-1) an outlet must offer before its clerks may do the operation.
OUTLET_OPERATION: dict[Operation, str] = {
    Operation.SUBMIT_APPLICATION: "apply",
    Operation.COLLECT_CARD: "collect",
}


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
    Role.CARDHOLDER: Channel.ONLINE,
    Role.UNIT_AGENT: Channel.UNIT_BATCH,
}

OPERATOR = Actor(
    id=None, role=Role.CENTRE_ADMIN, display_name="operator (CLI)", via=Channel.OPERATOR_CLI
)


class OutletDoesNotOffer(Forbidden):
    code = "outlet_does_not_offer"
    rule = "GOV-1"
    message_zh = "本网点不办理“{operation_zh}”业务"
    message_en = "This outlet does not offer '{operation}'"


def forbidden(role: Role, operation: Operation) -> Forbidden:
    return Forbidden(
        role=role.value,
        operation=operation.value,
        role_zh=ROLE_ZH[role],
        operation_zh=OPERATION_ZH[operation],
    )


def authorize(actor: Actor, operation: Operation) -> None:
    """Refuse unless the actor's role may do the operation (and its outlet offers it)."""
    if actor.role not in PERMISSIONS.get(operation, frozenset()):
        raise forbidden(actor.role, operation)
    outlet_op = OUTLET_OPERATION.get(operation)
    if actor.role is Role.OUTLET_CLERK and outlet_op and outlet_op not in actor.outlet_operations:
        raise OutletDoesNotOffer(operation=outlet_op, operation_zh=OPERATION_ZH[operation])
