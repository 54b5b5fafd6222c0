"""Refusals: one class per rule broken, each with a stable code, zh/en text and an HTTP status.

Messages are templates filled from keyword parameters. Parameters must never carry personal data
(ID numbers, names, phones): pass masked values or none at all (SPEC ID-6).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

T = TypeVar("T")


class DomainError(Exception):
    """A refusal by a business rule; rendered as application/problem+json."""

    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 422
    rule: str | None = None  # the SPEC rule; an instance may name the rule it was raised under
    message_zh: ClassVar[str] = "请求被拒绝"
    message_en: ClassVar[str] = "The request was refused"

    def __init__(self, *, field: str | None = None, rule: str | None = None, **params: Any) -> None:
        self.field = field
        if rule is not None:
            self.rule = rule
        self.params = params
        super().__init__(self.detail_en)

    @property
    def detail_zh(self) -> str:
        return self.message_zh.format(**self.params)

    @property
    def detail_en(self) -> str:
        return self.message_en.format(**self.params)

    def extra(self) -> dict[str, Any] | None:
        """Further members of the problem document, for refusals with several reasons."""
        return None


class NotFound(DomainError):
    code = "not_found"
    status = 404
    message_zh = "{what_zh}不存在"
    message_en = "{what_en} not found"


class Conflict(DomainError):
    """The resource changed under the request; the caller should reload and retry."""

    code = "conflict"
    status = 409
    message_zh = "数据已被其他操作修改，请刷新后重试"
    message_en = "The record was changed by another operation; reload and retry"


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    rule = "CH-1"
    message_zh = "“{role_zh}”无权办理“{operation_zh}”"
    message_en = "Role '{role}' may not perform operation '{operation}'"


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401
    rule = "CH-2"
    message_zh = "缺少或无效的访问令牌"
    message_en = "Missing or invalid access token"


class InvalidInput(DomainError):
    """Generic field-level refusal when no more specific rule applies."""

    code = "invalid_input"
    status = 422
    message_zh = "字段“{field_name}”无效：{reason_zh}"
    message_en = "Field '{field_name}' is invalid: {reason_en}"


def invalid(field: str, reason_zh: str, reason_en: str) -> InvalidInput:
    """The generic refusal of one field, with its reason in both languages."""
    return InvalidInput(field=field, field_name=field, reason_zh=reason_zh, reason_en=reason_en)


def visible_or_not_found(
    item: T | None, may_see: Callable[[T], bool], *, field: str, what_zh: str, what_en: str
) -> T:
    """The item if it exists and the caller may see it; NotFound otherwise.

    Not visible and not existing answer the same, so references and numbers cannot be probed.
    """
    if item is None or not may_see(item):
        raise NotFound(field=field, what_zh=what_zh, what_en=what_en)
    return item
