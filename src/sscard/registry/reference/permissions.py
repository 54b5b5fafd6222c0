"""Operations of reference data (SPEC GOV-1/2, CITY-1..3), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

EDIT_REFERENCE_DATA = Operation("edit_reference_data", "维护基础数据", {R.CENTRE_ADMIN})

OPERATIONS = (EDIT_REFERENCE_DATA,)
