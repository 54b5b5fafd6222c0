"""Settings from the environment: a value that cannot be read is named in one line."""

from __future__ import annotations

import pytest

from sscard.kernel.config import ConfigError, Settings


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SSCARD_PORT": "abc"}, "SSCARD_PORT='abc' is not a whole number"),
        ({"SSCARD_DELIVERY_POLL_SECONDS": "soon"}, "SSCARD_DELIVERY_POLL_SECONDS='soon'"),
        ({"SSCARD_WORKERS": "-2"}, "SSCARD_WORKERS='-2' must not be negative"),
        ({"SSCARD_WORKER": "maybe"}, "SSCARD_WORKER='maybe' is not one of"),
    ],
)
def test_an_unreadable_setting_is_named(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("text", "on"), [("1", True), ("true", True), ("Off", False), ("0", False)]
)
def test_a_flag_reads_the_usual_words(text: str, on: bool) -> None:
    assert Settings.from_env({"SSCARD_WORKER": text}).worker is on
    assert Settings.from_env({}).worker is True
