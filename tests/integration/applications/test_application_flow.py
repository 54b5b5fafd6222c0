"""From registration to a collected card, through the HTTP API (SPEC APP-1/2/7, ISS-1/3/4, CH-2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from sscard.platform.outbox.models import outbox
from tests.support.api import Api


async def test_instant_outlet_makes_the_card_at_once(api: Api) -> None:
    """SPEC APP-2 (立等可取), ISS-1: card number, identification code, issue date, expiry."""
    person = await api.person("clerk_instant")

    r = await api.submit(person["person_id"], "clerk_instant", bank="ICBC")

    assert r.status_code == 201, r.text
    app = r.json()
    assert app["status"] == "ready_for_collection"
    assert app["making"] == "instant"
    assert app["due_date"] == "2026-11-23"
    assert [s["status"] for s in app["progress"]] == [
        "accepted",
        "in_production",
        "produced",
        "ready_for_collection",
    ]
    card = app["card"]
    assert len(card["card_number"]) == 9
    assert card["card_number"][0].isalpha()
    assert len(card["identification_code"]) == 32
    assert card["identification_code"].startswith("320400D156000005")
    assert card["issue_date"] == "2026-11-23"
    assert card["expiry_date"] == "2036-11-23"  # SPEC ISS-7: ten years
    assert card["hr_status"] == "produced"
    assert card["bank_code"] == "ICBC"


async def test_first_application_is_free(api: Api) -> None:
    """SPEC APP-8: the first application is free (Changzhou policy in force charges nothing)."""
    app = await api.applied("clerk_fast")
    assert app["fee_fen"] == 0


async def test_production_asks_the_bank_for_an_account_without_personal_data(api: Api) -> None:
    """SPEC ISS-1: the financial-account request is queued for the chosen bank (ID-6: no PII)."""
    app = await api.applied("clerk_instant", bank="JSB")
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        rows = (await ctx.conn.execute(select(outbox))).mappings().all()
    assert [(r["topic"], r["recipient"]) for r in rows] == [("bank.account_requested", "JSB")]
    assert rows[0]["payload"]["card_number"] == app["card"]["card_number"]
    assert set(rows[0]["payload"]) == {
        "card_id",
        "card_number",
        "application_reference",
        "city_code",
    }


async def test_fast_outlet_due_in_five_working_days(api: Api) -> None:
    """SPEC APP-2: Monday 23 Nov 2026 + 5 working days = Monday 30 Nov."""
    app = await api.applied("clerk_fast")
    assert app["status"] == "accepted"
    assert app["making"] == "fast"
    assert app["due_date"] == "2026-11-30"
    assert app["card"] is None


async def test_fast_due_date_skips_national_day_and_counts_adjusted_saturday(
    api: Api, clock: ManualClock
) -> None:
    """SPEC APP-2: 1-7 Oct 2026 are holidays, Saturday 10 Oct is a working day."""
    clock.set(datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    app = await api.applied("clerk_fast")
    # Working days after Wed 30 Sep: 8 Oct, 9 Oct, Sat 10 Oct, 12 Oct, 13 Oct.
    assert app["due_date"] == "2026-10-13"


async def test_whole_way_to_collection_activates_hr_function(api: Api) -> None:
    """SPEC APP-7 progression; ISS-3 collection at the applying outlet; ISS-4 hr active."""
    person = await api.person("clerk_fast")
    ref = (await api.submit(person["person_id"], "clerk_fast")).json()["reference"]
    for action, status in [
        ("start-production", "in_production"),
        ("finish-production", "produced"),
        ("deliver-to-outlet", "ready_for_collection"),
    ]:
        r = await api.step(ref, action)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == status
    number = await _document_number(api, person["person_id"])

    r = await api.post(
        f"/api/v1/applications/{ref}/collect",
        "clerk_fast",
        {"document": {"type": "resident_id", "number": number}},
    )

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "collected"
    assert body["card"]["hr_status"] == "active"
    overview = (await api.get(f"/api/v1/persons/{person['person_id']}", "clerk_fast")).json()
    assert overview["open_application"] is None
    assert [c["hr_status"] for c in overview["cards"]] == ["active"]


async def test_collection_only_at_the_applying_outlet(api: Api) -> None:
    """SPEC ISS-3: the card is collected where it was applied for."""
    app = await api.applied("clerk_instant")
    number = await _document_number(api, app["person_id"])
    r = await api.post(
        f"/api/v1/applications/{app['reference']}/collect",
        "clerk_other",
        {"document": {"type": "resident_id", "number": number}},
    )
    # The other outlet cannot even see the application.
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


async def test_collection_needs_the_applicants_document(api: Api) -> None:
    """SPEC ISS-3: collection with ID — someone else's document is refused."""
    app = await api.applied("clerk_instant")
    stranger = await api.person("clerk_instant")
    number = await _document_number(api, stranger["person_id"])

    r = await api.post(
        f"/api/v1/applications/{app['reference']}/collect",
        "clerk_instant",
        {"document": {"type": "resident_id", "number": number}},
    )

    assert r.status_code == 422
    assert r.json()["code"] == "document_does_not_match"
    assert r.json()["rule"] == "ISS-3"
    again = await api.get(f"/api/v1/applications/{app['reference']}", "clerk_instant")
    assert again.json()["status"] == "ready_for_collection"


async def test_every_step_writes_history_with_who_channel_outlet(api: Api) -> None:
    """SPEC CH-2: who, role, channel, outlet, when — one row per change."""
    app = await api.applied("clerk_fast")
    await api.step(app["reference"], "start-production")

    r = await api.get(f"/api/v1/applications/{app['reference']}/history", "admin")

    rows = r.json()
    assert [(h["event"], h["role"], h["channel"]) for h in rows] == [
        ("accepted", "outlet_clerk", "hr_outlet"),
        ("start_production", "province_admin", "centre"),
    ]
    assert rows[0]["outlet_id"] is not None
    assert rows[0]["actor_id"] is not None
    assert rows[1]["outlet_id"] is None


async def test_steps_out_of_order_are_refused(api: Api) -> None:
    """SPEC APP-7: the progression is a fixed table."""
    app = await api.applied("clerk_fast")
    r = await api.step(app["reference"], "deliver-to-outlet")
    assert r.status_code == 409
    assert r.json()["code"] == "application_transition_refused"
    assert "已受理" in r.json()["detail_zh"]


async def test_overdue_work_is_listed_for_the_centre(api: Api, clock: ManualClock) -> None:
    """SPEC APP-7: past its due date and not yet at the outlet = overdue."""
    late = await api.applied("clerk_fast")
    on_time = await api.applied("clerk_fast")
    await api.step(on_time["reference"], "start-production")
    await api.step(on_time["reference"], "finish-production")
    await api.step(on_time["reference"], "deliver-to-outlet")
    clock.advance(timedelta(days=8))  # Tue 1 Dec: past the due date of Mon 30 Nov

    r = await api.get("/api/v1/applications", "admin", params={"overdue": "true"})

    assert [a["reference"] for a in r.json()["items"]] == [late["reference"]]
    assert r.json()["items"][0]["overdue"] is True


async def test_holder_outlet_and_centre_see_progress_and_due_date(api: Api) -> None:
    """SPEC APP-7: visible to the applicant, the outlet and the centre — and no one else."""
    app = await api.applied("clerk_fast")
    ref = app["reference"]
    async with api.rt.unit(OPERATOR) as ctx:
        from sscard.actors.service import NewActor, create_actor
        from sscard.kernel.actor import Role

        _, api.tokens["holder"] = await create_actor(
            ctx, NewActor(Role.CARDHOLDER, "holder", person_id=app["person_id"])
        )
    hidden = await api.get(f"/api/v1/applications/{ref}", "hotline")
    assert hidden.status_code == 404  # issue 11: until the caller gives their number
    await api.present(app["person_id"], "hotline")
    for who in ("holder", "clerk_fast", "admin", "hotline"):
        r = await api.get(f"/api/v1/applications/{ref}", who)
        assert r.status_code == 200, who
        assert r.json()["due_date"] == "2026-11-30"
    assert (await api.get(f"/api/v1/applications/{ref}", "clerk_other")).status_code == 404
    assert (await api.get(f"/api/v1/applications/{ref}", "bank_icbc")).status_code == 200
    listed = await api.get("/api/v1/applications", "holder")
    assert [a["reference"] for a in listed.json()["items"]] == [ref]


async def test_listing_is_paged_by_cursor(api: Api) -> None:
    refs = [(await api.applied("clerk_fast"))["reference"] for _ in range(3)]
    first = (await api.get("/api/v1/applications", "admin", params={"limit": 2})).json()
    second = (
        await api.get(
            "/api/v1/applications", "admin", params={"limit": 2, "after": first["next_after"]}
        )
    ).json()
    assert [a["reference"] for a in first["items"] + second["items"]] == refs
    assert second["next_after"] is None


async def _document_number(api: Api, person_id: int) -> str:
    from sscard.registry.models import identity_documents

    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = select(identity_documents.c.number_enc).where(
            identity_documents.c.person_id == person_id
        )
        blob = (await ctx.conn.execute(stmt)).scalar_one()
        return ctx.vault.decrypt(blob)


async def test_answers_match_the_documented_shapes(api: Api) -> None:
    """The OpenAPI document tells the truth about what comes back."""
    from sscard.applications.counter.schemas import PersonOverview
    from sscard.applications.schemas import ApplicationPage, ApplicationView
    from sscard.platform.http.schemas import Problem

    app = await api.applied("clerk_instant")
    ApplicationView.model_validate(app)
    person = await api.get(f"/api/v1/persons/{app['person_id']}", "clerk_instant")
    PersonOverview.model_validate(person.json())
    ApplicationPage.model_validate((await api.get("/api/v1/applications", "admin")).json())
    Problem.model_validate((await api.submit(app["person_id"], "clerk_instant")).json())
    spec = (await api.client.get("/openapi.json")).json()
    assert "409" in spec["paths"]["/api/v1/applications"]["post"]["responses"]
