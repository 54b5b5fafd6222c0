"""A person's unfinished HR business, which blocks cancelling their card (SPEC CAN-2), and the
application that superseded a card (LOSS-4, REP-3), which decides whether it may be cancelled.

Each context with business that can be unfinished (applications now; benefits later) provides a
check, and the composition root (sscard.wiring) registers it; cancellation asks all of them and
names every unfinished item in its refusal, with the step that finishes it where there is one.
Applications likewise registers how to find the application that superseded a card (cards may
not import applications). Nothing registers itself by being imported.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from sscard.cards.cancellation.rules import Supersession
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError


@dataclass(frozen=True)
class Unfinished:
    """One piece of business not yet finished and settled; never carries personal data."""

    kind: str
    reference: str
    label_zh: str
    label_en: str
    # What finishes it, when the counter can do that itself (issue 11: withdraw the application).
    next_step_zh: str | None = None
    next_step_en: str | None = None
    next_step: str | None = None  # the request that does it, e.g. "POST /api/v1/..."


Check = Callable[[Ctx, int], Awaitable[list[Unfinished]]]
CHECKS: list[Check] = []


def register(*checks: Check) -> None:
    """Add checks that every cancellation runs (sscard.wiring does, for every context)."""
    for check in checks:
        if check not in CHECKS:
            CHECKS.append(check)


class UnfinishedHrBusiness(DomainError):
    code = "unfinished_hr_business"
    status = 409
    rule = "CAN-2"
    message_zh = "注销前须办结持卡人的全部人社业务并完成结算，尚未办结：{items_zh}"
    message_en = "All the person's HR business must be finished before cancelling; open: {items_en}"

    def __init__(self, items: list[Unfinished], *, field: str | None = "card_number") -> None:
        self.items = list(items)
        super().__init__(
            field=field,
            items_zh="；".join(_item_zh(i) for i in self.items),
            items_en="; ".join(_item_en(i) for i in self.items),
        )

    def extra(self) -> dict[str, Any]:
        return {"unfinished": [asdict(i) for i in self.items]}


def _item_zh(i: Unfinished) -> str:
    step = f"，{i.next_step_zh}" if i.next_step_zh else ""
    return f"{i.label_zh}（{i.reference}）{step}"


def _item_en(i: Unfinished) -> str:
    step = f": {i.next_step_en}" if i.next_step_en else ""
    return f"{i.label_en} ({i.reference}){step}"


async def unfinished_business(ctx: Ctx, person_id: int) -> list[Unfinished]:
    """Every registered check's findings, in registration order."""
    found: list[Unfinished] = []
    for check in CHECKS:
        found.extend(await check(ctx, person_id))
    return found


async def refuse_if_unfinished(ctx: Ctx, person_id: int) -> None:
    """SPEC CAN-2: refuse while anything is unfinished, naming each item."""
    items = await unfinished_business(ctx, person_id)
    if items:
        raise UnfinishedHrBusiness(items)


# ---- the application that superseded a card (LOSS-4, REP-3; issue 11) ----


SupersessionLookup = Callable[[Ctx, int], Awaitable[Supersession | None]]
SUPERSESSIONS: list[SupersessionLookup] = []


def register_supersession(*lookups: SupersessionLookup) -> None:
    """Add how to find the application that superseded a card (sscard.wiring does)."""
    for lookup in lookups:
        if lookup not in SUPERSESSIONS:
            SUPERSESSIONS.append(lookup)


async def supersession_of(ctx: Ctx, card_id: int) -> Supersession | None:
    """The application that superseded the card, as the first registered lookup finds it."""
    for lookup in SUPERSESSIONS:
        found = await lookup(ctx, card_id)
        if found is not None:
            return found
    return None
