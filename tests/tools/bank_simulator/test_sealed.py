"""The simulated bank keeps personal data sealed, its files private (issue 11, SPEC ID-6): what a
bank keeps of the holder and the account numbers are SM4-GCM encrypted under its own key, beside
its database; a database of an older simulator, with all of it in clear, is sealed on start."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from bank_simulator import store
from bank_simulator.sealing import Vault, key_file_for, load_key
from bank_simulator.statement import statement

HOLDER = {
    "name": "封存测试",
    "ssn": "320499199001150011",
    "phone": "13912345678",
    "birth_date": "1990-01-15",
    "person_code": "P-000123",
}
ACCOUNT = "6222021234567890123"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes(folder: Path) -> set[int]:
    return {_mode(p) for p in folder.iterdir()}


def _bytes_of(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))


def _legacy_db(path: Path) -> None:
    """The two tables as the simulator made them before issue 11, one account and its report."""
    with sqlite3.connect(path) as raw:
        raw.executescript(
            """
            CREATE TABLE sim_accounts (
                bank_code VARCHAR(16) NOT NULL, card_number VARCHAR(32) NOT NULL,
                account_number VARCHAR(19) NOT NULL UNIQUE, status VARCHAR(16) NOT NULL,
                loss_kind VARCHAR(16), before_loss VARCHAR(16), loss_outlet VARCHAR(32),
                hr_status VARCHAR(32), hr_event VARCHAR(32), superseded_by VARCHAR(32),
                closure_requested_at DATETIME, closure_reference VARCHAR(64),
                holder JSON NOT NULL, last_sequence BIGINT NOT NULL,
                report_sequence INTEGER NOT NULL, opened_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL, PRIMARY KEY (bank_code, card_number));
            CREATE TABLE sim_reports (
                id INTEGER NOT NULL PRIMARY KEY, bank_code VARCHAR(16) NOT NULL,
                card_number VARCHAR(32) NOT NULL, sequence INTEGER NOT NULL,
                message_id VARCHAR(64) NOT NULL UNIQUE, type VARCHAR(32) NOT NULL,
                occurred_at DATETIME NOT NULL, account_number VARCHAR(19),
                outlet_code VARCHAR(32), channel VARCHAR(16), status VARCHAR(16) NOT NULL,
                attempts INTEGER NOT NULL, next_attempt_at DATETIME NOT NULL,
                last_error VARCHAR(256), result_code VARCHAR(64), sent_at DATETIME);
            """
        )
        raw.execute(
            "INSERT INTO sim_accounts VALUES ('ICBC', 'A00000001', ?, 'account_opened', NULL,"
            " NULL, NULL, NULL, NULL, NULL, NULL, NULL, ?, 7, 1, '2026-11-23 02:00:00.000000',"
            " '2026-11-23 02:00:00.000000')",
            (
                ACCOUNT,
                '{"holder": {"name": "封存测试", "ssn": "320499199001150011", '
                '"phone": "13912345678"}}',
            ),
        )
        raw.execute(
            "INSERT INTO sim_reports VALUES (1, 'ICBC', 'A00000001', 1, 'ICBC-1',"
            " 'account_opened', '2026-11-23 02:00:00.000000', ?, NULL, NULL, 'pending', 0,"
            " '2026-11-23 02:00:00.000000', NULL, NULL, NULL)",
            (ACCOUNT,),
        )
    path.chmod(0o644)  # as the older simulator left it under umask 022


async def test_an_older_database_is_sealed_and_made_private_on_start(tmp_path: Path) -> None:
    db = tmp_path / "bank-sim.db"
    _legacy_db(db)
    assert ACCOUNT.encode() in db.read_bytes()
    vault = Vault(load_key(key_file_for(str(db)), create=True))

    engine = await store.open_store(str(db), vault)
    try:
        assert (await statement(engine, vault, "ICBC")).decode().splitlines()[1] == (
            f"A00000001,{ACCOUNT},account_opened"
        )
        async with engine.connect() as conn:
            [due] = await store.due_reports(conn, vault, store.datetime.now(store.UTC), 10)
            account = await store.get_account(conn, "ICBC", "A00000001")
    finally:
        await engine.dispose()

    assert due["account_number"] == ACCOUNT  # what goes to sscard is whole
    assert account is not None
    assert (account["holder_name_masked"], account["holder_fields"]) == (
        "封***",
        ["name", "phone", "ssn"],
    )
    assert vault.decrypt(account["holder_ssn_enc"]) == HOLDER["ssn"]
    on_disk = _bytes_of(db)
    for value in (ACCOUNT, HOLDER["name"], HOLDER["ssn"], HOLDER["phone"]):
        assert value.encode() not in on_disk, value
    assert _mode(db) == 0o600
    assert _mode(key_file_for(str(db))) == 0o600


async def test_only_what_a_bank_keeps_is_stored_and_sealed(tmp_path: Path) -> None:
    db = tmp_path / "sim.db"
    vault = Vault(load_key(key_file_for(str(db)), create=True))
    engine = await store.open_store(str(db), vault)
    try:
        async with engine.begin() as conn:
            row = {
                "bank_code": "ICBC",
                "card_number": "A00000002",
                "account_number": ACCOUNT,
                "holder": {"card_number": "A00000002", "holder": HOLDER},
                "status": "account_opened",
                **dict.fromkeys(store.MUTABLE[1:-3]),
                "last_sequence": 1,
                "report_sequence": 0,
                "opened_at": store.datetime.now(store.UTC),
                "updated_at": store.datetime.now(store.UTC),
            }
            await store.insert_accounts(conn, vault, [row])
            assert await store.taken_account_numbers(conn, vault, [ACCOUNT, "1" * 19]) == {ACCOUNT}
            account = await store.get_account(conn, "ICBC", "A00000002")
    finally:
        await engine.dispose()

    assert account is not None
    assert account["account_number_masked"] == "6222***********0123"
    assert account["holder_fields"] == sorted(HOLDER)
    kept = {c: vault.decrypt(account[c]) for c in store.KEPT.values()}
    assert kept == {
        "holder_name_enc": HOLDER["name"],
        "holder_ssn_enc": HOLDER["ssn"],
        "holder_phone_enc": HOLDER["phone"],
    }
    on_disk = _bytes_of(db)
    for value in (ACCOUNT, *HOLDER.values()):
        assert value.encode() not in on_disk, value  # the birth date and person code: dropped
    assert _modes(tmp_path) == {0o600}
