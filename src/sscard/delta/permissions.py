"""Operations of the delta exchange (SPEC YRD-1..3), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# Another province's node asks whether a Jiangsu card may be used at one of its scenes (YRD-1).
ANSWER_DELTA_QUESTION = Operation(
    "answer_delta_question", "长三角节点查询本省社保卡可用状态", {R.DELTA_NODE}
)
# The province links the other provinces' nodes (their address, token and key; YRD-3).
LINK_DELTA_NODE = Operation("link_delta_node", "配置长三角其他省份节点", {R.PROVINCE_ADMIN})
# What crossed the exchange, counted: no card in it.
VIEW_DELTA = Operation(
    "view_delta", "查看长三角一卡通数据交换", {R.PROVINCE_ADMIN, R.CENTRE_ADMIN, R.AUDITOR}
)

OPERATIONS = (ANSWER_DELTA_QUESTION, LINK_DELTA_NODE, VIEW_DELTA)
