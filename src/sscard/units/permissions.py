"""Operations of the unit channel (issue 13 items 5 and 6; SPEC APP-3, CH-1), and who may do
them.

An outlet clerk registers units and names or ends their agents where the outlet takes
applications (GOV-1: `apply`); the card centre reads them; a unit's agent sees its own unit
only and is the one who uploads the unit's batches.
"""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

REGISTER_UNIT = Operation("register_unit", "登记单位", {R.OUTLET_CLERK}, outlet_operation="apply")
NAME_UNIT_AGENT = Operation(
    "name_unit_agent", "指定单位经办人", {R.OUTLET_CLERK}, outlet_operation="apply"
)
END_UNIT_AGENT = Operation(
    "end_unit_agent", "停用单位经办人", {R.OUTLET_CLERK}, outlet_operation="apply"
)
VIEW_UNIT = Operation("view_unit", "查看单位", {R.OUTLET_CLERK, R.CENTRE_ADMIN, R.UNIT_AGENT})
LIST_UNITS = Operation("list_units", "单位列表", {R.OUTLET_CLERK, R.CENTRE_ADMIN})
UPLOAD_UNIT_BATCH = Operation("upload_unit_batch", "单位批量申领", {R.UNIT_AGENT})
VIEW_BATCH_RESULT = Operation(
    "view_batch_result", "查看批量申领逐行结果", {R.UNIT_AGENT, R.OUTLET_CLERK, R.CENTRE_ADMIN}
)
# The worker judges large batches; the province's operator may run it at once.
PROCESS_UNIT_BATCHES = Operation("process_unit_batches", "处理待校验的批量申领", {R.PROVINCE_ADMIN})

OPERATIONS = (
    REGISTER_UNIT,
    NAME_UNIT_AGENT,
    END_UNIT_AGENT,
    VIEW_UNIT,
    LIST_UNITS,
    UPLOAD_UNIT_BATCH,
    VIEW_BATCH_RESULT,
    PROCESS_UNIT_BATCHES,
)
