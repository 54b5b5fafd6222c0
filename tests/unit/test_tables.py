"""sscard.tables alone fills the metadata with every table (alembic's env.py imports only it)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import sscard
from sscard import tables


def test_every_models_module_is_in_tables() -> None:
    found = {
        m.name
        for m in pkgutil.walk_packages(sscard.__path__, "sscard.")
        if m.name.endswith(".models")
    }
    assert found == {m.__name__ for m in tables.MODELS}


def test_tables_alone_gives_a_complete_ordered_metadata() -> None:
    """In a fresh interpreter, importing only sscard.tables must resolve every foreign key."""
    code = (
        "from sscard.tables import metadata\nprint(len([t.name for t in metadata.sorted_tables]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(done.stdout) == len(tables.metadata.tables)
