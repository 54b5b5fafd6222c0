"""Operations of persons and their documents (SPEC ID-1..6, APP-5), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

REGISTER_PERSON = Operation("register_person", "人员登记", {R.OUTLET_CLERK})
ATTACH_PHOTO = Operation(
    "attach_photo", "采集照片", {R.OUTLET_CLERK}, outlet_operation="apply"
)  # SPEC APP-5: where applications are taken (issue 11)
LOOKUP_PERSON = Operation(
    "lookup_person", "查询人员", {R.OUTLET_CLERK, R.HOTLINE_AGENT, R.CENTRE_ADMIN}
)

OPERATIONS = (
    REGISTER_PERSON,
    ATTACH_PHOTO,
    LOOKUP_PERSON,
)
