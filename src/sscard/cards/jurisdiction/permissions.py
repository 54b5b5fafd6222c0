"""Operations of the card-management city (SPEC JUR-1), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

CHANGE_CARD_CITY = Operation(
    "change_card_city", "变更管理城市", {R.OUTLET_CLERK}, outlet_operation="jurisdiction_change"
)  # SPEC JUR-1
RESET_SOCIAL_DATA = Operation(
    "reset_social_data", "重置社保数据", {R.OUTLET_CLERK}, outlet_operation="jurisdiction_change"
)  # SPEC JUR-1

OPERATIONS = (
    CHANGE_CARD_CITY,
    RESET_SOCIAL_DATA,
)
