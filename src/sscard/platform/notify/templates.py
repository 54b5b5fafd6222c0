"""Notification templates: data, registered by the context that sends them, rendered at delivery.

A template is a code, the SPEC rule it serves and its text in Chinese and English with {named}
placeholders. Params are checked when a message is queued (a known template, every placeholder
given, no personal data, SPEC ID-6), so a message that could not be rendered never waits.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sscard.kernel.masking import personal_number_kind

SIGNATURE_ZH = "【江苏人社】"
SIGNATURE_EN = "[Jiangsu HRSS] "


@dataclass(frozen=True)
class Template:
    """One message people get: its code, the rule it serves, its text in both languages."""

    code: str
    rule: str
    zh: str
    en: str
    # A one-time secret (a sign-in code): it goes to the phone only; no view of the person's
    # own messages ever lists it, so a session (or a relative acting for the person) cannot read
    # the code that opens another session.
    secret: bool = False

    def placeholders(self) -> set[str]:
        """The {names} both texts need."""
        return {
            name
            for text in (self.zh, self.en)
            for _, name, _, _ in string.Formatter().parse(text)
            if name
        }


# Filled by the composition root from each context's hooks (sscard.wiring).
TEMPLATES: dict[str, Template] = {}


def register(*templates: Template) -> None:
    """Make templates known; a code registered twice with another text is a programming error."""
    for template in templates:
        known = TEMPLATES.setdefault(template.code, template)
        if known != template:
            raise ValueError(f"notification template {template.code!r} registered twice")


def secret_codes() -> list[str]:
    """The codes of the registered templates that carry a one-time secret."""
    return sorted(code for code, t in TEMPLATES.items() if t.secret)


def placeholders(template: str) -> set[str]:
    """The {names} both texts of a registered template need."""
    return TEMPLATES[template].placeholders()


def render(template: str, params: dict[str, Any]) -> tuple[str, str]:
    """The Chinese and English text of a template, signed."""
    spec = TEMPLATES[template]
    return SIGNATURE_ZH + spec.zh.format(**params), SIGNATURE_EN + spec.en.format(**params)


# ---- personal data stays out of params and free text (SPEC ID-6) ----

PERSONAL_KEYS = frozenset(
    {"name", "phone", "mobile", "id_number", "ssn", "social_security_number", "document_number"}
)


def clean_params(template: str, params: dict[str, Any]) -> dict[str, Any]:
    """Params as stored: a known template, every placeholder given, JSON values, no personal data.

    A wrong template or a personal value is a programming error, not a user's: ValueError,
    whose text names the key but never the value.
    """
    if template not in TEMPLATES:
        raise ValueError(f"unknown notification template {template!r}")
    missing = placeholders(template) - params.keys()
    if missing:
        raise ValueError(f"template {template!r} needs {sorted(missing)}")
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key.lower() in PERSONAL_KEYS:
            raise ValueError(f"notification param {key!r} would carry personal data")
        if isinstance(value, datetime | date):
            value = value.isoformat()
        if not isinstance(value, str | int | float | bool):
            raise ValueError(f"notification param {key!r} must be text, a number or a date")
        if isinstance(value, str) and personal_number_kind(value):
            raise ValueError(f"notification param {key!r} looks like personal data")
        out[key] = value
    return out
