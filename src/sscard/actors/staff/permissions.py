"""Operations on staff accounts, and who may do them (issue 12)."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

MANAGE_STAFF = Operation("manage_staff", "管理工作人员账号", {Role.CENTRE_ADMIN})

OPERATIONS = (MANAGE_STAFF,)
