"""Refusals of the unit's photo supplements (SPEC APP-3, APP-5). Pure."""

from __future__ import annotations

from sscard.kernel.errors import DomainError


class PhotoNotOwed(DomainError):
    code = "unit_photo_not_owed"
    status = 409
    rule = "APP-3"
    message_zh = "第{row_number}行成员的照片无需补报（照片已合格或申领已进入制卡）"
    message_en = (
        "Row {row_number}'s member owes no photo (it meets the standard already, or the"
        " application has gone into production)"
    )


class MemberNotInBatch(DomainError):
    code = "unit_member_not_in_batch"
    status = 404
    rule = "APP-3"
    message_zh = "批次中没有第{row_number}行的受理成员"
    message_en = "The batch has no accepted member on row {row_number}"
