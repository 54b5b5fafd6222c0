"""A person's unfinished HR business, which blocks cancelling their card (SPEC CAN-2).

Each context with business that can be unfinished (applications now; benefits later) provides a
check, and the composition root (sscard.wiring) registers it; cancellation asks all of them and
names every unfinished item in its refusal. Nothing registers itself by being imported.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError


@dataclass(frozen=True)
class Unfinished:
    """One piece of business not yet finished and settled; never carries personal data."""

    kind: str
    reference: str
    label_zh: str
    label_en: str


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
            items_zh="；".join(f"{i.label_zh}（{i.reference}）" for i in self.items),
            items_en="; ".join(f"{i.label_en} ({i.reference})" for i in self.items),
        )

    def extra(self) -> dict[str, Any]:
        return {"unfinished": [asdict(i) for i in self.items]}


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
