"""Operations of actors and their tokens (SPEC CH-1), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

CREATE_ACTOR = Operation("create_actor", "管理操作员", {R.CENTRE_ADMIN})

OPERATIONS = (CREATE_ACTOR,)
