"""The transport clearing's console pages over HTTP (issue 15 item 5; SPEC TRN-1, TRN-3)."""

from __future__ import annotations

from sscard.kernel.actor import Role
from sscard.kernel.runtime import Runtime
from tests.integration.scenes.support import scene
from tests.integration.transport.test_clearing_files import AT, upload
from tests.integration.transport.test_fares import ride, topped_up
from tests.support import pages
from tests.support.api import Api
from tests.support.console import make_staff


async def test_the_console_downloads_the_days_clearing_file_with_its_session(
    api: Api, rt: Runtime
) -> None:
    """The page's link was the API's, which answered 401 to a signed-in browser: the console
    serves the same file; the tables name the cities."""
    n = await topped_up(api, 2000)
    suzhou = await scene(api, "transit", "BUS3205000301", city="3205")
    assert (await ride(suzhou, n, 200, 2, 1))["charged_fen"] == 200
    province = await make_staff(rt, "li.clearing", Role.PROVINCE_ADMIN)
    async with pages.client(rt) as client:
        assert (await client.get("/centre/transport/clearing.csv")).status_code in (302, 303, 401)
        await pages.sign_in(client, rt, province)
        page = await client.get("/centre/transport")
        assert page.status_code == 200
        assert 'href="/centre/transport/clearing.csv?day=2026-11-23"' in page.text
        assert "苏州市" in page.text
        assert "常州市" in page.text
        file = await client.get("/centre/transport/clearing.csv?day=2026-11-23")
    assert file.status_code == 200, file.text
    assert file.headers["content-type"].startswith("text/csv")
    assert "clearing-2026-11-23.csv" in file.headers["content-disposition"]
    assert ",3205,3204,bus,1,200," in file.text


async def test_a_clearing_files_page_pages_through_its_lines_not_applied(
    api: Api, rt: Runtime
) -> None:
    """TRN-3: the console's page of a file lists the lines not applied 100 at a time, with a
    link to the next lines and back to the first."""
    bus = await scene(api, "transit", "BUS3204000302", city="3204")
    lines = [f"T1,{seq},B{seq:08d},1,bus,100,{AT}" for seq in range(1, 106)]
    r = await upload(bus, lines, "OFF-PAGE")
    assert r.status_code == 201, r.text
    file_id = r.json()["file_id"]
    province = await make_staff(rt, "li.files", Role.PROVINCE_ADMIN)
    async with pages.client(rt) as client:
        await pages.sign_in(client, rt, province)
        page = await client.get(f"/centre/transport/files/{file_id}")
        assert page.status_code == 200
        assert f'href="/centre/transport/files/{file_id}?after=100"' in page.text
        assert "后面的行" in page.text
        assert "<tr><td>100</td>" in page.text
        assert "<tr><td>101</td>" not in page.text
        rest = await client.get(f"/centre/transport/files/{file_id}?after=100")
        assert "<tr><td>105</td>" in rest.text
        assert "<tr><td>100</td>" not in rest.text
        assert "从第一行看起" in rest.text
        assert "后面的行" not in rest.text
        bad = await client.get(f"/centre/transport/files/{file_id}?after=x")
    assert bad.status_code == 422
