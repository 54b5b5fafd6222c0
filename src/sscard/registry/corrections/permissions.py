"""Operations of base-data corrections (SPEC REP-2b), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

CORRECT_BASE_DATA = Operation(
    "correct_base_data", "基础信息变更", {R.OUTLET_CLERK}, outlet_operation="base_data_change"
)  # SPEC REP-2b

OPERATIONS = (CORRECT_BASE_DATA,)
