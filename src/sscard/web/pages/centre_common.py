"""What the card centre's pages share: who may open them, labels, times in Beijing (issue 12)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from fastapi import Request

from sscard.kernel.actor import ROLE_ZH, Role
from sscard.kernel.errors import DomainError
from sscard.web import forms, i18n
from sscard.web.session import of_role

# A city's centre administrator or the province's; the use cases scope each by city (issue 11).
ADMIN = of_role(Role.CENTRE_ADMIN, Role.PROVINCE_ADMIN)
BEIJING = timedelta(hours=8)


def beijing(moment: datetime | date | str | None) -> str:
    """A stored moment as Beijing local time (minutes), a date as it is, nothing as '—'."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        try:
            return beijing(datetime.fromisoformat(moment))
        except ValueError:
            return moment
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.replace(tzinfo=None) - (moment.utcoffset() or timedelta()) + BEIJING
        else:  # stored in UTC without its zone (SQLite)
            moment = moment + BEIJING
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.isoformat()


def role_label(request: Request, role: Role | str) -> str:
    """A role in the page language (the role names are the kernel's own Chinese)."""
    role = Role(role)
    return ROLE_ZH[role] if i18n.language(request) == "zh" else role.value.replace("_", " ")


def in_language(request: Request, zh: str | None, en: str) -> str:
    """Data that carries its own Chinese (a label of the domain) in the page language."""
    return zh if zh and i18n.language(request) == "zh" else en


def errors_of(request: Request, refusal: DomainError) -> dict[str, str]:
    """A refusal's messages by form field ('' for one naming no field of the form)."""
    return forms.field_messages(request, refusal)


def page_context(request: Request, **extra: Any) -> dict[str, Any]:
    """What every centre page's template takes besides its own data."""
    return {"bj": beijing, **extra}
