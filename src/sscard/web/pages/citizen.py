"""What the online hall shows citizens: plain words, without the rule ids staff pages cite
("(ISS-6)", "（REP-3）"), which a service's texts sometimes carry."""

from __future__ import annotations

import re
from typing import Any

RULE_ID = re.compile(r"\s?[（(]\s*[A-Z]{2,6}-\d+(?:\s*[,，、]\s*[A-Z]{2,6}-\d+)*\s*[）)]")


def without_rule_ids(text: str | None) -> str | None:
    """The text with any parenthesised rule ids taken out."""
    return RULE_ID.sub("", text) if text else text


def plain(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    """A copy of `row` whose `keys` hold no rule ids."""
    return {**row, **{k: without_rule_ids(row.get(k)) for k in keys if k in row}}
