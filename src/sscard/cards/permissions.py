"""Operations of reading a card and asking whether it may be used (LOSS-5), and who may."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

VIEW_CARD = Operation(
    "view_card",
    "查看卡片",
    {R.OUTLET_CLERK, R.HOTLINE_AGENT, R.CENTRE_ADMIN, R.CARDHOLDER, R.BANK_SYSTEM},
)
CHECK_CARD_USE = Operation(
    "check_card_use",
    "查询卡片可否使用",
    {R.OUTLET_CLERK, R.HOTLINE_AGENT, R.CENTRE_ADMIN, R.BANK_SYSTEM},
)

OPERATIONS = (
    VIEW_CARD,
    CHECK_CARD_USE,
)
