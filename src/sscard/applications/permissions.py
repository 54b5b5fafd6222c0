"""Operations of applying, producing, delivering and collecting (SPEC APP, ISS), and who may."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

SUBMIT_APPLICATION = Operation(
    "submit_application", "申领社保卡", {R.OUTLET_CLERK}, outlet_operation="apply"
)
VIEW_APPLICATION = Operation(
    "view_application",
    "查看申领",
    {R.OUTLET_CLERK, R.HOTLINE_AGENT, R.CENTRE_ADMIN, R.CARDHOLDER, R.BANK_SYSTEM},
)
LIST_APPLICATIONS = Operation(
    "list_applications", "申领列表", {R.OUTLET_CLERK, R.CENTRE_ADMIN, R.CARDHOLDER}
)
START_PRODUCTION = Operation("start_production", "开始制卡", {R.CENTRE_ADMIN})
FINISH_PRODUCTION = Operation("finish_production", "完成制卡", {R.CENTRE_ADMIN})
DELIVER_TO_OUTLET = Operation("deliver_to_outlet", "送达网点", {R.CENTRE_ADMIN})
COLLECT_CARD = Operation("collect_card", "领卡", {R.OUTLET_CLERK}, outlet_operation="collect")
# Issue 11: the card centre, or the clerk of the applying outlet (the only clerk who sees it).
WITHDRAW_APPLICATION = Operation(
    "withdraw_application", "撤回申领", {R.OUTLET_CLERK, R.CENTRE_ADMIN}
)

OPERATIONS = (
    SUBMIT_APPLICATION,
    VIEW_APPLICATION,
    LIST_APPLICATIONS,
    START_PRODUCTION,
    FINISH_PRODUCTION,
    DELIVER_TO_OUTLET,
    COLLECT_CARD,
    WITHDRAW_APPLICATION,
)
