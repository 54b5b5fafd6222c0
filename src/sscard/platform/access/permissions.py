"""Operations of the access log (issue 11, SPEC GOV-5), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

VIEW_ACCESS_LOG = Operation("view_access_log", "查阅访问日志", {Role.AUDITOR})

OPERATIONS = (VIEW_ACCESS_LOG,)
