"""Masked forms of what sscard sent, for the simulator's views and logs."""

from __future__ import annotations


def mask_account(account: str) -> str:
    """6222020000000001234 becomes 6222***********1234; a short value is hidden whole."""
    value = account.strip()
    if len(value) <= 8:  # head and tail would be most of it
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_name(name: str) -> str:
    """张三丰 becomes 张**; each word of a Latin name keeps its first letter."""
    name = name.strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    return name[0] + "*" * max(len(name) - 1, 1)
