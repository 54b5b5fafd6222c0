"""Operations of culture and tourism (SPEC CUL-1), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

# A scenic spot's, museum's or library's terminal, signing its request.
SELL_TICKET = Operation("sell_ticket", "向社保卡售票", {Role.SCENE_TERMINAL})
ADMIT_AT_GATE = Operation("admit_at_gate", "闸机检票入园入馆", {Role.SCENE_TERMINAL})
LEND_AT_LIBRARY = Operation("lend_at_library", "图书馆读者证与借还", {Role.SCENE_TERMINAL})

OPERATIONS = (SELL_TICKET, ADMIT_AT_GATE, LEND_AT_LIBRARY)
