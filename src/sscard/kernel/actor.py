"""Roles, channels and which role may do which operation (SPEC CH-1). Pure data.

The allowed set is a table: a (role, operation) pair not listed here is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sscard.kernel.errors import Forbidden


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
    SWEEP = "sweep"  # the service itself, e.g. a temporary loss lifting after 7 days
    ONSITE = "onsite"  # a bank's visit to a holder unable to travel (SPEC ISS-4, CH-1)


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
    VIEW_CARD = "view_card"
    REPORT_TEMPORARY_LOSS = "report_temporary_loss"
    REPORT_FORMAL_LOSS = "report_formal_loss"
    UNLOCK_CARD = "unlock_card"
    CHECK_CARD_USE = "check_card_use"
    SWEEP_LOSSES = "sweep_losses"
    REPORT_FINANCIAL_STATUS = "report_financial_status"
    APPLY_REPLACEMENT = "apply_replacement"
    APPLY_EXCHANGE = "apply_exchange"
    APPLY_UPGRADE = "apply_upgrade"
    ISSUE_TEMPORARY_MEDICAL_CARD = "issue_temporary_medical_card"
    CORRECT_BASE_DATA = "correct_base_data"
    LIST_EXPIRING_CARDS = "list_expiring_cards"
    RECORD_CREDIT_ENTRY = "record_credit_entry"
    VIEW_CREDIT_RECORD = "view_credit_record"
    VIEW_NOTIFICATIONS = "view_notifications"
    DELIVER_NOTIFICATIONS = "deliver_notifications"
    SET_HR_PASSWORD = "set_hr_password"
    RESET_HR_PASSWORD = "reset_hr_password"
    VERIFY_HR_PASSWORD = "verify_hr_password"
    CANCEL_CARD = "cancel_card"
    VIEW_CLOSURE_NOTICE = "view_closure_notice"
    CHANGE_CARD_CITY = "change_card_city"
    RESET_SOCIAL_DATA = "reset_social_data"
    VIEW_OUTBOX = "view_outbox"
    REPLAY_OUTBOX = "replay_outbox"
    CONFIGURE_ENDPOINT = "configure_endpoint"
    SUBMIT_BANK_REPORT = "submit_bank_report"
    VIEW_BANK_INBOX = "view_bank_inbox"
    RECONCILE_BANK = "reconcile_bank"
    VIEW_RECONCILIATION = "view_reconciliation"


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
    Operation.VIEW_CARD: "查看卡片",
    Operation.REPORT_TEMPORARY_LOSS: "临时挂失",
    Operation.REPORT_FORMAL_LOSS: "正式挂失",
    Operation.UNLOCK_CARD: "解挂",
    Operation.CHECK_CARD_USE: "查询卡片可否使用",
    Operation.SWEEP_LOSSES: "到期自动解挂",
    Operation.REPORT_FINANCIAL_STATUS: "报送金融功能状态",
    Operation.APPLY_REPLACEMENT: "补卡",
    Operation.APPLY_EXCHANGE: "换卡",
    Operation.APPLY_UPGRADE: "升级换代",
    Operation.ISSUE_TEMPORARY_MEDICAL_CARD: "发放临时医保卡",
    Operation.CORRECT_BASE_DATA: "基础信息变更",
    Operation.LIST_EXPIRING_CARDS: "到期换卡提醒名单",
    Operation.RECORD_CREDIT_ENTRY: "记入人社信用记录",
    Operation.VIEW_CREDIT_RECORD: "查看人社信用记录",
    Operation.VIEW_NOTIFICATIONS: "查看通知",
    Operation.DELIVER_NOTIFICATIONS: "发送通知",
    Operation.SET_HR_PASSWORD: "设置/修改社保密码",
    Operation.RESET_HR_PASSWORD: "重置社保密码",
    Operation.VERIFY_HR_PASSWORD: "校验社保密码",
    Operation.CANCEL_CARD: "注销",
    Operation.VIEW_CLOSURE_NOTICE: "查看金融销户通知书",
    Operation.CHANGE_CARD_CITY: "变更管理城市",
    Operation.RESET_SOCIAL_DATA: "重置社保数据",
    Operation.VIEW_OUTBOX: "查看待发消息",
    Operation.REPLAY_OUTBOX: "重发消息",
    Operation.CONFIGURE_ENDPOINT: "配置银行接口",
    Operation.SUBMIT_BANK_REPORT: "银行报送",
    Operation.VIEW_BANK_INBOX: "查看银行报送",
    Operation.RECONCILE_BANK: "银行对账",
    Operation.VIEW_RECONCILIATION: "查看对账结果",
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
    Operation.VIEW_CARD: frozenset(
        {R.OUTLET_CLERK, R.HOTLINE_AGENT, R.CENTRE_ADMIN, R.CARDHOLDER, R.BANK_SYSTEM}
    ),
    Operation.REPORT_TEMPORARY_LOSS: frozenset({R.HOTLINE_AGENT}),  # SPEC LOSS-1
    Operation.REPORT_FORMAL_LOSS: frozenset({R.OUTLET_CLERK, R.CARDHOLDER}),  # SPEC LOSS-2
    Operation.UNLOCK_CARD: frozenset({R.HOTLINE_AGENT, R.OUTLET_CLERK, R.CARDHOLDER}),
    Operation.CHECK_CARD_USE: frozenset(
        {R.OUTLET_CLERK, R.HOTLINE_AGENT, R.CENTRE_ADMIN, R.BANK_SYSTEM}
    ),
    Operation.SWEEP_LOSSES: frozenset({R.CENTRE_ADMIN}),
    # Until the bank integration, the bank tells us its financial function's state here.
    Operation.REPORT_FINANCIAL_STATUS: frozenset({R.BANK_SYSTEM}),
    Operation.APPLY_REPLACEMENT: frozenset({R.OUTLET_CLERK}),  # SPEC REP-1
    Operation.APPLY_EXCHANGE: frozenset({R.OUTLET_CLERK}),  # SPEC REP-2
    Operation.APPLY_UPGRADE: frozenset({R.OUTLET_CLERK}),  # SPEC GEN-3
    Operation.ISSUE_TEMPORARY_MEDICAL_CARD: frozenset({R.OUTLET_CLERK}),  # SPEC REP-1
    Operation.CORRECT_BASE_DATA: frozenset({R.OUTLET_CLERK}),  # SPEC REP-2b
    Operation.LIST_EXPIRING_CARDS: frozenset({R.CENTRE_ADMIN}),  # SPEC ISS-7
    Operation.RECORD_CREDIT_ENTRY: frozenset({R.CENTRE_ADMIN}),  # SPEC REP-5
    Operation.VIEW_CREDIT_RECORD: frozenset({R.CENTRE_ADMIN, R.OUTLET_CLERK, R.HOTLINE_AGENT}),
    Operation.VIEW_NOTIFICATIONS: frozenset({R.CENTRE_ADMIN}),
    Operation.DELIVER_NOTIFICATIONS: frozenset({R.CENTRE_ADMIN}),
    Operation.SET_HR_PASSWORD: frozenset({R.OUTLET_CLERK}),  # SPEC PWD-1
    Operation.RESET_HR_PASSWORD: frozenset({R.OUTLET_CLERK}),  # SPEC PWD-3
    Operation.VERIFY_HR_PASSWORD: frozenset({R.OUTLET_CLERK, R.HOTLINE_AGENT, R.BANK_SYSTEM}),
    Operation.CANCEL_CARD: frozenset({R.OUTLET_CLERK}),  # SPEC CAN-3
    Operation.VIEW_CLOSURE_NOTICE: frozenset({R.OUTLET_CLERK, R.CENTRE_ADMIN, R.BANK_SYSTEM}),
    Operation.CHANGE_CARD_CITY: frozenset({R.OUTLET_CLERK}),  # SPEC JUR-1
    Operation.RESET_SOCIAL_DATA: frozenset({R.OUTLET_CLERK}),  # SPEC JUR-1
    Operation.VIEW_OUTBOX: frozenset({R.CENTRE_ADMIN}),
    Operation.REPLAY_OUTBOX: frozenset({R.CENTRE_ADMIN}),
    Operation.CONFIGURE_ENDPOINT: frozenset({R.CENTRE_ADMIN}),
    Operation.SUBMIT_BANK_REPORT: frozenset({R.BANK_SYSTEM}),  # SPEC ISS-2, ISS-4, LOSS-2/3
    Operation.VIEW_BANK_INBOX: frozenset({R.CENTRE_ADMIN}),
    Operation.RECONCILE_BANK: frozenset({R.CENTRE_ADMIN}),
    Operation.VIEW_RECONCILIATION: frozenset({R.CENTRE_ADMIN}),
}

# Outlet operations (SPEC GOV-1) an outlet must offer before its clerks may do the operation.
OUTLET_OPERATION: dict[Operation, str] = {
    Operation.SUBMIT_APPLICATION: "apply",
    Operation.COLLECT_CARD: "collect",
    Operation.REPORT_FORMAL_LOSS: "formal_loss",
    Operation.UNLOCK_CARD: "unlock",
    Operation.APPLY_REPLACEMENT: "replace",
    Operation.APPLY_EXCHANGE: "exchange",
    Operation.APPLY_UPGRADE: "upgrade",
    Operation.ISSUE_TEMPORARY_MEDICAL_CARD: "temporary_medical_card",
    Operation.CORRECT_BASE_DATA: "base_data_change",
    Operation.SET_HR_PASSWORD: "password",
    Operation.RESET_HR_PASSWORD: "password",
    Operation.CANCEL_CARD: "cancel",
    Operation.CHANGE_CARD_CITY: "jurisdiction_change",
    Operation.RESET_SOCIAL_DATA: "jurisdiction_change",
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
