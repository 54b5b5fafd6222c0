"""Operations of the ecard password (SPEC ECARD-3, PWD-2/3), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

SET_ECARD_PASSWORD = Operation("set_ecard_password", "设置/修改电子社保卡密码", {Role.CARDHOLDER})
RESET_ECARD_PASSWORD = Operation(
    "reset_ecard_password", "重置电子社保卡密码", {Role.OUTLET_CLERK}, outlet_operation="password"
)

OPERATIONS = (SET_ECARD_PASSWORD, RESET_ECARD_PASSWORD)
