"""The sign-in form over HTTP on both databases: the form token, unsafe characters, no 500
(issue 12; the kind of fault issue 11 fixed for the API)."""

from __future__ import annotations

import re

import httpx
import pytest

from sscard.kernel.runtime import Runtime
from tests.support.pages import application

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


async def _client(rt: Runtime) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=application(rt), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="https://sscard.test")


async def _form_token(client: httpx.AsyncClient) -> str:
    page = await client.get("/signin")
    assert page.status_code == 200
    found = TOKEN.search(page.text)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", "admin\x00"), ("password", "pass\u202eword"), ("username", "a\u200bb")],
)
async def test_a_form_field_with_an_unsafe_character_is_refused_by_name(
    rt: Runtime, clock: object, field: str, value: str
) -> None:
    async with await _client(rt) as client:
        token = await _form_token(client)
        form = {"csrf_token": token, "username": "admin", "password": "x", field: value}
        answer = await client.post("/signin", data=form)
    assert answer.status_code == 422
    assert field in answer.text
    assert "不允许的字符" in answer.text
    assert "sscard_session" not in answer.headers.get("set-cookie", "")


async def test_a_sign_in_without_its_form_token_is_refused(rt: Runtime, clock: object) -> None:
    async with await _client(rt) as client:
        await _form_token(client)
        answer = await client.post("/signin", data={"username": "admin", "password": "x"})
        forged = await client.post(
            "/signin", data={"csrf_token": "0" * 40, "username": "admin", "password": "x"}
        )
    assert answer.status_code == 403
    assert forged.status_code == 403
    assert "页面已过期" in forged.text


async def test_a_form_from_another_origin_is_refused_even_with_a_token(
    rt: Runtime, clock: object
) -> None:
    async with await _client(rt) as client:
        token = await _form_token(client)
        answer = await client.post(
            "/signin",
            data={"csrf_token": token, "username": "admin", "password": "x"},
            headers={"Origin": "https://evil.example"},
        )
    assert answer.status_code == 403


async def test_a_wrong_password_is_a_page_not_a_problem_document(
    rt: Runtime, clock: object
) -> None:
    async with await _client(rt) as client:
        token = await _form_token(client)
        answer = await client.post(
            "/signin", data={"csrf_token": token, "username": "nobody", "password": "Wrong-1"}
        )
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("text/html")
    assert "用户名或密码错误" in answer.text
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")


async def test_an_unknown_address_is_a_page_for_a_browser_and_a_problem_for_a_program(
    rt: Runtime, clock: object
) -> None:
    async with await _client(rt) as client:
        page = await client.get("/nonexistent", headers={"Accept": "text/html"})
        api = await client.get("/api/v1/nonexistent", headers={"Accept": "text/html"})
        program = await client.get("/nonexistent")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "页面不存在" in page.text
    assert api.headers["content-type"] == "application/problem+json"
    assert program.headers["content-type"] == "application/problem+json"


async def test_the_language_switch_comes_back_to_the_same_page_and_query(
    rt: Runtime, clock: object
) -> None:
    async with await _client(rt) as client:
        page = await client.get("/signin?next=/audit")
        assert 'name="next" value="/signin?next=/audit"' in page.text
        back = await client.get("/lang", params={"to": "en", "next": "/signin?next=/audit"})
    assert back.status_code == 303
    assert back.headers["location"] == "/signin?next=/audit"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "&".join(f"f{i}=1" for i in range(1001))),
        ("multipart/form-data", "garbage"),
        ("multipart/form-data; boundary=zzz", "garbagegarbagegarbage"),
        (
            "multipart/form-data; boundary=b",
            "".join(
                f'--b\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\n1\r\n'
                for i in range(1001)
            )
            + "--b--\r\n",
        ),
    ],
)
async def test_a_body_that_is_no_readable_form_is_refused_not_a_server_error(
    rt: Runtime, clock: object, content_type: str, body: str
) -> None:
    """Too many fields, a multipart body without or with a broken boundary: 400 with the
    reason in the page's language, nothing logged as a fault (found by the attacker session:
    each was a 500 with a traceback, before sign-in)."""
    async with await _client(rt) as client:
        await _form_token(client)
        answer = await client.post("/signin", content=body, headers={"content-type": content_type})
    assert answer.status_code == 400, answer.text[:300]
    assert "表单无法读取" in answer.text
    assert "系统出错" not in answer.text


async def test_a_field_given_twice_is_refused_by_name(rt: Runtime, clock: object) -> None:
    """The last of two values is not silently taken (found by the attacker session: a second
    document number opened the second person's record)."""
    async with await _client(rt) as client:
        token = await _form_token(client)
        answer = await client.post(
            "/signin",
            content=f"csrf_token={token}&username=admin&username=other&password=x",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert answer.status_code == 422
    assert "同一字段提交了多次" in answer.text
