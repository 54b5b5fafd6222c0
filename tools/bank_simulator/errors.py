"""The simulator's refusals: each a stable code, a status and zh/en text, as problem+json."""

from __future__ import annotations

from typing import Any, ClassVar


class BankError(Exception):
    """A refusal by the bank; rendered as application/problem+json (problems.py)."""

    code: ClassVar[str] = "bank_error"
    status: ClassVar[int] = 422
    message_zh: ClassVar[str] = "请求被拒绝"
    message_en: ClassVar[str] = "The request was refused"

    def __init__(self, *, field: str | None = None, **params: Any) -> None:
        self.field = field
        self.params = params
        super().__init__(self.detail_en)

    @property
    def detail_zh(self) -> str:
        return self.message_zh.format(**self.params)

    @property
    def detail_en(self) -> str:
        return self.message_en.format(**self.params)


class NotFound(BankError):
    code = "not_found"
    status = 404
    message_zh = "{what_zh}不存在"
    message_en = "{what_en} not found"


class InvalidInput(BankError):
    code = "invalid_input"
    status = 422
    message_zh = "字段“{field_name}”无效：{reason_zh}"
    message_en = "Field '{field_name}' is invalid: {reason_en}"
