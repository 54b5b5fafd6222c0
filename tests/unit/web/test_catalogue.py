"""Every message of the pages has its Chinese (issue 12: Chinese first, every string extracted)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

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


def test_a_message_has_one_chinese_whichever_desk_translates_it() -> None:
    """Desks keep their own catalogue files; a message two of them translate differently would
    read one way or the other depending on file order: each message has one Chinese."""
    seen: dict[str, tuple[str, str]] = {}
    differing: list[str] = []
    for po in sorted((i18n.LOCALE_DIR / "zh").glob("*.po")):
        with po.open("rb") as f:
            for message in read_po(f, locale="zh"):
                if not message.id or not message.string:
                    continue
                earlier = seen.setdefault(message.id, (message.string, po.name))
                if earlier[0] != message.string:
                    differing.append(f"{message.id!r}: {earlier} vs {message.string!r} ({po.name})")
    assert differing == []


class _Any(dict[str, str]):
    """Any placeholder a message names, filled in."""

    def __missing__(self, key: str) -> str:
        return key


PLACEHOLDER = re.compile(r"%\((\w+)\)")


def test_every_message_formats_in_both_languages() -> None:
    """The templates' `_()` (newstyle gettext) and the page modules' `_(...) % {...}` format every
    message with `%`, so a literal percent is written `%%` (a "95 %" hint was a 500 in English):
    each message and its Chinese format, and name the same placeholders."""
    chinese = i18n.catalogue("zh")
    broken: list[str] = []
    for message_id in extracted():
        zh = chinese.get(message_id)
        text = zh.string if zh is not None and isinstance(zh.string, str) else message_id
        for shown in (message_id, text):
            try:
                shown % _Any()
            except (ValueError, TypeError) as error:
                broken.append(f"{shown!r}: {error}")
        if set(PLACEHOLDER.findall(message_id)) != set(PLACEHOLDER.findall(text)):
            broken.append(f"{message_id!r} and {text!r} name different placeholders")
    assert broken == []
