"""Languages of the pages: Chinese first, English by a switch (Babel message catalogues).

Templates and page modules are written with English message ids; `locale/zh/*.po` holds the
Chinese of every one (tests/unit/web/test_catalogue.py extracts them all and checks). Each desk
keeps its own catalogue file, merged here, so that desks are translated independently.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from starlette.requests import Request

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh", "en")
DEFAULT = "zh"
COOKIE = "sscard_lang"


def language(request: Request) -> str:
    """The page language: the switch's cookie, else Chinese (the console's people read it)."""
    chosen = request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT


def catalogue(lang: str) -> Catalog:
    """Every desk's messages of one language, merged into one catalogue."""
    merged = Catalog(locale=lang)
    for po in sorted((LOCALE_DIR / lang).glob("*.po")):
        with po.open("rb") as f:
            for message in read_po(f, locale=lang):
                if message.id and message.string:
                    merged.add(message.id, message.string)
    return merged


@cache
def translations(lang: str) -> NullTranslations:
    """gettext translations of a language; English needs none (the ids are English)."""
    if lang == "en":
        return NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalogue(lang))
    buffer.seek(0)
    return Translations(buffer)


def translator(request: Request) -> Callable[[str], str]:
    """`_` for a page module: `_ = translator(request); _("Card lost")` (extracted like the
    templates' messages)."""
    return translations(language(request)).gettext


def N_(message: str) -> str:
    """Mark a message id for extraction where it is defined; it is translated where shown."""
    return message
