"""Roles and operations (SPEC CH-1, GOV-1)."""

from __future__ import annotations

import pytest

from sscard.kernel.actor import (
    PERMISSIONS,
    Actor,
    Channel,
    Operation,
    OutletDoesNotOffer,
    Role,
    authorize,
)
from sscard.kernel.errors import Forbidden


def clerk(kind: str = "hr", ops: frozenset[str] = frozenset({"apply", "collect"})) -> Actor:
    return Actor(1, Role.OUTLET_CLERK, "c", outlet_id=1, outlet_kind=kind, outlet_operations=ops)


def test_every_operation_has_a_row_in_the_table() -> None:
    assert set(PERMISSIONS) == set(Operation)


def test_clerk_channel_follows_the_outlet_kind() -> None:
    assert clerk("hr").channel is Channel.HR_OUTLET
    assert clerk("bank").channel is Channel.BANK_OUTLET


def test_unlisted_pair_refused_in_both_languages() -> None:
    hotline = Actor(2, Role.HOTLINE_AGENT, "h")
    with pytest.raises(Forbidden) as refused:
        authorize(hotline, Operation.SUBMIT_APPLICATION)
    assert refused.value.detail_zh == "“12333坐席”无权办理“申领社保卡”"
    assert "hotline_agent" in refused.value.detail_en


def test_outlet_must_offer_the_operation() -> None:
    """SPEC GOV-1."""
    authorize(clerk(), Operation.SUBMIT_APPLICATION)
    with pytest.raises(OutletDoesNotOffer):
        authorize(clerk(ops=frozenset()), Operation.SUBMIT_APPLICATION)
