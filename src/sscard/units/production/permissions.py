"""Operations of a batch's progress and its production as a whole (issue 13 item 8; SPEC
APP-3, APP-7, ISS-1), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# The unit's agent follows its own unit's batches; the collecting outlet's clerk and the card
# centre of the batch's city see them too (collection, the production queue).
VIEW_BATCH_PROGRESS = Operation(
    "view_batch_progress", "查看批量申领进度", {R.UNIT_AGENT, R.OUTLET_CLERK, R.CENTRE_ADMIN}
)
START_BATCH_PRODUCTION = Operation("start_batch_production", "整批开始制卡", {R.CENTRE_ADMIN})
FINISH_BATCH_PRODUCTION = Operation("finish_batch_production", "整批完成制卡", {R.CENTRE_ADMIN})
DELIVER_BATCH_TO_OUTLET = Operation("deliver_batch_to_outlet", "整批送达网点", {R.CENTRE_ADMIN})

OPERATIONS = (
    VIEW_BATCH_PROGRESS,
    START_BATCH_PRODUCTION,
    FINISH_BATCH_PRODUCTION,
    DELIVER_BATCH_TO_OUTLET,
)
