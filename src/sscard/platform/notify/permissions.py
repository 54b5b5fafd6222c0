"""Operations of notifications to people (SPEC REP-5, ISS-7), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

VIEW_NOTIFICATIONS = Operation("view_notifications", "查看通知", {R.PROVINCE_ADMIN})
DELIVER_NOTIFICATIONS = Operation("deliver_notifications", "发送通知", {R.PROVINCE_ADMIN})

OPERATIONS = (
    VIEW_NOTIFICATIONS,
    DELIVER_NOTIFICATIONS,
)
