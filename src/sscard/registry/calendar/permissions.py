"""Operations of the holiday calendar (SPEC APP-2, §17), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

LOAD_CALENDAR_YEAR = Operation("load_calendar_year", "载入节假日安排", {R.PROVINCE_ADMIN})

OPERATIONS = (LOAD_CALENDAR_YEAR,)
