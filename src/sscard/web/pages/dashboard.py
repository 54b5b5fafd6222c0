"""The card centre's dashboard (issue 12 item 6, SPEC GOV-6): charts with the table behind each.

The figures are the statistics use case's (`statistics.service.dashboard`: counters kept with
each change, read as index ranges); this page only draws them. Charts are SVG drawn on the
server by pygal and put inline: no script (pygal's own is removed; `js=[]` loads none from a
CDN), so they show under `default-src 'self'` and without JavaScript. Each chart is a labelled
image with a one-line summary, and the same figures are an HTML table one click away
(`<details>`), for screen readers and for copying.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from xml.etree import ElementTree

import pygal
from fastapi import Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from pygal.style import Style

from sscard.actors.staff.service import StaffSession
from sscard.kernel.actor import Role
from sscard.kernel.ctx import Ctx
from sscard.registry.reference import service as reference
from sscard.statistics import service as statistics
from sscard.web import i18n
from sscard.web.i18n import N_
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import of_role, read

# pygal appends a finder for its map plugins to sys.meta_path that has no find_spec(): every
# failed import after it (pygments tries `import ctags`) then warns, an error under our pytest
# settings. The maps are not used here; the finder goes.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

router = page_router()
ADMINS = of_role(Role.CENTRE_ADMIN, Role.PROVINCE_ADMIN)

CHANNELS = {
    "hr_outlet": N_("HR outlet"),
    "bank_outlet": N_("Bank outlet"),
    "hotline": N_("12333 hotline"),
    "online": N_("Online"),
    "centre": N_("Card centre"),
    "sweep": N_("After 7 days"),
    "onsite": N_("On-site visit"),
    "unit_batch": N_("Employer batch"),
}
STATES = {
    "accepted": N_("Accepted"),
    "in_production": N_("In production"),
    "produced": N_("Produced"),
    "ready_for_collection": N_("Ready for collection"),
    "mailed": N_("Mailed by EMS"),
    "with_unit": N_("With the unit's agent"),
}
APPLICATION_FLOWS = {
    "accepted": N_("Accepted"),
    "collected": N_("Collected"),
    "withdrawn": N_("Withdrawn"),
}
LOSSES = {
    "temporary_loss": N_("Temporary losses"),
    "formal_loss": N_("Formal losses"),
    "unlock": N_("Unlocks"),
    "loss_lifted": N_("Lifted after 7 days"),
}
PERIOD_LABELS = {
    7: N_("Last 7 days"),
    30: N_("Last 30 days"),
    90: N_("Last 90 days"),
    365: N_("Last 12 months"),
}

# Dark series colours, each at least 3:1 against white (WCAG 2.1 1.4.11, graphics).
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#4a4a4a",
    colors=("#0b5394", "#a61b1b", "#1e6b2f", "#7a4b00", "#5b2c83", "#00646e", "#6b6b6b"),
    font_family='"Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif',
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=12,
)


@dataclass(frozen=True)
class Chart:
    """One chart: its title, the inline SVG, a one-line summary, and the table behind it."""

    id: str
    title: str
    svg: Markup
    summary: str
    columns: list[str]
    rows: list[list[Any]]


@router.get("/dashboard")
async def dashboard(
    request: Request,
    who: StaffSession = Depends(ADMINS),
    city: str = Query("", max_length=4),
    days: int = Query(statistics.DEFAULT_PERIOD),
) -> Response:
    f = statistics.DashboardFilter(city or None, days)

    async def use_case(ctx: Ctx) -> tuple[dict[str, Any], list[Any], list[Any]]:
        figures = await statistics.dashboard(ctx, f)
        return figures, await reference.cities(ctx), await reference.banks(ctx)

    figures, cities, banks = await read(request, who.actor, use_case)
    _ = i18n.translator(request)
    lang = i18n.language(request)
    names = Names(
        {c.code: c.name_zh if lang == "zh" else c.name_en for c in cities},
        {b.code: b.name_zh if lang == "zh" else b.name_en for b in banks},
        _,
    )
    context = {
        "figures": figures,
        "charts": charts(figures, names),
        "cities": cities,
        "city": figures["city_code"] or "",
        "may_choose_city": who.actor.role is Role.PROVINCE_ADMIN,
        "city_name": names.city(figures["city_code"]) if figures["city_code"] else None,
        "periods": [(d, _(label)) for d, label in PERIOD_LABELS.items()],
        "days": figures["days"],
    }
    return render(request, "dashboard/dashboard.html", context)


@dataclass(frozen=True)
class Names:
    cities: dict[str, str]
    banks: dict[str, str]
    _: Callable[[str], str]

    def city(self, code: str) -> str:
        return self.cities.get(code, code)

    def bank(self, code: str) -> str:
        return self.banks.get(code, code)

    def channel(self, code: str) -> str:
        return self._(CHANNELS[code]) if code in CHANNELS else code


def charts(figures: dict[str, Any], names: Names) -> list[Chart]:
    """The dashboard's charts, in reading order."""
    _ = names._
    issued, losses, apps = figures["issued"], figures["losses"], figures["applications"]
    monthly = figures["bucket"] == "month"
    starts = [_when(e["start"], monthly) for e in issued["over_time"]]
    found = [
        _bars(
            "issued-over-time",
            _("Cards issued per month") if monthly else _("Cards issued per day"),
            starts,
            [(_("Cards issued"), [e["n"] for e in issued["over_time"]])],
            _("Period"),
            _("Total in the period: %(n)s") % {"n": issued["total"]},
            every=1 if monthly else max(1, len(starts) // 10),
        ),
        _counts(
            "issued-by-city",
            _("Cards issued by city"),
            [(names.city(e["key"]), e["n"]) for e in issued["by_city"]],
            _("City"),
            _,
        ),
        _counts(
            "issued-by-bank",
            _("Cards issued by bank"),
            [(names.bank(e["key"]), e["n"]) for e in issued["by_bank"]],
            _("Bank"),
            _,
        ),
        _counts(
            "issued-by-generation",
            _("Cards issued by generation"),
            [(_("Generation %(n)s") % {"n": e["key"]}, e["n"]) for e in issued["by_generation"]],
            _("Generation"),
            _,
        ),
    ]
    loss_series = [(_(label), [e[m] for e in losses["over_time"]]) for m, label in LOSSES.items()]
    totals = ", ".join(f"{_(label)} {losses['totals'][m]}" for m, label in LOSSES.items())
    found.append(
        _bars(
            "losses",
            _("Losses and unlocks"),
            starts,
            loss_series,
            _("Period"),
            _("In the period: %(totals)s") % {"totals": totals},
            every=1 if monthly else max(1, len(starts) // 10),
            line=True,
        )
    )
    channels = sorted({e["channel"] for e in apps["open"]})
    open_series = [
        (
            names.channel(ch),
            [
                sum(e["n"] for e in apps["open"] if e["status"] == s and e["channel"] == ch)
                for s in STATES
            ],
        )
        for ch in channels
    ]
    found.append(
        _bars(
            "applications-open",
            _("Open applications by state and channel (now)"),
            [_(label) for label in STATES.values()],
            open_series or [(_("None"), [0] * len(STATES))],
            _("State"),
            _("Open now: %(n)s") % {"n": sum(e["n"] for e in apps["open"])},
            stacked=True,
        )
    )
    flows = [(_(label), _keyed(apps[m])) for m, label in APPLICATION_FLOWS.items()]
    in_period = {m: sum(_keyed(apps[m]).values()) for m in APPLICATION_FLOWS}
    channels_seen = sorted({ch for _label, by in flows for ch in by})
    found.append(
        _bars(
            "applications-by-channel",
            _("Applications accepted, collected and withdrawn by channel"),
            [names.channel(ch) for ch in channels_seen],
            [(label, [by.get(ch, 0) for ch in channels_seen]) for label, by in flows],
            _("Channel"),
            _("In the period: %(a)s accepted, %(c)s collected, %(w)s withdrawn")
            % {
                "a": in_period["accepted"],
                "c": in_period["collected"],
                "w": in_period["withdrawn"],
            },
        )
    )
    overdue = figures["overdue"]
    late, unknown = sum(e["overdue"] for e in overdue), sum(e["due_unknown"] for e in overdue)
    found.append(
        _bars(
            "overdue",
            _("Overdue work by city (now)"),
            [names.city(e["city_code"]) for e in overdue],
            [
                (_("Past the due date"), [e["overdue"] for e in overdue]),
                (_("Due date unknown"), [e["due_unknown"] for e in overdue]),
            ],
            _("City"),
            _("Past the due date: %(o)s; due date unknown: %(u)s") % {"o": late, "u": unknown},
        )
    )
    if figures["deliveries"] is not None:
        deliveries = figures["deliveries"]
        found.append(
            _bars(
                "deliveries",
                _("Deliveries to banks waiting and failed (now)"),
                [names.bank(e["bank_code"]) for e in deliveries],
                [
                    (_("Waiting"), [e["pending"] for e in deliveries]),
                    (_("Failed"), [e["failed"] for e in deliveries]),
                ],
                _("Bank"),
                _("Waiting: %(p)s; failed: %(f)s")
                % {
                    "p": sum(e["pending"] for e in deliveries),
                    "f": sum(e["failed"] for e in deliveries),
                },
                stacked=True,
            )
        )
    found += _payments(figures, _)
    return found


def _payments(figures: dict[str, Any], _: Callable[[str], str]) -> list[Chart]:
    """SPEC PAY-3, GOV-6: benefit payments by kind, paid and held (the province's)."""
    rows = figures.get("benefit_payments")
    if rows is None:
        return []
    labels = [_(KIND_NAMES.get(r["kind"], r["kind"])) for r in rows]
    totals = {
        "p": sum(r["paid"] for r in rows),
        "py": sum(r["paid_fen"] for r in rows) // 100,
        "h": sum(r["held"] for r in rows),
        "hy": sum(r["held_fen"] for r in rows) // 100,
    }
    series = [
        (_("Paid"), [r["paid_fen"] // 100 for r in rows]),
        (_("Held"), [r["held_fen"] // 100 for r in rows]),
    ]
    summary = _("Paid: %(p)s payments, %(py)s yuan; held: %(h)s payments, %(hy)s yuan") % totals
    title = _("Benefit payments by kind (yuan)")
    return [_bars("benefit-payments", title, labels, series, _("Kind"), summary, stacked=True)]


KIND_NAMES = {
    "pension": N_("Pension"),
    "unemployment": N_("Unemployment benefit"),
    "work_injury": N_("Work-injury benefit"),
    "talent_subsidy": N_("Talent subsidy"),
    "subsidy": N_("Subsidy"),
    "housing_fund": N_("Housing-fund withdrawal"),
    "wages": N_("Wages"),
    "student_grant": N_("Student grant or scholarship"),
}


def _keyed(entries: Sequence[dict[str, Any]]) -> dict[Any, int]:
    return {e["key"]: e["n"] for e in entries}


def _when(start: Any, monthly: bool) -> str:
    day = start if isinstance(start, date) else date.fromisoformat(str(start))
    return day.strftime("%Y-%m") if monthly else day.strftime("%m-%d")


def _counts(
    chart_id: str, title: str, pairs: list[tuple[str, int]], label: str, _: Callable[[str], str]
) -> Chart:
    return _bars(
        chart_id,
        title,
        [k for k, _n in pairs],
        [(_("Cards issued"), [n for _k, n in pairs])],
        label,
        "; ".join(f"{k} {n}" for k, n in pairs) or _("None in the period"),
    )


def _bars(
    chart_id: str,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[int]]],
    label: str,
    summary: str,
    *,
    stacked: bool = False,
    line: bool = False,
    every: int = 1,
) -> Chart:
    frozen = tuple((name, tuple(values)) for name, values in series)
    return _drawn(chart_id, title, tuple(labels), frozen, label, summary, stacked, line, every)


# pygal takes 20-70 ms a chart; the same figures give the same drawing, so a chart is drawn
# again only when its figures (or language) changed since it was last drawn in this process.
@lru_cache(maxsize=512)
def _drawn(
    chart_id: str,
    title: str,
    labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[int, ...]], ...],
    label: str,
    summary: str,
    stacked: bool,
    line: bool,
    every: int,
) -> Chart:
    kind = pygal.Line if line else pygal.StackedBar if stacked else pygal.Bar
    chart = kind(
        style=STYLE,
        js=[],  # no script from a CDN
        width=640,
        height=320,
        explicit_size=False,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        x_label_rotation=0 if len(labels) <= 8 else 30,
        show_minor_x_labels=every == 1,
        x_labels_major_every=every,
        truncate_label=-1,
        print_values=False,
        margin=8,
        no_data_text="—",
        disable_xml_declaration=True,
    )
    chart.x_labels = labels
    if series:  # pygal computes no scale without data (it shows no_data_text)
        chart.y_labels = _whole_numbers(max(max(v, default=0) for _n, v in series))
    for name, values in series:
        chart.add(name, values)
    chart.add_xml_filter(_accessible(title))
    svg = Markup(chart.render(is_unicode=True))
    columns = [label, *[name for name, _v in series]]
    rows = [[labels[i], *[values[i] for _n, values in series]] for i in range(len(labels))]
    return Chart(chart_id, title, svg, summary, columns, rows)


def _whole_numbers(top: int) -> list[int]:
    """Up to 6 ticks at whole numbers: counts have no fractions."""
    step = max(1, -(-top // 5))
    return list(range(0, max(top, 1) + step, step))


def _accessible(title: str) -> Callable[[ElementTree.Element], ElementTree.Element]:
    """An image with a name, and no script: pygal's own tooltip script would break the CSP."""

    def edit(root: ElementTree.Element) -> ElementTree.Element:
        for parent in list(root.iter()):
            for child in list(parent):
                if isinstance(child.tag, str) and child.tag.endswith("script"):
                    parent.remove(child)
        root.set("role", "img")
        root.set("aria-label", title)
        return root

    return edit
