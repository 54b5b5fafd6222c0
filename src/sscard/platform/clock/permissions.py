"""Operations of the service clock (demo and test mode), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

MOVE_CLOCK = Operation("move_clock", "调整时钟", {R.PROVINCE_ADMIN})

OPERATIONS = (MOVE_CLOCK,)
