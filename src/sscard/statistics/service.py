"""The card centre's statistics (SPEC GOV-6): what the dashboard shows, and how it stays cheap.

How the figures stay fast at province scale (85 M persons), with no full scan per page view:

- **Flows are counters kept with the change.** `statistics_daily` holds one row per measure,
  Beijing day, city, bank, generation and channel. The subscribers (`subscribers.py`, wired in
  `sscard.wiring`) add to it in the transaction of the change they count, so a counter commits
  with its change or not at all: applications accepted (`ApplicationAccepted`), cards issued
  (`CardProduced`), collected (`CardCollected`),
  temporary and formal losses, unlocks and 7-day lifts (the hr events), applications withdrawn
  (`ApplicationWithdrawn`). One upsert per batch of events, its keys in a fixed order.
- **A page view reads ranges of counters.** The province's view is a range of the primary key
  (measure, day, ...) per measure; a city's a range of (city, measure, day). The rows read are
  days x cities x banks x channels of the period — thousands, whatever the number of cards —
  and the database adds them up (a few hundred sums cross to Python).
- **Days gone by are read once.** The subscribers add only to today's counters, so the sums of
  the period's earlier days are kept per process (`sscard.platform.cache`, keyed by the period
  and today) and only today's counters are read on each view; a rebuild clears them (other
  processes within the cache's 30 s).
- **Work in hand is counted live, from its own index.** Open applications by state and channel
  and overdue work (APP-7) are counted over the open states' range of
  `ix_applications_status_due_date` (and the non-null range of `ix_applications_due_year_unknown`):
  they grow with the work waiting, never with the cards issued, and the index holds the city
  and channel too, so the counts read the index alone. Deliveries per bank are the
  outbox's own counts of what waits and what failed (`ix_outbox_recipient_status_id`).
- **Backfill and repair.** The migration that made the table counted everything stored then
  (`repository.recount_statements`); `POST /api/v1/statistics/rebuild` (province administrator)
  counts again from the cards, applications and history: full scans, an operator's repair.

Statistics hold no personal data: counts by day, city, bank, generation and channel only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sscard.applications.events import ApplicationAccepted, ApplicationWithdrawn
from sscard.cards.events import (
    CardCollected,
    CardProduced,
    CardUnlocked,
    FormalLossReported,
    HrFunctionChanged,
    TemporaryLossLifted,
    TemporaryLossReported,
)
from sscard.kernel.actor import Role, authorize, require_own_city
from sscard.kernel.clock import CHINA
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.payments import service as payments
from sscard.payments.permissions import VIEW_PAYMENT_STATISTICS
from sscard.platform import cache
from sscard.platform.outbox import service as outbox
from sscard.platform.outbox.permissions import VIEW_OUTBOX
from sscard.registry.reference import service as reference
from sscard.statistics import repository as repo
from sscard.statistics.permissions import REBUILD_STATISTICS, VIEW_STATISTICS
from sscard.statistics.repository import Key, Total

PERIODS = (7, 30, 90, 365)  # days a dashboard shows; up to 90 by day, a year by month
DEFAULT_PERIOD = 30
LOSS_MEASURES = ("temporary_loss", "formal_loss", "unlock", "loss_lifted")
HR_MEASURES: dict[type[HrFunctionChanged], str] = {
    CardCollected: "collected",
    TemporaryLossReported: "temporary_loss",
    FormalLossReported: "formal_loss",
    CardUnlocked: "unlock",
    TemporaryLossLifted: "loss_lifted",
}


class PeriodNotOffered(DomainError):
    code = "period_not_offered"
    status = 422
    rule = "GOV-6"
    message_zh = "统计周期只能是7、30、90或365天"
    message_en = "The period is 7, 30, 90 or 365 days"


# ---- counting, in the transaction of the change (called by the subscribers) ----


async def count_issued(ctx: Ctx, events: Sequence[CardProduced]) -> None:
    """SPEC GOV-6: cards issued by city, generation and bank, on the day they were made."""
    generation = await repo.generations(ctx.conn, [e.card.id for e in events])
    counts: Counter[Key] = Counter()
    for e in events:
        card = e.card
        counts[Key("issued", ctx.today, card.city_code, card.bank_code, generation[card.id])] += 1
    await repo.add(ctx.conn, counts)


async def count_hr_changes(ctx: Ctx, events: Sequence[HrFunctionChanged]) -> None:
    """Collections by the application's channel; losses, unlocks and lifts by the channel that
    made them (the hotline, a bank outlet, online, the sweep)."""
    counted = [(e, HR_MEASURES[type(e)]) for e in events if type(e) in HR_MEASURES]
    if not counted:
        return
    collected = [e.card.id for e, m in counted if m == "collected"]
    apps = await repo.applications_of_cards(ctx.conn, collected) if collected else {}
    counts: Counter[Key] = Counter()
    for e, measure in counted:
        channel = apps[e.card.id].channel if measure == "collected" else ctx.actor.channel.value
        counts[Key(measure, ctx.today, e.card.city_code, e.card.bank_code, 0, channel)] += 1
    await repo.add(ctx.conn, counts)


async def count_accepted(ctx: Ctx, events: Sequence[ApplicationAccepted]) -> None:
    """Applications accepted (APP-2), by city, bank and the channel they came through."""
    counts: Counter[Key] = Counter()
    for e in events:
        counts[Key("accepted", ctx.today, e.city_code, e.bank_code, 0, e.channel)] += 1
    await repo.add(ctx.conn, counts)


async def count_withdrawn(ctx: Ctx, events: Sequence[ApplicationWithdrawn]) -> None:
    """Applications withdrawn, by the channel they were made through."""
    apps = await repo.applications_by_id(ctx.conn, [e.application_id for e in events])
    counts: Counter[Key] = Counter()
    for e in events:
        app = apps[e.application_id]
        counts[Key("withdrawn", ctx.today, app.city_code, app.bank_code, 0, app.channel)] += 1
    await repo.add(ctx.conn, counts)


# ---- the dashboard ----


@dataclass(frozen=True)
class DashboardFilter:
    city_code: str | None = None  # the province's administrator may choose; a city's is its own
    days: int = DEFAULT_PERIOD


async def dashboard(ctx: Ctx, f: DashboardFilter) -> dict[str, Any]:
    """SPEC GOV-6: the figures of the card centre's dashboard, for one city or the province."""
    authorize(ctx.actor, VIEW_STATISTICS)
    if f.days not in PERIODS:
        raise PeriodNotOffered(field="days")
    city = f.city_code
    if ctx.actor.role is Role.CENTRE_ADMIN:
        if city:
            require_own_city(ctx.actor, city, "city")
        city = ctx.actor.city_code
    elif city:
        await reference.require_city(ctx, city)
    until = ctx.today
    since = until - timedelta(days=f.days - 1)
    by_month = f.days > 90
    sums = await _sums(ctx, since, until, city, by_month)
    buckets = _buckets(since, until, by_month)
    return {
        "city_code": city,
        "since": since,
        "until": until,
        "days": f.days,
        "bucket": "month" if by_month else "day",
        "issued": _issued(sums, buckets),
        "losses": _losses(sums, buckets),
        "applications": {
            "open": [
                {"status": r.status, "channel": r.channel, "n": r.n}
                for r in sorted(await repo.open_applications(ctx.conn, city))
            ],
            "accepted": sums.by("accepted", "channel"),
            "collected": sums.by("collected", "channel"),
            "withdrawn": sums.by("withdrawn", "channel"),
        },
        "overdue": await _overdue(ctx, city),
        "deliveries": await _deliveries(ctx),
        "benefit_payments": await _benefit_payments(ctx, since, until),
    }


def city_scoped(ctx: Ctx) -> bool:
    return ctx.actor.role is Role.CENTRE_ADMIN


async def _benefit_payments(ctx: Ctx, since: date, until: date) -> list[dict[str, Any]] | None:
    """SPEC PAY-3, GOV-6: the period's benefit payments by kind: paid and held, count and fen
    (the province's: a payment is not a city's); None for a city or a role that may not."""
    if city_scoped(ctx) or ctx.actor.role not in VIEW_PAYMENT_STATISTICS.roles:
        return None
    start = datetime.combine(since, time(0), CHINA)
    end = datetime.combine(until + timedelta(days=1), time(0), CHINA)
    found = await payments.statistics(ctx, start, end)
    rows = []
    for k in found["kinds"]:
        paid = k["outcomes"].get("paid", {"count": 0, "total_fen": 0})
        held = k["outcomes"].get("held", {"count": 0, "total_fen": 0})
        counts = {"paid": paid["count"], "paid_fen": paid["total_fen"]}
        counts |= {"held": held["count"], "held_fen": held["total_fen"]}
        rows.append({"kind": k["kind"], **counts})
    return rows


def _buckets(since: date, until: date, by_month: bool) -> list[date]:
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    if not by_month:
        return days
    return sorted({d.replace(day=1) for d in days})


async def _sums(ctx: Ctx, since: date, until: date, city: str | None, by_month: bool) -> _Sums:
    """The period's sums: the days before today from this process's cache (their counters no
    longer change: the subscribers add to today's), today's from the database."""
    closed: list[Total] = []
    if since < until:
        yesterday = until - timedelta(days=1)
        closed = await cache.cached(
            ("statistics", city, since, until, by_month),
            lambda: repo.counted(ctx.conn, since, yesterday, city, by_month=by_month),
        )
    today = await repo.counted(ctx.conn, until, until, city, by_month=by_month)
    return _Sums([*closed, *today])


class _Sums:
    """The sums the database added up (repository.Total), looked up by measure and dimension."""

    def __init__(self, totals: Sequence[Total]) -> None:
        self._n: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        for t in totals:
            found = self._n[(t.measure, t.by)]
            found[t.key] = found.get(t.key, 0) + t.n

    def by(self, measure: str, column: str) -> list[dict[str, Any]]:
        """[{key, n}] in key order; a generation's key is its number."""
        found = self._n[(measure, column)]
        keys = {k: int(k) if column == "generation" else k for k in found}
        return [{"key": keys[k], "n": found[k]} for k in sorted(found, key=lambda k: keys[k])]

    def at(self, measure: str, bucket: date) -> int:
        return self._n[(measure, "time")].get(bucket.isoformat(), 0)


def _issued(sums: _Sums, buckets: list[date]) -> dict[str, Any]:
    over_time = [{"start": b, "n": sums.at("issued", b)} for b in buckets]
    return {
        "total": sum(e["n"] for e in over_time),
        "by_city": sums.by("issued", "city_code"),
        "by_bank": sums.by("issued", "bank_code"),
        "by_generation": sums.by("issued", "generation"),
        "over_time": over_time,
    }


def _losses(sums: _Sums, buckets: list[date]) -> dict[str, Any]:
    per = {m: [sums.at(m, b) for b in buckets] for m in LOSS_MEASURES}
    over_time = [
        {"start": b, **{m: per[m][i] for m in LOSS_MEASURES}} for i, b in enumerate(buckets)
    ]
    return {"totals": {m: sum(per[m]) for m in LOSS_MEASURES}, "over_time": over_time}


async def _overdue(ctx: Ctx, city: str | None) -> list[dict[str, Any]]:
    by: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for r in await repo.overdue(ctx.conn, ctx.today, city):
        by[r.city_code]["overdue"] += r.n
    for r in await repo.due_unknown(ctx.conn, city):
        by[r.city_code]["due_unknown"] += r.n
    return [
        {"city_code": c, "overdue": by[c]["overdue"], "due_unknown": by[c]["due_unknown"]}
        for c in sorted(by)
    ]


async def _deliveries(ctx: Ctx) -> list[dict[str, Any]] | None:
    """What waits and what failed per bank: the outbox is the province's (issue 11), so a
    city's administrator is shown none (None, not an empty list)."""
    if ctx.actor.role not in VIEW_OUTBOX.roles:
        return None
    banks = {b.code for b in await reference.banks(ctx)}
    stats = await outbox.outbox_stats(ctx)
    return [
        {"bank_code": r["recipient"], "pending": r["pending"], "failed": r["failed"]}
        for r in stats["recipients"]
        if r["recipient"] in banks
    ]


async def rebuild(ctx: Ctx) -> dict[str, Any]:
    """Count every figure again from what is stored (full scans: a repair, not a page view)."""
    authorize(ctx.actor, REBUILD_STATISTICS)
    counters = await repo.recount(ctx.conn)
    cache.clear()  # the sums of days gone by kept for the dashboard (other processes: TTL)
    return {"counters": counters, "at": ctx.now}
