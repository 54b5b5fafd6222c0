"""`sscard token`: an operator creates actors from the shell; a refusal is a clear problem that
changes nothing, the same for every command group (platform.commands.run_with_runtime)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sscard.actors import service as actors
from sscard.kernel.actor import OPERATOR
from tests.support.api import Api
from tests.support.serving import sscard_cli

# Nothing here differs by database: it runs once, on SQLite (Makefile, test-postgres).
pytestmark = pytest.mark.any_database


async def _actor_count(api: Api) -> int:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        return len(await actors.list_actors(ctx))


async def test_a_clerk_is_created_with_a_token_that_works(api: Api, tmp_path: Path) -> None:
    made = await sscard_cli(
        api, tmp_path, "token", "create", "--role", "outlet_clerk", "--name", "柜员甲",
        "--outlet", "3201-HR-001",
    )  # fmt: skip
    assert made["role"] == "outlet_clerk"
    assert made["token"].startswith("ssc_")
    me = await api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {made['token']}"})
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "outlet_clerk"


async def test_a_refused_command_says_why_on_one_line_and_changes_nothing(
    api: Api, tmp_path: Path
) -> None:
    """The problem's code, field and reason in the operator's language; exit status 2."""
    before = await _actor_count(api)
    args = ("token", "create", "--role", "outlet_clerk", "--name", "柜员乙", "--outlet", "NO-SUCH")
    refused = await sscard_cli(api, tmp_path, *args, ok=False)
    assert (refused["code"], refused["field"]) == ("invalid_input", "outlet_code")
    assert refused["message"] == "Field 'outlet_code' is invalid: a clerk belongs to a known outlet"
    chinese = await sscard_cli(api, tmp_path, *args, ok=False, lang="zh_CN.UTF-8")
    assert chinese["message"] == "字段“outlet_code”无效：柜员须属于一个已登记的网点"
    assert await _actor_count(api) == before


async def test_the_outbox_group_refuses_the_same_way(api: Api, tmp_path: Path) -> None:
    refused = await sscard_cli(api, tmp_path, "outbox", "replay", "--status", "pending", ok=False)
    assert (refused["code"], refused["field"]) == ("invalid_input", "status")


async def test_the_list_gives_moments_as_the_api_does(api: Api, tmp_path: Path) -> None:
    """ISO 8601 with a T, as the HTTP API writes them, so one parser reads both."""
    listed = await sscard_cli(api, tmp_path, "token", "list")
    assert listed
    assert all("T" in a["created_at"] for a in listed)


async def test_a_long_name_or_a_binding_of_another_role_is_refused_not_bent(
    api: Api, tmp_path: Path
) -> None:
    """The command refuses what the API refuses: a name over 64 characters is not cut short,
    and an outlet given to an administrator is not ignored (CH-1: a role's one binding)."""
    before = await _actor_count(api)
    long_name = await sscard_cli(
        api, tmp_path, "token", "create", "--role", "outlet_clerk", "--name", "名" * 65,
        "--outlet", "3201-HR-001", ok=False,
    )  # fmt: skip
    assert long_name["field"] == "display_name"
    stray = await sscard_cli(
        api, tmp_path, "token", "create", "--role", "centre_admin", "--name", "管理员乙",
        "--outlet", "3201-HR-001", ok=False,
    )  # fmt: skip
    assert stray["field"] == "outlet_code"
    assert await _actor_count(api) == before
