"""Files that may hold personal data are the service user's alone (issue 11, SPEC ID-6).

The SQLite database and its WAL hold whatever is not sealed (card numbers, masked values, the
history), notification files hold masked phones, and the key and token files are secrets: none
may be readable by other users. A process makes that so for the files it creates by calling
`private_files()` first, and for a database an older version left readable (or one it creates)
by `private_database()` before opening it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_UMASK = 0o077  # new files 0600, new folders 0700
# SQLite's own files beside a database: its write-ahead log, shared memory and rollback journal.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_files() -> None:
    """Make every file and folder this process creates from now on private to its user (0600,
    0700): call it first thing in every long-running process and command that writes files."""
    os.umask(PRIVATE_UMASK)


def tighten(*paths: Path) -> None:
    """Take group and other permissions off each existing path (a database file left 0644 by an
    older version becomes 0600); a missing path is skipped, a private one left alone."""
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & PRIVATE_UMASK:
            path.chmod(mode & ~PRIVATE_UMASK)


def sqlite_files(database_url: str) -> tuple[Path, ...]:
    """The files of a SQLite database URL (the database, its WAL, shared memory and journal);
    none for a server database (PostgreSQL) or an in-memory one."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return ()
    database = Path(url.database)
    return (database, *(Path(f"{database}{suffix}") for suffix in SQLITE_COMPANIONS))


def private_database(database_url: str) -> None:
    """Make a SQLite database's files private before the process opens it: a new one is created
    0600 (SQLite takes an empty file for a new database), an existing one loses group and other
    permissions; SQLite then makes its WAL and shared-memory files with the database's mode.
    Nothing to do for a server database."""
    files = sqlite_files(database_url)
    if not files:
        return
    database = files[0]
    database.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    tighten(*files)
