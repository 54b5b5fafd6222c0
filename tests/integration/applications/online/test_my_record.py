"""The cardholder's own record in the online hall (issue 13 item 2; SPEC APP-7, LOSS-2/3,
ID-6): their cards and states, the open application's progress and due date, their messages —
only their own, masked, and each read logged."""

from __future__ import annotations

from sqlalchemy import select

from sscard.kernel.actor import OPERATOR
from sscard.platform.access.models import access_log
from tests.support.api import Api

ME = "/api/v1/me/record"


async def test_a_cardholder_reads_their_cards_and_a_formal_loss_online_and_its_unlock(
    api: Api,
) -> None:
    """LOSS-2/3 online: the hr function is lost and unlocked; the message reminding the holder
    to report the financial function to the bank is among their messages."""
    card = await api.card("clerk_instant", "ICBC")
    holder = await api.cardholder(card["person_id"])
    r = await api.get(ME, holder)
    assert r.status_code == 200, r.text
    mine = r.json()
    assert mine["person_id"] == card["person_id"]
    assert "*" in mine["name"]  # masked (ID-6)
    assert "*" in mine["social_security_number"]
    assert [c["card_number"] for c in mine["cards"]] == [card["card_number"]]
    assert mine["open_application"] is None
    assert mine["messages"] == []

    n = card["card_number"]
    assert (await api.card_post(n, "formal-loss", holder)).status_code == 200
    lost = (await api.get(ME, holder)).json()
    assert lost["cards"][0]["hr_status"] == "formally_lost"
    assert [m["template"] for m in lost["messages"]] == ["online_loss_bank_reminder"]
    assert lost["messages"][0]["rule"] == "LOSS-2"
    assert (await api.card_post(n, "unlock", holder)).status_code == 200
    assert (await api.get(ME, holder)).json()["cards"][0]["hr_status"] == "active"


async def test_the_open_application_shows_its_progress_and_due_date(api: Api) -> None:
    """APP-7: fast making at an outlet, due in 5 working days, progress step by step."""
    applied = await api.applied("clerk_fast")
    holder = await api.cardholder(applied["person_id"])
    mine = (await api.get(ME, holder)).json()
    application = mine["open_application"]
    assert application["reference"] == applied["reference"]
    assert application["due_date"] == applied["due_date"]
    assert application["status"] == "accepted"
    assert [(step["status"], step["channel"]) for step in application["progress"]] == [
        ("accepted", "hr_outlet")
    ]
    assert mine["cards"] == []


async def test_only_ones_own_record_and_each_read_logged(api: Api) -> None:
    """The actor names the person, never the request: two cardholders each see themselves; the
    read is in the access log as the holder's own (SPEC ID-6)."""
    first = await api.card("clerk_instant", "ICBC")
    second = await api.card("clerk_instant", "BOC")
    mine = (await api.get(ME, await api.cardholder(first["person_id"]))).json()
    theirs = (await api.get(ME, await api.cardholder(second["person_id"]))).json()
    assert (mine["person_id"], theirs["person_id"]) == (first["person_id"], second["person_id"])
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        rows = (
            await ctx.conn.execute(
                select(access_log.c.purpose).where(
                    access_log.c.person_id == first["person_id"],
                    access_log.c.role == "cardholder",
                )
            )
        ).all()
    assert [r.purpose for r in rows] == ["holder"]
    for role in ("clerk_instant", "hotline", "admin", "bank_icbc"):
        r = await api.get(ME, role)
        assert (r.status_code, r.json()["code"]) == (403, "forbidden")


async def test_a_cardholder_reads_the_history_of_their_own_cards_only(api: Api) -> None:
    """SPEC CH-2 for the holder (issue 13 item 2): their card's changes; another person's card
    is not found, exactly like a number nobody has."""
    mine = await api.card("clerk_instant", "ICBC")
    other = await api.card("clerk_instant", "BOC")
    holder = await api.cardholder(mine["person_id"])
    r = await api.get(f"/api/v1/cards/{mine['card_number']}/history", holder)
    assert r.status_code == 200, r.text
    assert [h["event"] for h in r.json()] == ["produced", "hr_activated"]
    r = await api.get(f"/api/v1/cards/{other['card_number']}/history", holder)
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
