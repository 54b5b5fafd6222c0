"""The operator's command line: `sscard --help`."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from sscard.kernel.config import Settings
from sscard.kernel.files import private_files
from sscard.platform.commands import (
    FAILED,
    Failure,
    database_url,
    echo_json,
    failure_of,
    operator_english,
    run_with_runtime,
)

app = typer.Typer(
    help="sscard: back office of the Jiangsu social security card", no_args_is_help=True
)


@app.command()
def setup(
    admin_token_file: Path | None = typer.Option(
        None,
        help="first administrator token file [default: $SSCARD_VAR_DIR/admin.token]",
    ),
) -> None:
    """Migrate the database, load reference data and the holiday calendar, create an admin."""
    from sscard.setup import set_up

    var_dir = Settings.from_env().var_dir
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # a fresh checkout has none yet
    admin_token_file = admin_token_file or var_dir / "admin.token"
    password_file = var_dir / "admin.password"

    counts = run_with_runtime(
        lambda rt: set_up(rt, admin_token_file=admin_token_file, admin_password_file=password_file)
    )
    echo_json(counts)
    if admin_token_file.exists():
        typer.echo(f"administrator token: {admin_token_file}")
    if counts.get("first_staff_account"):
        typer.echo(
            "staff console: sign in as 'admin' with the password "
            f"{password_file.read_text().strip()} (also in {password_file}); "
            "you set your own password and enrol an authenticator app at the first sign-in"
        )
    elif password_file.exists():
        typer.echo(
            f"staff console: the first administrator 'admin'; initial password in {password_file}"
        )
    else:
        typer.echo("staff console: the first administrator 'admin' has a password of their own")


@app.command()
def serve(
    host: str | None = typer.Option(None, help="default SSCARD_HOST or 127.0.0.1"),
    port: int | None = typer.Option(None, help="default SSCARD_PORT or 8000"),
    workers: int | None = typer.Option(None, help="default SSCARD_WORKERS or 1"),
) -> None:
    """Start the HTTP service (API, OpenAPI at /docs)."""
    import uvicorn

    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    uvicorn.run(
        "sscard.server:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        access_log=settings.access_log,
        log_level=settings.log_level,
    )


@app.command()
def worker() -> None:
    """Run the background jobs alone (delivery to banks, 7-day sweep, SMS, daily reconciliation)."""
    import asyncio
    import signal

    from sscard.kernel.runtime import Runtime
    from sscard.worker import run_worker

    settings = Settings.from_env()
    database_url(settings)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )

    async def main() -> None:
        rt = Runtime(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await run_worker(rt, stop)
        finally:
            await rt.dispose()

    asyncio.run(main())


db = typer.Typer(help="Database schema", no_args_is_help=True)
data = typer.Typer(help="Reference and demo data", no_args_is_help=True)


@db.command()
def migrate(revision: str = typer.Argument("head")) -> None:
    """Upgrade the database schema to the given revision (default: the newest)."""
    from sscard.platform.migrate import upgrade

    upgrade(database_url(Settings.from_env()), revision)
    typer.echo(f"database at {revision}")


@data.command("load-demo")
def load_demo(
    persons: int = typer.Option(20, min=1, max=10_000),
    seed: int = typer.Option(2026),
    tokens_file: Path | None = typer.Option(
        None, help="[default: $SSCARD_VAR_DIR/demo-tokens.json]"
    ),
) -> None:
    """Generated persons (never real data) with photos and applications, plus demo actors."""
    import json

    from sscard.demo import load_demo as load
    from sscard.kernel.crypto import write_secret

    tokens_file = tokens_file or Settings.from_env().var_dir / "demo-tokens.json"
    result = run_with_runtime(lambda rt: load(rt, persons=persons, seed=seed))
    write_secret(tokens_file, json.dumps(result.tokens, indent=2))
    echo_json({"persons": result.persons, "applications": result.applications[:10]})
    typer.echo(f"demo tokens: {tokens_file}")
    # Generated persons (never real ones), so that a counter can find them by their document.
    persons_file = tokens_file.with_name("demo-persons.json")
    write_secret(persons_file, json.dumps(result.documents, ensure_ascii=False, indent=2))
    typer.echo(f"demo persons' generated document numbers: {persons_file}")
    if result.staff_passwords:
        staff_file = tokens_file.with_name("demo-staff.json")
        write_secret(staff_file, json.dumps(result.staff_passwords, indent=2))
        typer.echo(f"demo staff accounts and their one-time passwords: {staff_file}")
        for username, password in result.staff_passwords.items():
            typer.echo(f"  {username}: {password}")


def _register_groups() -> None:
    from sscard.actors import cli as tokens
    from sscard.actors.staff import cli as staff
    from sscard.banks import cli as banks
    from sscard.cards import cli as cards
    from sscard.delta import cli as delta
    from sscard.ecards import cli as ecards
    from sscard.payments import cli as payments
    from sscard.platform.notify import cli as notifications
    from sscard.platform.outbox import cli as delivery
    from sscard.registry.calendar import cli as calendar
    from sscard.registry.reference import cli as reference_data
    from sscard.scenes import cli as scenes
    from sscard.units import cli as units

    app.add_typer(db, name="db")
    data.registered_groups += reference_data.app.registered_groups  # one `sscard data` group
    data.registered_commands += reference_data.app.registered_commands
    app.add_typer(data, name="data")
    app.add_typer(calendar.app, name="calendar")
    app.add_typer(cards.app, name="cards")
    app.add_typer(tokens.app, name="token")
    app.add_typer(staff.app, name="staff")
    app.add_typer(notifications.app, name="notifications")
    app.add_typer(delivery.app, name="outbox")
    app.add_typer(banks.app, name="banks")
    app.add_typer(units.app, name="units")
    app.add_typer(ecards.app, name="ecards")
    app.add_typer(scenes.app, name="scenes")
    app.add_typer(delta.app, name="delta")
    app.add_typer(payments.app, name="payments")


_register_groups()


def main() -> None:
    """The `sscard` command: files private, every context's hooks wired, then the command line.

    Whatever an operator can cause (a refusal, a setting, a file, a database out of reach) ends
    the command with one line on stderr and status 2; only a bug shows its traceback.
    """
    private_files()
    from sscard.wiring import wire

    wire()
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        typer.echo("Aborted!", err=True)
        raise SystemExit(1) from None
    except typer.TyperException as usage:  # the parser's own: an unknown option, a bad value
        if type(usage).__name__ == "NoArgsIsHelpError":  # a group named alone: its help
            usage.show()  # type: ignore[attr-defined]
            raise SystemExit(usage.exit_code) from None
        raise SystemExit(_stop(_usage(usage))) from None
    except Exception as error:
        failure = failure_of(error)
        if failure is None:
            raise  # a bug: its traceback is for the developers
        raise SystemExit(_stop(failure)) from None
    raise SystemExit(code if isinstance(code, int) else 0)


def _usage(usage: typer.TyperException) -> Failure:
    param = getattr(usage, "param", None)
    field = (param.opts[0] if param.opts else param.name) if param is not None else None
    message = usage.format_message()
    return Failure("usage", field, f"命令用法有误：{message}（见 --help）", message)


def _stop(failure: Failure) -> int:
    typer.echo(failure.line(operator_english()), err=True)
    return FAILED
