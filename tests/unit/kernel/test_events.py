"""The in-transaction event bus (kernel/events.py): runs of one type, base-class subscribers,
what handlers report, and no event lost to a process that was never wired."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from sscard.kernel.actor import OPERATOR
from sscard.kernel.crypto import Vault
from sscard.kernel.ctx import Ctx
from sscard.kernel.events import Event, EventBus, NotWired, Tally


@dataclass(frozen=True)
class Changed(Event):
    n: int


@dataclass(frozen=True)
class Lost(Changed):
    pass


@dataclass(frozen=True)
class Other(Event):
    n: int


CTX = Ctx(conn=None, actor=OPERATOR, now=datetime(2026, 11, 23, tzinfo=UTC), vault=Vault(b"k" * 32))  # type: ignore[arg-type]


def _bus() -> tuple[EventBus, list[tuple[str, list[Any]]]]:
    bus, seen = EventBus(), []

    def recorder(name: str) -> Any:
        async def handle(_ctx: Ctx, events: Sequence[Any]) -> Tally:
            seen.append((name, [e.n for e in events]))
            return {name: len(events)}

        return handle

    bus.subscribe(Changed, recorder("changed"))
    bus.subscribe(Lost, recorder("lost"))
    bus.subscribe(Other, recorder("other"))
    bus.wired = True
    return bus, seen


async def test_events_go_in_runs_of_one_type_in_publishing_order() -> None:
    bus, seen = _bus()
    await bus.publish(CTX, [Changed(1), Changed(2), Other(3), Changed(4)])
    assert seen == [("changed", [1, 2]), ("other", [3]), ("changed", [4])]


async def test_a_subscriber_of_a_base_class_gets_its_subclasses_after_their_own() -> None:
    bus, seen = _bus()
    await bus.publish(CTX, [Lost(1), Lost(2)])
    assert seen == [("lost", [1, 2]), ("changed", [1, 2])]


async def test_what_handlers_did_is_added_up_for_the_use_case() -> None:
    bus, _ = _bus()
    assert await bus.publish(CTX, [Lost(1), Other(2), Lost(3)]) == {
        "lost": 2,
        "changed": 2,
        "other": 1,
    }
    assert await bus.publish(CTX, []) == {}


async def test_publishing_before_the_composition_root_wired_the_bus_is_refused() -> None:
    bus = EventBus()
    with pytest.raises(NotWired):
        await bus.publish(CTX, [Changed(1)])


async def test_subscribing_twice_calls_once() -> None:
    bus, seen = EventBus(), []

    async def handle(_ctx: Ctx, events: Sequence[Changed]) -> Tally:
        seen.append(len(events))
        return None

    bus.subscribe(Changed, handle)
    bus.subscribe(Changed, handle)
    bus.wired = True
    await bus.publish(CTX, [Changed(1)])
    assert seen == [1]
