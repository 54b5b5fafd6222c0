"""Roles and operations (SPEC CH-1, GOV-1)."""

from __future__ import annotations

import pytest

from sscard.applications.permissions import SUBMIT_APPLICATION
from sscard.kernel.actor import Actor, Channel, OutletDoesNotOffer, Role, authorize
from sscard.kernel.errors import Forbidden
from sscard.registry.reference.rules import OUTLET_OPERATIONS
from sscard.wiring import OPERATIONS


def clerk(kind: str = "hr", ops: frozenset[str] = frozenset({"apply", "collect"})) -> Actor:
    return Actor(1, Role.OUTLET_CLERK, "c", outlet_id=1, outlet_kind=kind, outlet_operations=ops)


def test_operation_names_are_unique_across_contexts() -> None:
    names = [o.name for o in OPERATIONS]
    assert len(names) == len(set(names))


def test_every_outlet_operation_is_one_an_outlet_can_offer() -> None:
    """SPEC GOV-1: an operation gated by the outlet names an operation outlets list."""
    gated = {o.outlet_operation for o in OPERATIONS if o.outlet_operation}
    assert gated <= OUTLET_OPERATIONS


def test_clerk_channel_follows_the_outlet_kind() -> None:
    assert clerk("hr").channel is Channel.HR_OUTLET
    assert clerk("bank").channel is Channel.BANK_OUTLET


def test_unlisted_pair_refused_in_both_languages() -> None:
    hotline = Actor(2, Role.HOTLINE_AGENT, "h")
    with pytest.raises(Forbidden) as refused:
        authorize(hotline, SUBMIT_APPLICATION)
    assert refused.value.detail_zh == "“12333坐席”无权办理“申领社保卡”"
    assert "hotline_agent" in refused.value.detail_en


def test_outlet_must_offer_the_operation() -> None:
    """SPEC GOV-1."""
    authorize(clerk(), SUBMIT_APPLICATION)
    with pytest.raises(OutletDoesNotOffer):
        authorize(clerk(ops=frozenset()), SUBMIT_APPLICATION)
