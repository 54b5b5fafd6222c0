"""Preconditions by dry run (issue 12): the real use case, its refusal shown, nothing kept."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sscard.actors import service as actors
from sscard.applications import service as applications
from sscard.applications.counter import service as counter
from sscard.applications.service import FirstApplication
from sscard.kernel.actor import Actor
from sscard.kernel.runtime import Runtime
from sscard.web import checks
from tests.support.api import Api


def _request(rt: Runtime) -> Any:
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(runtime=rt)))


async def _clerk(api: Api) -> Actor:
    async with api.rt.engine.connect() as conn:
        return await actors.authenticate(conn, api.tokens["clerk_instant"])


async def test_a_dry_run_shows_the_refusal_and_keeps_nothing_of_what_goes_through(
    api: Api, rt: Runtime
) -> None:
    """SPEC ID-3 as the page shows it: the first application goes through in the dry run, so
    nothing is in the way; it is not kept; a second one is refused with the rule's own words."""
    person = (await api.person("clerk_instant"))["person_id"]
    clerk = await _clerk(api)
    apply = lambda ctx: applications.submit_first_application(  # noqa: E731
        ctx, FirstApplication(person, "ICBC")
    )
    before = [await api.count(t) for t in ("applications", "outbox", "access_log")]
    found = await checks.preconditions(_request(rt), clerk, {"a": apply, "b": apply})
    assert found == {"a": None, "b": None}  # each in its own savepoint: b does not see a
    assert before == [await api.count(t) for t in ("applications", "outbox", "access_log")]
    assert (await api.submit(person)).status_code == 201
    refusal = await checks.dry_run(_request(rt), clerk, apply)
    assert refusal is not None
    assert refusal.code == "live_card_exists"  # an instant-making outlet: the card is made
    assert refusal.rule == "ID-3"


async def test_a_page_s_reads_and_dry_runs_share_one_unit_and_log_each_record_once(
    api: Api, rt: Runtime
) -> None:
    """SPEC ID-6: the person page reads the record and dry-runs its procedures in one unit; a
    record read twice in the unit is one access-log line, and a read made only inside a dry run
    leaves no line (its savepoint is rolled back) and is not taken for a read already logged."""
    person = (await api.person("clerk_instant"))["person_id"]
    clerk = await _clerk(api)
    before = await api.count("access_log")
    async with rt.unit(clerk) as ctx:
        found = await checks.preconditions_within(
            ctx, {"photo": lambda c: counter.attach_photo(c, person, b"")}
        )
        assert found["photo"] is not None  # an empty file: the photo's own refusal
        assert ctx.logged == set()  # the dry run's read went with its savepoint
        await counter.person_overview(ctx, person)
        await counter.person_overview(ctx, person)
    assert await api.count("access_log") == before + 1
