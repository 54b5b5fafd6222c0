"""City policies (SPEC CITY-3): rules that differ between cities, as data with effective dates."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any

from sscard.kernel.errors import DomainError, InvalidInput, invalid
from sscard.registry.photo import Background


class FeeKind(StrEnum):
    FIRST_APPLICATION = "first_application"
    REPLACEMENT = "replacement"
    EXCHANGE_DAMAGE_BY_HOLDER = "exchange_damage_by_holder"
    EXCHANGE_QUALITY_FAULT = "exchange_quality_fault"
    EXCHANGE_EXPIRED_WARRANTY = "exchange_expired_warranty"
    EXCHANGE_DATA_CHANGE_OWN_REASON = "exchange_data_change_own_reason"
    EXCHANGE_BANK_CHANGE = "exchange_bank_change"
    UPGRADE = "upgrade"


class AgentPolicy(StrEnum):
    ANYONE = "anyone"
    SUPPORTED_CASES = "supported_cases"


class MinorAgent(StrEnum):
    GUARDIAN = "guardian"
    DIRECT_RELATIVE = "direct_relative"


class NoPolicyInForce(DomainError):
    code = "no_city_policy"
    status = 409
    rule = "CITY-3"
    message_zh = "城市{city_code}在{day}没有生效的政策"
    message_en = "City {city_code} has no policy in force on {day}"


@dataclass(frozen=True)
class CityPolicy:
    city_code: str
    effective_from: date
    fees_fen: dict[str, int]
    photo_background: Background
    agent_policy: AgentPolicy
    minor_agent: MinorAgent
    bank_change_allowed: bool
    damage_exchange_at: tuple[str, ...]
    formal_unlock_scope: UnlockScope
    abroad_cancellation_by: tuple[str, ...]
    upgrade_requires_old_card: bool
    fast_making_working_days: int
    unit_batch_days: int
    online_working_days: int
    transport_balance_cap_fen: int
    # SPEC PWD-3: wrong hr-password tries in a row before it locks (reset at an outlet). The
    # default only spares code that builds a policy by hand; stored rules must name it.
    password_max_attempts: int = 5

    def fee(self, kind: FeeKind) -> int:
        """Fee in fen; a kind the policy does not name is free (SPEC APP-8 default)."""
        return self.fees_fen.get(kind.value, 0)

    @classmethod
    def from_rules(cls, city_code: str, effective_from: date, rules: dict[str, Any]) -> CityPolicy:
        """A city's policy from its stored or given rules, every field checked (CITY-3).

        Raises InvalidInput on `rules.<name>` for a rule missing, unknown, of the wrong type
        or outside its values; nothing is coerced (a "false" string is not a yes).
        """
        return cls(city_code=city_code, effective_from=effective_from, **checked_rules(rules))

    def rules(self) -> dict[str, Any]:
        """The JSON-ready rules, the inverse of from_rules."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("city_code", "effective_from"):
                continue
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


class UnlockScope(StrEnum):
    """Where a formal loss is unlocked (LOSS-3): any outlet of the card's bank, or only the
    outlet that took the loss (Suzhou)."""

    SAME_BANK_ANY_OUTLET = "same_bank_any_outlet"
    ACCEPTING_OUTLET = "accepting_outlet"


_CHOICES: dict[str, type[StrEnum]] = {
    "photo_background": Background,
    "agent_policy": AgentPolicy,
    "minor_agent": MinorAgent,
    "formal_unlock_scope": UnlockScope,
}
# Lists of places or people, each drawn from these values (at least one).
_SUBSETS = {
    "damage_exchange_at": ("hr", "bank"),  # outlet kinds where a damaged card is exchanged
    "abroad_cancellation_by": ("agent", "holder"),  # who may cancel for a settler abroad
}
_FLAGS = ("bank_change_allowed", "upgrade_requires_old_card")
# Whole numbers and their least value: days and tries count from 1, amounts in fen from 0.
# Each count's least and largest sensible value (issue 11: 2**63 working days was taken, and
# the next fast application failed counting them).
_COUNTS = {
    "fast_making_working_days": (1, 60),  # working days; a quarter is already no service
    "unit_batch_days": (1, 120),
    "online_working_days": (1, 60),
    "transport_balance_cap_fen": (0, 10_000_000),  # fen: 100,000 yuan
    "password_max_attempts": (1, 20),  # PWD-3: zero would lock every password at once
}
MOST_FEE_FEN = 1_000_000  # fen: no card fee comes near 10,000 yuan
RULE_NAMES = frozenset({"fees_fen", *_CHOICES, *_SUBSETS, *_FLAGS, *_COUNTS})


@dataclass(frozen=True)
class RuleShape:
    """How one rule is given, for a form to offer the right input (the values and bounds are
    the ones checked_rules holds it to): `kind` is choice (one of `options`), subset (one or
    more of `options`), flag (true or false), count (a whole number from `least` to `most`) or
    fees (an amount in fen from 0 to `most` for each kind in `options`)."""

    name: str
    kind: str
    options: tuple[str, ...] = ()
    least: int = 0
    most: int = 0


def rule_shapes() -> list[RuleShape]:
    """Every rule of a city policy with the shape of its value, in a stable order."""
    return [
        RuleShape("fees_fen", "fees", tuple(k.value for k in FeeKind), 0, MOST_FEE_FEN),
        *(RuleShape(n, "choice", tuple(c.value for c in kind)) for n, kind in _CHOICES.items()),
        *(RuleShape(n, "subset", allowed) for n, allowed in _SUBSETS.items()),
        *(RuleShape(n, "flag") for n in _FLAGS),
        *(RuleShape(n, "count", (), least, most) for n, (least, most) in _COUNTS.items()),
    ]


def checked_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """Every rule of a policy, typed; InvalidInput on the first one that is not right."""
    unknown = sorted(set(rules) - RULE_NAMES)
    if unknown:
        raise _bad(unknown[0], "不是城市政策的规则", "is not a rule of a city policy")
    missing = sorted(RULE_NAMES - set(rules))
    if missing:
        raise _bad(missing[0], "必填", "is required")
    out: dict[str, Any] = {"fees_fen": _fees(rules["fees_fen"])}
    for name, choice in _CHOICES.items():
        out[name] = _choice(name, rules[name], choice)
    for name, allowed in _SUBSETS.items():
        out[name] = _subset(name, rules[name], allowed)
    for name in _FLAGS:
        if not isinstance(rules[name], bool):
            raise _bad(name, "须为 true 或 false", "must be true or false")
        out[name] = rules[name]
    for name, (least, most) in _COUNTS.items():
        out[name] = _count(name, rules[name], least, most)
    return out


def _bad(name: str, zh: str, en: str) -> InvalidInput:
    return invalid(f"rules.{name}", zh, en)


def _count(name: str, value: Any, least: int, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise _bad(
            name,
            f"须为{least}至{most}之间的整数",
            f"must be a whole number from {least} to {most}",
        )
    return value


def _choice(name: str, value: Any, choice: type[StrEnum]) -> Any:
    allowed = [c.value for c in choice]
    if value not in allowed:
        raise _bad(name, f"须为{'、'.join(allowed)}之一", f"must be one of {', '.join(allowed)}")
    return choice(value)


def _subset(name: str, value: Any, allowed: tuple[str, ...]) -> tuple[str, ...]:
    ok = isinstance(value, list) and value and all(v in allowed for v in value)
    if not ok or len(set(value)) != len(value):
        raise _bad(
            name,
            f"须为{'、'.join(allowed)}中不重复的一项或多项",
            f"must be a list of one or more of {', '.join(allowed)}, none twice",
        )
    return tuple(value)


def _fees(value: Any) -> dict[str, int]:
    kinds = [k.value for k in FeeKind]
    if not isinstance(value, dict):
        raise _bad("fees_fen", "须为各收费项目的金额（分）", "must map fee kinds to amounts in fen")
    for kind, fen in value.items():
        if kind not in kinds:
            raise _bad(f"fees_fen.{kind}", f"须为{'、'.join(kinds)}之一", "is not a fee kind")
        _count(f"fees_fen.{kind}", fen, 0, MOST_FEE_FEN)
    return dict(value)


def policy_in_force(policies: list[CityPolicy], city_code: str, day: date) -> CityPolicy:
    """The latest policy of the city whose effective date is on or before `day`."""
    candidates = [p for p in policies if p.city_code == city_code and p.effective_from <= day]
    if not candidates:
        raise NoPolicyInForce(city_code=city_code, day=day.isoformat())
    return max(candidates, key=lambda p: p.effective_from)
