"""Domain events: published inside the transaction of the change, handled there by subscribers.

A context publishes what happened (a card was reported lost) as a typed, frozen event. Other
contexts subscribe and turn it into their own effects (an outbox row for the card's bank) in the
same transaction, so the change and its effects commit together or not at all, and the
publishing context never imports its subscribers. Subscriptions are made explicitly by the
composition root (`sscard.wiring`), never by importing a module.

A handler receives a batch of events of one type, so set-based work (the 7-day sweep lifting
thousands of losses) costs one statement per subscriber, not one per event. Events published
together are handed over in runs of the same type, in the order they were published. A handler
may report what it did as counts (`{"applications_given_due_dates": 3}`); `publish` returns the
counts of every handler added up, for the use case to show its caller.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sscard.kernel.ctx import Ctx


@dataclass(frozen=True)
class Event:
    """Something that happened; subclasses carry what subscribers need, never personal data."""


E = TypeVar("E", bound=Event)
Tally = Mapping[str, int] | None  # what a handler did, as counts; None if nothing to report
Handler = Callable[[Ctx, Sequence[Any]], Awaitable[Tally]]


class NotWired(RuntimeError):
    """An event was published before the composition root subscribed anything (a programming
    error: the change's effects would be lost)."""


class EventBus:
    """Subscribers per event type; a handler subscribed to a base class gets its subclasses."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Handler]] = {}
        self.wired = False

    def subscribe(
        self, event_type: type[E], handler: Callable[[Ctx, Sequence[E]], Awaitable[Tally]]
    ) -> None:
        """Call `handler(ctx, events)` for every published batch of `event_type` (or a subclass)."""
        handlers = self._handlers.setdefault(event_type, [])
        if handler not in handlers:
            handlers.append(handler)

    def handlers_for(self, event_type: type[Event]) -> list[Handler]:
        """The handlers of the type and of its bases, most general last."""
        found: list[Handler] = []
        for klass in event_type.__mro__:
            found += self._handlers.get(klass, [])
        return found

    def clear(self) -> None:
        self._handlers.clear()
        self.wired = False

    async def publish(self, ctx: Ctx, events: Sequence[Event]) -> dict[str, int]:
        """Hand the events to their subscribers in runs of one type, in the caller's transaction;
        the handlers' counts, added up."""
        tally: Counter[str] = Counter()
        if not events:
            return {}
        if not self.wired:
            raise NotWired(f"{type(events[0]).__name__} published before sscard.wiring.wire()")
        for run in _runs(events):
            for handler in self.handlers_for(type(run[0])):
                tally.update(await handler(ctx, run) or {})
        return dict(tally)


def _runs(events: Sequence[Event]) -> list[list[Event]]:
    runs: list[list[Event]] = []
    for event in events:
        if runs and type(runs[-1][0]) is type(event):
            runs[-1].append(event)
        else:
            runs.append([event])
    return runs


BUS = EventBus()


async def publish(ctx: Ctx, *events: Event) -> dict[str, int]:
    """Publish events of the change being made in `ctx`'s transaction (see module docstring);
    returns what the subscribers reported they did, as counts."""
    return await BUS.publish(ctx, events)
