"""Operations of collection by the unit (SPEC ISS-3, APP-3), and who may do them: the clerk of
the outlet where the batch collects, where the outlet offers collection (GOV-1)."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

HAND_BATCH_TO_UNIT = Operation(
    "hand_batch_to_unit",
    "单位领卡（交经办人或物流寄送）",
    {R.OUTLET_CLERK},
    outlet_operation="collect",
)
RECORD_BATCH_DELIVERY = Operation(
    "record_batch_delivery", "登记物流送达", {R.OUTLET_CLERK}, outlet_operation="collect"
)
RECORD_DISTRIBUTION_LIST = Operation(
    "record_distribution_list", "登记单位发放明细表", {R.OUTLET_CLERK}, outlet_operation="collect"
)

OPERATIONS = (HAND_BATCH_TO_UNIT, RECORD_BATCH_DELIVERY, RECORD_DISTRIBUTION_LIST)
