"""Operations of the card centre's statistics (SPEC GOV-6), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

# A city's centre sees its city; the province's administrator every city (kernel.actor).
VIEW_STATISTICS = Operation("view_statistics", "查看统计", {Role.CENTRE_ADMIN})
# A full recount reads every card and history row once: the province's, and rare.
REBUILD_STATISTICS = Operation("rebuild_statistics", "重算统计", {Role.PROVINCE_ADMIN})

OPERATIONS = (VIEW_STATISTICS, REBUILD_STATISTICS)
