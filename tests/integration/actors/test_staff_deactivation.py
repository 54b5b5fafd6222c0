"""A staff account closed by an administrator (issue 12): no more sign-in, sessions ended, the
actor off; a city's centre closes its own city's accounts only, never its own (SPEC CH-1)."""

from __future__ import annotations

import pytest

from sscard.actors.staff import repository as staff_repo
from sscard.actors.staff import rules
from sscard.actors.staff import service as staff
from sscard.kernel.actor import OPERATOR, Actor, Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.errors import InvalidInput, NotFound
from sscard.kernel.runtime import Runtime
from sscard.web.session import SIGN_IN


async def _create(rt: Runtime, username: str, **binding: str) -> tuple[int, str]:
    role = Role.OUTLET_CLERK if "outlet_code" in binding else Role.CENTRE_ADMIN
    async with rt.unit(OPERATOR) as ctx:
        return await staff.create_staff(ctx, staff.NewStaff(username, "测试", role, **binding))


async def _actor_of(rt: Runtime, username: str) -> Actor:
    async with rt.unit(OPERATOR, readonly=True) as ctx:
        account = await staff_repo.account_by_username(ctx.conn, username)
    assert account is not None
    role, city = Role(account["role"]), account["city_code"]
    return Actor(id=account["actor_id"], role=role, display_name="测试", city_code=city)


async def test_a_deactivated_account_signs_in_no_more_and_its_sessions_end(
    rt: Runtime, clock: ManualClock
) -> None:
    account_id, password = await _create(rt, "gone.clerk", outlet_code="3204-HR-001")
    async with rt.unit(SIGN_IN) as ctx:
        opened = await staff.sign_in(ctx, "gone.clerk", password, client=None)
    assert opened.token is not None

    async with rt.unit(OPERATOR) as ctx:
        await staff.deactivate_staff(ctx, account_id)

    async with rt.unit(SIGN_IN) as ctx:
        with pytest.raises(rules.SessionEnded):
            await staff.session(ctx, opened.token)
        again = await staff.sign_in(ctx, "gone.clerk", password, client=None)
    assert isinstance(again.refusal, rules.SignInRefused)
    async with rt.unit(OPERATOR, readonly=True) as ctx:
        [listed] = [a for a in await staff.list_staff(ctx) if a["id"] == account_id]
    assert listed["active"] is False


async def test_a_city_closes_its_own_citys_accounts_only_and_never_its_own(
    rt: Runtime, clock: ManualClock
) -> None:
    """CH-1, issue 11: another city's account is not found; one's own is refused."""
    changzhou, _ = await _create(rt, "cz.clerk", outlet_code="3204-HR-001")
    await _create(rt, "sz.admin", city_code="3205")
    suzhou_admin = await _actor_of(rt, "sz.admin")
    own = next(a["id"] for a in await _list(rt) if a["username"] == "sz.admin")
    async with rt.unit(suzhou_admin) as ctx:
        with pytest.raises(NotFound):
            await staff.deactivate_staff(ctx, changzhou)
        with pytest.raises(InvalidInput):
            await staff.deactivate_staff(ctx, own)
    assert all(a["active"] for a in await _list(rt))


async def _list(rt: Runtime) -> list[dict[str, object]]:
    async with rt.unit(OPERATOR, readonly=True) as ctx:
        return await staff.list_staff(ctx)
