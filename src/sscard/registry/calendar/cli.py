"""`sscard calendar`: the statutory holiday calendar (SPEC APP-2, §17)."""

from __future__ import annotations

from pathlib import Path

import typer

from sscard.kernel.actor import OPERATOR
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, read_body, run_with_runtime
from sscard.registry.calendar import service as calendar
from sscard.registry.calendar.schemas import CalendarYearIn

app = typer.Typer(help="Holiday calendar", no_args_is_help=True)


@app.command("years")
def years() -> None:
    """The calendar years the service knows."""

    async def work(rt: Runtime) -> list[dict[str, object]]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await calendar.known_years(ctx)

    echo_json(run_with_runtime(work))


@app.command("load-year")
def load_year(
    year: int,
    file: Path = typer.Argument(
        ...,
        help='JSON: {"holidays": [{"day","name"}], "adjusted_workdays": [...], "source": "..."}',
    ),
) -> None:
    """Load or correct one year; waiting applications get their due dates.

    The file is the body of PUT /api/v1/calendar/years/{year}, checked the same way.
    """
    body = read_body(file, CalendarYearIn)
    holidays, workdays = body.special_days()

    async def work(rt: Runtime) -> dict[str, int]:
        async with rt.unit(OPERATOR) as ctx:
            return await calendar.load_calendar_year(ctx, year, holidays, workdays, body.source)

    echo_json(run_with_runtime(work))
