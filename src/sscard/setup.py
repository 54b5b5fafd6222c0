"""Bring a database to a working state: schema, reference data, calendar, a first administrator."""

from __future__ import annotations

from pathlib import Path

from sscard.actors import service as actors
from sscard.actors.staff import service as staff
from sscard.ecards import service as ecards
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.crypto import write_secret
from sscard.kernel.runtime import Runtime
from sscard.platform.migrate import upgrade_async
from sscard.promotions.service import load_shipped_offers
from sscard.registry.calendar.service import seed_calendar
from sscard.registry.reference.loading import load_reference_data

FIRST_STAFF_USERNAME = "admin"


async def set_up(
    rt: Runtime,
    *,
    admin_token_file: Path | None = None,
    admin_password_file: Path | None = None,
) -> dict[str, int]:
    """Idempotent: migrates, inserts missing reference data and calendar years, the first
    administrator's API token, the ecard's first signing key and the first staff account of
    the console (`admin`), whose
    initial password is written to `admin_password_file` (0600) and must be changed at the
    first sign-in (issue 12)."""
    await upgrade_async(rt.settings.database_url)
    async with rt.unit(OPERATOR) as ctx:
        counts = await load_reference_data(ctx.conn)
        counts["calendar_years"] = await seed_calendar(ctx.conn, ctx.now)
        await ecards.ensure_signing_key(ctx)  # the QR codes' SM2 key (ECARD-3)
        counts["offers"] = await load_shipped_offers(ctx.conn, ctx.now)  # SPEC PRM-1
        if admin_token_file is not None and not await actors.has_admin(ctx.conn):
            _, token = await actors.create_actor(
                ctx, actors.NewActor(Role.PROVINCE_ADMIN, "首个管理员 first administrator")
            )
            write_secret(admin_token_file, token)
        if admin_password_file is not None and not await staff.has_staff_admin(ctx):
            _, password = await staff.create_staff(
                ctx,
                staff.NewStaff(FIRST_STAFF_USERNAME, "首个管理员", Role.PROVINCE_ADMIN),
            )
            write_secret(admin_password_file, password)
            counts["first_staff_account"] = 1
        spent = not await staff.initial_password_in_use(ctx, FIRST_STAFF_USERNAME)
    if admin_password_file is not None and spent:
        remove_secret(admin_password_file)  # it opens nothing now; keep no secret
    return counts


def remove_secret(path: Path) -> None:
    """Remove a secret's file, if there is one."""
    path.unlink(missing_ok=True)
