"""The city policy form of the card centre (SPEC CITY-3): one input per rule, of the shape the
domain checks it by (`policy.rule_shapes`): a choice is a list to pick from, places or people
are boxes to tick, a yes-or-no rule a choice of two, a count a whole number within its bounds,
and the fees one amount in fen per kind. The form's values go to the API's PolicyIn as typed as
they can be read; whatever is still wrong the domain refuses in its own words, next to the
input it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.datastructures import FormData

from sscard.registry.reference.policy import RuleShape, rule_shapes
from sscard.web.i18n import N_
from sscard.web.session import takes_lists

SHAPES = rule_shapes()
takes_lists(*(shape.name for shape in SHAPES if shape.kind == "subset"))
WHOLE = re.compile(r"^-?[0-9]{1,12}$")
# The domain's values as people call them (message ids, translated in centre.po).
VALUE_LABELS = {
    "white": N_("White"),
    "blue": N_("Blue"),
    "anyone": N_("Anyone with the holder's consent"),
    "supported_cases": N_("Only in the cases the rules support"),
    "guardian": N_("Legal guardian"),
    "direct_relative": N_("A direct relative"),
    "same_bank_any_outlet": N_("Any outlet of the card's bank"),
    "accepting_outlet": N_("Only the outlet that took the loss"),
    "hr": N_("HR outlets"),
    "bank": N_("Bank outlets"),
    "agent": N_("An agent"),
    "holder": N_("The holder"),
    "first_application": N_("First application"),
    "replacement": N_("Replacement"),
    "exchange_damage_by_holder": N_("Exchange: damaged by the holder"),
    "exchange_quality_fault": N_("Exchange: quality fault"),
    "exchange_expired_warranty": N_("Exchange: past the warranty"),
    "exchange_data_change_own_reason": N_("Exchange: data changed for the holder's own reason"),
    "exchange_bank_change": N_("Exchange: change of bank"),
    "upgrade": N_("Upgrade"),
}


def values_of(rules: dict[str, Any]) -> dict[str, Any]:
    """The form's values from a policy's rules (the one in force): text per input, a list of
    the ticked values for places or people; a fee is the input named by its kind."""
    values: dict[str, Any] = {}
    for shape in SHAPES:
        value = rules.get(shape.name)
        if shape.kind == "fees":
            values |= {kind: str((value or {}).get(kind, 0)) for kind in shape.options}
        elif shape.kind == "subset":
            values[shape.name] = list(value or [])
        elif shape.kind == "flag":
            values[shape.name] = "true" if value else "false"
        else:
            values[shape.name] = "" if value is None else str(value)
    return values


def read(data: FormData) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the form's values as typed, to show again; the rules as PolicyIn takes them)."""
    values: dict[str, Any] = {}
    rules: dict[str, Any] = {}
    for shape in SHAPES:
        if shape.kind == "subset":
            ticked = [str(v) for v in data.getlist(shape.name)]
            values[shape.name], rules[shape.name] = ticked, ticked
        elif shape.kind == "fees":
            typed = {kind: str(data.get(kind) or "").strip() for kind in shape.options}
            values |= typed
            rules[shape.name] = {k: _whole(v) for k, v in typed.items() if v}
        else:
            text = str(data.get(shape.name) or "").strip()
            values[shape.name] = text
            rules[shape.name] = _typed(shape, text)
    return values, rules


def _typed(shape: RuleShape, text: str) -> Any:
    if shape.kind == "flag":
        return {"true": True, "false": False}.get(text, text)
    if shape.kind == "count":
        return _whole(text)
    return text


def _whole(text: str) -> Any:
    """A whole number as a number; anything else as typed, for the domain to refuse."""
    return int(text) if WHOLE.match(text) else text


def choices(_: Callable[[str], str]) -> dict[str, list[tuple[str, str]]]:
    """Each one-of rule's options as (value, label in the page language)."""
    return {
        shape.name: [(o, _(VALUE_LABELS[o])) for o in shape.options]
        for shape in SHAPES
        if shape.kind == "choice"
    }
