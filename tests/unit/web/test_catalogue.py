"""Every message of the pages has its Chinese (issue 12: Chinese first, every string extracted)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from sscard.web import i18n

WEB = Path(i18n.__file__).parent
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def extracted() -> dict[str, str]:
    """Message id → where it was first found."""
    found: dict[str, str] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(WEB), METHODS, options_map=OPTIONS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for one in ids:
            if one:
                found.setdefault(one, filename)
    return found


def test_every_message_of_the_pages_is_translated_into_chinese() -> None:
    chinese = i18n.catalogue("zh")
    missing = {m: where for m, where in extracted().items() if not chinese.get(m)}
    assert missing == {}, "add these to src/sscard/web/locale/zh/<desk>.po"


def test_the_pages_are_chinese_unless_english_is_chosen() -> None:
    assert i18n.DEFAULT == "zh"
    assert i18n.translations("zh").gettext("Sign in") == "登录"
    assert i18n.translations("en").gettext("Sign in") == "Sign in"


def test_the_catalogues_hold_no_message_the_pages_no_longer_use() -> None:
    used = set(extracted())
    stale = [m.id for m in i18n.catalogue("zh") if m.id and m.id not in used]
    assert stale == []
