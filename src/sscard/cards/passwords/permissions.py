"""Operations of the hr password (SPEC PWD-1..3), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

SET_HR_PASSWORD = Operation(
    "set_hr_password", "设置/修改社保密码", {R.OUTLET_CLERK}, outlet_operation="password"
)  # SPEC PWD-1
RESET_HR_PASSWORD = Operation(
    "reset_hr_password", "重置社保密码", {R.OUTLET_CLERK}, outlet_operation="password"
)  # SPEC PWD-3
VERIFY_HR_PASSWORD = Operation(
    "verify_hr_password", "校验社保密码", {R.OUTLET_CLERK, R.HOTLINE_AGENT, R.BANK_SYSTEM}
)

OPERATIONS = (
    SET_HR_PASSWORD,
    RESET_HR_PASSWORD,
    VERIFY_HR_PASSWORD,
)
