"""Operations of the transport wallet (SPEC TRN-1..4), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# A transport (citizen-card) outlet loads the T-Union application and opens the purse (TRN-1).
LOAD_TRANSPORT = Operation(
    "load_transport", "开通交通联合功能", {R.OUTLET_CLERK}, outlet_operation="transport_load"
)
# A top-up at an outlet: authorised, then confirmed by the write to the card, or reversed (TRN-2).
TOP_UP_TRANSPORT = Operation(
    "top_up_transport", "交通钱包充值", {R.OUTLET_CLERK}, outlet_operation="transport_top_up"
)
# A self-service kiosk or a phone app over NFC tops the purse up, signing as a terminal (TRN-2).
TOP_UP_AT_TERMINAL = Operation("top_up_at_terminal", "自助或手机NFC充值", {R.SCENE_TERMINAL})
# The balance refunded (退值) and the purse closed at the operator's own outlet (TRN-4, REP-4).
REFUND_TRANSPORT = Operation(
    "refund_transport", "交通钱包退值", {R.OUTLET_CLERK}, outlet_operation="transport_refund"
)
# The purse's balance and writes: the holder, an outlet, 12333 (no person in it: anonymous).
VIEW_TRANSPORT = Operation(
    "view_transport",
    "查询交通钱包",
    {R.CARDHOLDER, R.OUTLET_CLERK, R.HOTLINE_AGENT, R.CENTRE_ADMIN, R.PROVINCE_ADMIN},
)

# A transit operator's reader debits a fare from the purse, signing like any scene (TRN-3).
DEBIT_FARE = Operation("debit_fare", "乘车扣款", {R.SCENE_TERMINAL})

# The daily clearing between cities: what each operator took from cards of each city (item 5).
VIEW_TRANSPORT_CLEARING = Operation(
    "view_transport_clearing",
    "查看交通联合日清算",
    {R.PROVINCE_ADMIN, R.CENTRE_ADMIN, R.AUDITOR},
)

# A clearing file's report, page by page: the centre, and the uploading operator's own
# terminals (which of their lines were not applied, and why: TRN-3).
VIEW_CLEARING_FILE = Operation(
    "view_clearing_file",
    "查看清算文件结果",
    {R.PROVINCE_ADMIN, R.CENTRE_ADMIN, R.AUDITOR, R.SCENE_TERMINAL},
)

OPERATIONS = (
    LOAD_TRANSPORT,
    TOP_UP_TRANSPORT,
    TOP_UP_AT_TERMINAL,
    REFUND_TRANSPORT,
    VIEW_TRANSPORT,
    DEBIT_FARE,
    VIEW_TRANSPORT_CLEARING,
    VIEW_CLEARING_FILE,
)
