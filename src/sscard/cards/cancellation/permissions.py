"""Operations of cancellation and its closure notice (SPEC CAN-1..5), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

CANCEL_CARD = Operation(
    "cancel_card", "注销", {R.OUTLET_CLERK}, outlet_operation="cancel"
)  # SPEC CAN-3
VIEW_CLOSURE_NOTICE = Operation(
    "view_closure_notice", "查看金融销户通知书", {R.OUTLET_CLERK, R.CENTRE_ADMIN, R.BANK_SYSTEM}
)

OPERATIONS = (
    CANCEL_CARD,
    VIEW_CLOSURE_NOTICE,
)
