"""One stack per data directory: a second `make run` on the same var/ is refused at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.checkout import lock_var

ROOT = Path(__file__).resolve().parents[3]


def test_a_second_lock_on_the_same_directory_is_refused_naming_the_holder(
    tmp_path: Path,
) -> None:
    held = lock_var(tmp_path)
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from devstack.checkout import CheckoutBusy, lock_var\n"
        "try:\n    lock_var(Path(sys.argv[1]))\nexcept CheckoutBusy as busy:\n"
        "    print(busy)\n    sys.exit(3)\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert other.returncode == 3, other.stderr
    assert f"pid {os.getpid()}" in other.stdout
    assert "SSCARD_VAR_DIR" in other.stdout
    held.close()
    lock_var(tmp_path).close()  # released: the next start takes it


def test_a_lock_left_by_a_killed_process_does_not_block(tmp_path: Path) -> None:
    code = "import os, sys\nfrom pathlib import Path\nfrom devstack.checkout import lock_var\n"
    code += "lock_var(Path(sys.argv[1]))\nos.kill(os.getpid(), 9)\n"
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=False)
    assert (tmp_path / "devstack.lock").exists()
    lock_var(tmp_path).close()


def test_make_run_refuses_a_second_stack_on_the_same_data(tmp_path: Path) -> None:
    """The whole command: nothing is started, exit status 2, one line saying why."""
    held = lock_var(tmp_path)
    env = {
        **os.environ,
        "SSCARD_VAR_DIR": str(tmp_path),
        "SSCARD_PORT": "1",
        "SSCARD_SIM_PORT": "2",
    }
    done = subprocess.run(
        [sys.executable, "-m", "devstack"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=30, check=False,
    )  # fmt: skip
    held.close()
    assert done.returncode == 2, done.stderr
    assert "another stack is running" in done.stderr
    assert not (tmp_path / "sscard.db").exists()
    with pytest.raises(FileNotFoundError):
        (tmp_path / "devstack.json").stat()
