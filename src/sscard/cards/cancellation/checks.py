"""A person's unfinished HR business, which blocks cancelling their card (SPEC CAN-2).

Each kind of business registers one check here; cancellation asks all of them and names every
unfinished item in its refusal. Later modules (replacements, benefits, ...) add theirs with
`@register` at import time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from sscard.cards.cancellation import repository as repo
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


def register(check: Check) -> Check:
    """Add a check that every cancellation runs; usable as a decorator."""
    if check not in CHECKS:
        CHECKS.append(check)
    return check


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


_APPLICATION_KIND_ZH = {
    "first": "首次申领",
    "replacement": "补卡",
    "exchange": "换卡",
    "upgrade": "升级换代",
}


@register
async def open_applications(ctx: Ctx, person_id: int) -> list[Unfinished]:
    """An application still in progress (accepted .. ready for collection)."""
    rows = await repo.open_applications_of(ctx.conn, person_id)
    return [
        Unfinished(
            kind="open_application",
            reference=r["reference"],
            label_zh=f"未办结的社保卡{_APPLICATION_KIND_ZH.get(r['kind'], '申领')}",
            label_en=f"card application in progress ({r['kind']}, {r['status']})",
        )
        for r in rows
    ]
