"""The unit's photo supplements (SPEC APP-3, APP-5), and who may make them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

SUPPLY_MEMBER_PHOTO = Operation("supply_member_photo", "单位补报成员照片", {Role.UNIT_AGENT})

OPERATIONS = (SUPPLY_MEMBER_PHOTO,)
