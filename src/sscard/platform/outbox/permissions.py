"""Operations of the outbox and its delivery endpoints (SPEC ISS-2), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

VIEW_OUTBOX = Operation("view_outbox", "查看待发消息", {R.PROVINCE_ADMIN})
REPLAY_OUTBOX = Operation("replay_outbox", "重发消息", {R.PROVINCE_ADMIN})
CONFIGURE_ENDPOINT = Operation("configure_endpoint", "配置银行接口", {R.PROVINCE_ADMIN})

OPERATIONS = (
    VIEW_OUTBOX,
    REPLAY_OUTBOX,
    CONFIGURE_ENDPOINT,
)
