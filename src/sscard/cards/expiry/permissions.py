"""Operations of the 10-year financial validity (SPEC ISS-7), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

LIST_EXPIRING_CARDS = Operation(
    "list_expiring_cards", "到期换卡提醒名单", {R.PROVINCE_ADMIN}
)  # SPEC ISS-7

OPERATIONS = (LIST_EXPIRING_CARDS,)
