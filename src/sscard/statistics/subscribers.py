"""How the statistics learn of the changes they count: card and application events, handled in
the transaction of the change (SPEC GOV-6), so a counter commits with its change or not at all."""

from __future__ import annotations

from collections.abc import Sequence

from sscard.applications.events import ApplicationAccepted, ApplicationWithdrawn
from sscard.cards.events import CardProduced, HrFunctionChanged
from sscard.kernel.ctx import Ctx
from sscard.kernel.events import EventBus, Tally
from sscard.statistics import service

# The hr changes counted (each handler skips the other transitions of the table).
COUNTED = tuple(service.HR_MEASURES)


async def on_card_produced(ctx: Ctx, events: Sequence[CardProduced]) -> Tally:
    """A card made is a card issued, by city, generation and bank."""
    await service.count_issued(ctx, events)
    return None


async def on_hr_function_changed(ctx: Ctx, events: Sequence[HrFunctionChanged]) -> Tally:
    """Collections, losses, unlocks and 7-day lifts."""
    await service.count_hr_changes(ctx, events)
    return None


async def on_application_accepted(ctx: Ctx, events: Sequence[ApplicationAccepted]) -> Tally:
    """Applications accepted, by their channel."""
    await service.count_accepted(ctx, events)
    return None


async def on_application_withdrawn(ctx: Ctx, events: Sequence[ApplicationWithdrawn]) -> Tally:
    """Applications withdrawn, by their channel."""
    await service.count_withdrawn(ctx, events)
    return None


def subscribe(bus: EventBus) -> None:
    """Subscribe the counters (called once by sscard.wiring.wire)."""
    bus.subscribe(CardProduced, on_card_produced)
    for changed in COUNTED:
        bus.subscribe(changed, on_hr_function_changed)
    bus.subscribe(ApplicationAccepted, on_application_accepted)
    bus.subscribe(ApplicationWithdrawn, on_application_withdrawn)
