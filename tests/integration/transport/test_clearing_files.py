"""Offline fares uploaded as clearing files (issue 15 item 3; SPEC TRN-1, TRN-3): each line
applied once per purse in counter order at the reader city's rate, a duplicate upload or a
reader sequence applied online recognised, a counter gap reported, never below zero; a bad file
refused whole with each line named and nothing kept. Amounts in fen."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from sscard.kernel.actor import OPERATOR
from sscard.platform.outbox.signing import signed_headers
from sscard.scenes.models import scene_operators
from sscard.transport.offline import repository as repo
from sscard.transport.offline import rules, service
from tests.integration.scenes.support import SceneTerminal, scene
from tests.integration.transport.test_fares import ride, topped_up
from tests.integration.transport.test_purse import purse
from tests.support.api import Api

HEADER = "terminal_code,terminal_seq,card_number,counter,mode,fare_fen,used_at\n"
AT = "2026-11-23T08:00:00+08:00"


async def upload(reader: SceneTerminal, lines: list[str], ref: str) -> httpx.Response:
    raw = (HEADER + "".join(f"{x}\n" for x in lines)).encode()
    headers = signed_headers(reader.secret, reader.api.rt.clock.now(), raw)
    headers["Content-Type"] = "text/csv"
    return await reader.api.call(
        "POST", f"/api/v1/transport/clearing-files?reference={ref}", reader.key, content=raw,
        headers=headers,
    )  # fmt: skip


async def test_offline_fares_are_applied_once_in_counter_order(api: Api) -> None:
    """TRN-3: Changzhou's bus rate (60 %) for a local card; lines applied in counter order,
    whatever their order in the file; a line applied online before and a line repeated in the
    file are duplicates; a counter already written is reported; a jump is reported; the same
    file again changes nothing."""
    n = await topped_up(api, 1000)  # counter 1 written by the top-up
    bus = await scene(api, "transit", "BUS3204000101", city="3204")
    assert (await ride(bus, n, 200, 2, 1))["charged_fen"] == 120  # online: seq 1, counter 2
    lines = [
        f"T1,5,{n},6,bus,200,{AT}",  # after a gap (counters 4, 5 unseen)
        f"T1,3,{n},3,bus,200,{AT}",
        f"T1,1,{n},2,bus,200,{AT}",  # seq 1 was applied online
        f"T1,3,{n},3,bus,200,{AT}",  # repeated in the file
        f"T1,9,{n},3,bus,200,{AT}",  # another seq on counter 3
    ]
    r = await upload(bus, lines, "OFF-1")
    assert r.status_code == 201, r.text
    report = r.json()
    assert (report["applied"], report["charged_fen"], report["counter_gaps"]) == (2, 240, 2)
    assert report["outcomes"] == {"applied": 2, "duplicate": 2, "counter_seen": 1}
    by_line = {x["line"]: x for x in report["lines"]}
    assert by_line[1]["gap"] == 2
    assert by_line[3]["outcome"] == "duplicate"
    assert by_line[5]["outcome"] == "counter_seen"
    assert n not in r.text
    assert (await purse(api, n))["balance_fen"] == 1000 - 120 - 240
    again = await upload(bus, lines, "OFF-1")
    assert (again.status_code, again.json()["sent_again"]) == (200, True)
    assert (await purse(api, n))["balance_fen"] == 640
    r = await upload(bus, [f"T1,6,{n},7,bus,200,{AT}"], "OFF-1")
    assert (r.status_code, r.json()["code"]) == (409, "clearing_reference_reused")
    r = await upload(bus, [f"T1,5,{n},6,bus,200,{AT}"], "OFF-2")
    assert r.json()["outcomes"] == {"duplicate": 1}


async def test_the_balance_never_goes_below_zero(api: Api) -> None:
    """TRN-3: lines are applied in counter order while the balance pays them; the rest are
    reported not_enough and never applied; a card without a purse is reported."""
    n = await topped_up(api, 300)
    nobody = (await api.card())["card_number"]
    bus = await scene(api, "transit", "BUS3204000102", city="3204")
    lines = [f"T1,{i},{n},{i + 1},bus,200,{AT}" for i in range(1, 5)]  # 120 each
    lines.append(f"T1,9,{nobody},2,bus,200,{AT}")
    report = (await upload(bus, lines, "OFF-3")).json()
    assert report["outcomes"] == {"applied": 2, "not_enough": 2, "not_loaded": 1}
    assert (await purse(api, n))["balance_fen"] == 60


async def test_a_bad_file_is_refused_whole(api: Api) -> None:
    """TRN-3: a line that cannot be read, a reader not the operator's: refused with the lines
    named, nothing applied; a file without the header is unreadable."""
    n = await topped_up(api, 1000)
    bus = await scene(api, "transit", "BUS3204000103", city="3204")
    before = await api.count("transport_ledger")
    lines = [f"T1,1,{n},2,bus,200,{AT}", f"T1,2,{n},x,bus,200,{AT}", f"T7,3,{n},4,bus,200,{AT}",
             f"T1,4,{n},5,bus,200,2026-11-23T08:00:00"]  # fmt: skip
    r = await upload(bus, lines, "OFF-4")
    assert (r.status_code, r.json()["code"]) == (422, "clearing_file_invalid"), r.text
    assert {(p["line"], p["field"]) for p in r.json()["problems"]} == {
        (2, "counter"), (3, "terminal_code"), (4, "used_at"),
    }  # fmt: skip
    assert await api.count("transport_ledger") == before
    raw = b"card,counter\n"
    headers = signed_headers(bus.secret, api.rt.clock.now(), raw) | {"Content-Type": "text/csv"}
    r = await api.call("POST", "/api/v1/transport/clearing-files?reference=OFF-5", bus.key,
                       content=raw, headers=headers)  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (422, "clearing_file_unreadable")
    hotel = await scene(api, "hotel", "HOT3204000103", city="3204")
    r = await upload(hotel, [f"T1,1,{n},2,bus,200,{AT}"], "OFF-6")
    assert r.status_code == 422


async def test_a_moment_out_of_bounds_is_a_line_problem(api: Api) -> None:
    """TRN-3 (issue 15 review): used_at at the ends of the calendar (0001-01-01 east of UTC,
    9999-12-31 west of it) is a problem of its line, never a server error; a moment in the
    future beyond the readers' clock skew, or older than the upload window, would charge a day
    not yet cleared or one cleared already: refused, nothing applied. Within the bounds (the
    test clock is 2026-11-23 10:00 in Beijing) the line is taken."""
    n = await topped_up(api, 1000)
    bus = await scene(api, "transit", "BUS3204000104", city="3204")
    before = await api.count("transport_ledger")
    moments = ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00",
               "2030-01-01T00:00:00+08:00", "2026-10-01T08:00:00+08:00",
               "2026-11-23T10:20:00+08:00", "2026-02-30T08:00:00+08:00",
               "2026-11-23T08:00:00+24:00"]  # fmt: skip
    lines = [f"T1,{i},{n},{i + 1},bus,200,{at}" for i, at in enumerate(moments, start=1)]
    r = await upload(bus, lines, "OFF-7")
    assert (r.status_code, r.json()["code"]) == (422, "clearing_file_invalid"), r.text
    problems = r.json()["problems"]
    assert [(p["line"], p["field"]) for p in problems] == [(i, "used_at") for i in range(1, 8)]
    assert "30" in problems[0]["reason_en"]
    assert "future" in problems[2]["reason_en"]
    assert "ISO" in problems[5]["reason_en"]
    assert "ISO" in problems[6]["reason_en"]
    assert await api.count("transport_ledger") == before
    inside = ["2026-11-23T10:09:00+08:00", "2026-10-25T00:00:00Z", "2026-11-23 01:00+00:00"]
    lines = [f"T1,{i},{n},{i + 1},bus,200,{at}" for i, at in enumerate(inside, start=1)]
    r = await upload(bus, lines, "OFF-8")
    assert (r.status_code, r.json()["applied"]) == (201, 3), r.text


async def test_a_city_centre_sees_its_own_operators_files(api: Api) -> None:
    """TRN-3 as the daily clearing (TRN-1): a city's centre admin reads the reports of its own
    city's operators' files; another city's file is not found (404), as it is not in its
    clearing; the province's admin reads every file."""
    n = await topped_up(api, 1000)
    changzhou = await scene(api, "transit", "BUS3204000105", city="3204")
    suzhou = await scene(api, "transit", "BUS3205000105", city="3205")
    mine = (await upload(suzhou, [f"T1,1,{n},2,bus,200,{AT}"], "OFF-9")).json()["file_id"]
    other = (await upload(changzhou, [f"T1,1,{n},3,bus,200,{AT}"], "OFF-9")).json()["file_id"]
    path = "/api/v1/transport/clearing-files/{}"
    assert (await api.get(path.format(mine), "admin_suzhou")).status_code == 200
    r = await api.get(path.format(other), "admin_suzhou")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    assert n[-4:] not in r.text
    assert (await api.get(path.format(other), "admin")).status_code == 200


async def test_refusals_of_a_file_say_what_is_wanted(api: Api) -> None:
    """TRN-3 (issue 15 review): an unreadable file names the field `file`; a bad mode lists
    the modes; the refusal of a bad file says only the first 100 problems are listed; a file
    read in Python (a quoted field) and one checked in SQL (PostgreSQL, plain lines) find the
    same problems."""
    n = await topped_up(api, 1000)
    bus = await scene(api, "transit", "BUS3204000106", city="3204")
    raw = b"\xff\xfe not utf-8"
    headers = signed_headers(bus.secret, api.rt.clock.now(), raw) | {"Content-Type": "text/csv"}
    r = await api.call("POST", "/api/v1/transport/clearing-files?reference=OFF-10", bus.key,
                       content=raw, headers=headers)  # fmt: skip
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422, "clearing_file_unreadable", "file",
    )  # fmt: skip
    lines = [f"T1,{i},{n},{i + 1},plane,200,{AT}" for i in range(1, 106)]
    lines += ["", " , ,", f"T1,1,{n},2,bus,200", f"T1, 2 ,{n}, 3 ,bus,0,{AT}"]
    plain = await upload(bus, lines, "OFF-11")
    assert (plain.status_code, plain.json()["code"]) == (422, "clearing_file_invalid")
    body = plain.json()
    assert "first 100" in body["detail_en"]
    assert "107" in body["detail_en"]
    mode = body["problems"][0]
    assert (mode["line"], mode["field"]) == (1, "mode")
    assert all(m in mode["reason_en"] for m in ("bus", "metro", "tram", "ferry"))
    quoted = await upload(bus, [f'"T1",1,{n},2,plane,200,{AT}', *lines[1:]], "OFF-12")
    assert quoted.json()["problems"] == body["problems"]
    assert quoted.json()["detail_en"] == body["detail_en"]
    tail = await upload(bus, lines[-2:], "OFF-13")
    assert [(p["line"], p["field"]) for p in tail.json()["problems"]] == [
        (1, "line"), (2, "fare_fen"),
    ]  # fmt: skip


FEB_30 = "2026-02-30T08:00:00+08:00"
PAST_BOUNDS = {  # a line shaped as readers write them, past a bound: the field named
    "counter": "T1,2,{n},99999,bus,200,{at}",
    "fare_fen": "T1,2,{n},3,bus,999999,{at}",
    "terminal_seq": "T1,9999999999999999999,{n},3,bus,200,{at}",
    "used_at": "T1,2,{n},3,bus,200," + FEB_30,
    "terminal_code": "T7,2,{n},3,bus,200,{at}",
}


async def test_a_clean_line_past_a_bound_is_named_as_any_other(api: Api) -> None:
    """TRN-3: a line as readers write it (rules.clean_lines) but past a bound (a counter over
    65535, a fare over 1,000 yuan, a sequence past 2**62, 30 February, a reader not the
    operator's) is refused with its field named, whether alone in a file of good lines or
    among others; nothing is kept. On PostgreSQL such a file is first COPYed typed
    (repository.stage_clean), which finds it out of bounds (or COPY refuses the value) and
    stages nothing; the file is then checked the exact way."""
    n = await topped_up(api, 1000)
    bus = await scene(api, "transit", "BUS3204000107", city="3204")
    before = await api.count("transport_ledger")
    good = f"T1,1,{n},2,bus,200,{AT}"
    for i, (field, line) in enumerate(PAST_BOUNDS.items()):
        r = await upload(bus, [good, line.format(n=n, at=AT)], f"OFF-B{i}")
        assert (r.status_code, r.json()["code"]) == (422, "clearing_file_invalid"), r.text
        assert [(p["line"], p["field"]) for p in r.json()["problems"]] == [(2, field)]
    every = [line.format(n=n, at=AT) for line in PAST_BOUNDS.values()]
    r = await upload(bus, [good, *every], "OFF-B9")
    assert [(p["line"], p["field"]) for p in r.json()["problems"]] == [
        (i, field) for i, field in enumerate(PAST_BOUNDS, start=2)
    ]  # fmt: skip
    assert await api.count("transport_ledger") == before
    r = await upload(bus, [good], "OFF-B10")
    assert (r.status_code, r.json()["applied"]) == (201, 1), r.text


async def test_postgresql_copies_a_clean_file_typed(api: Api) -> None:
    """TRN-3 on PostgreSQL (issue 15, "Scale and faults"): a file of clean lines is staged by
    one typed COPY (repository.stage_clean: its line count); one past a bound or with a value
    COPY refuses is not staged (None) and goes the exact way, above."""
    async with api.rt.unit(OPERATOR) as ctx:
        if ctx.conn.dialect.name != "postgresql":
            pytest.skip("SQLite reads every file in Python")
    n = await topped_up(api, 1000)
    await scene(api, "transit", "BUS3204000108", city="3204")
    good = f"T1,1,{n},2,bus,200,{AT}"
    async with api.rt.unit(OPERATOR) as ctx:
        found = await ctx.conn.execute(
            select(scene_operators.c.id).where(scene_operators.c.code == "BUS3204000108")
        )
        operator_id = found.scalar_one()
        body = f"{good}\nT1,2,{n},3,bus,200,{AT}".encode()
        assert await repo.stage_clean(ctx.conn, body, operator_id, ctx.now) == 2
        for line in PAST_BOUNDS.values():
            body = f"{good}\n{line.format(n=n, at=AT)}\n".encode()
            assert rules.clean_lines(body)
            assert await repo.stage_clean(ctx.conn, body, operator_id, ctx.now) is None
        await ctx.conn.rollback()


async def test_a_purse_lists_its_writes_in_the_cards_order(api: Api) -> None:
    """TRN-3: each write takes the card's next counter, so a purse's writes are listed by it,
    latest first: an offline fare uploaded after an online one but made before it (a lower
    counter) comes after it. A fare names its operator, the city it was taken in and the mode;
    a top-up names none."""
    n = await topped_up(api, 1000)  # counter 1
    bus = await scene(api, "transit", "BUS3204000109", city="3204")
    assert (await ride(bus, n, 200, 5, 1, mode="metro"))["charged_fen"] == 190
    r = await upload(bus, [f"T1,2,{n},3,bus,200,{AT}"], "OFF-C1")
    assert r.json()["applied"] == 1, r.text
    entries = (await purse(api, n))["entries"]
    assert [(e["counter"], e["kind"], e["mode"]) for e in entries] == [
        (5, "fare", "metro"), (3, "fare", "bus"), (1, "top_up", None),
    ]  # fmt: skip
    assert {e["operator_name"] for e in entries[:2]} == {"测试transit"}
    assert [e["city_code"] for e in entries] == ["3204", "3204", None]


async def test_a_large_file_with_one_line_not_as_readers_write_it(api: Api) -> None:
    """TRN-3 (issue 15, "Scale and faults"): a file past service.PARSE_IN_THREAD_FROM bytes has
    its lines' shapes checked in a thread while it is COPYed typed; one line with blanks
    around its mode (taken: the rules trim them) is not of the readers' shape, so what the
    typed COPY staged (" bus " as it is, which no rate names) is dropped and the file goes
    the exact way: every line applied, that one at the bus rate too (60 % of 200 fen)."""
    n = await topped_up(api, 100_000)
    bus = await scene(api, "transit", "BUS3204000109", city="3204")
    count = 6_000
    lines = [f"T1,{seq},{n},{seq + 1},bus,1,{AT}" for seq in range(1, count)]
    lines.append(f"T1,{count},{n},{count + 1}, bus ,200,{AT}")
    assert len("".join(f"{x}\n" for x in lines)) > service.PARSE_IN_THREAD_FROM
    r = await upload(bus, lines, "OFF-LARGE")
    assert r.status_code == 201, r.text
    assert (r.json()["applied"], r.json()["charged_fen"]) == (count, (count - 1) + 120)
    assert (await purse(api, n))["balance_fen"] == 100_000 - (count - 1) - 120


async def test_the_operator_reads_every_line_not_applied_page_by_page(api: Api) -> None:
    """TRN-3: a file's lines not applied are listed MAX_PROBLEMS_SHOWN at a time in line
    order, the next page after `next_after_line`, through to the last (null); the uploading
    operator's own terminals read their file's report with their token (the upload answer
    held the first page only); another operator's terminal finds no such file."""
    n = await topped_up(api, 1000)
    bus = await scene(api, "transit", "BUS3204000110", city="3204")
    other = await scene(api, "transit", "BUS3204000111", city="3204")
    unloaded = [f"T1,{seq},B{seq:08d},1,bus,100,{AT}" for seq in range(2, 252)]
    r = await upload(bus, [f"T1,1,{n},2,bus,100,{AT}", *unloaded], "OFF-PAGES")
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["applied"], first["outcomes"]["not_loaded"]) == (1, 250)
    assert [x["line"] for x in first["lines"]] == list(range(2, 102))
    path = f"/api/v1/transport/clearing-files/{first['file_id']}"
    seen, after = [], 0
    while after is not None:
        page = await bus.api.get(f"{path}?after_line={after}", bus.key)
        assert page.status_code == 200, page.text
        seen += [x["line"] for x in page.json()["lines"]]
        after = page.json()["next_after_line"]
    assert seen == list(range(2, 252))
    assert (await other.api.get(path, other.key)).status_code == 404
    assert (await bus.api.get(f"{path}?after_line=-1", bus.key)).status_code == 422
