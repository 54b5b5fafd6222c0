"""A person's name as it is printed on the card and sent to the banks (SPEC ID-1, issue 11).

Pure. A name holds letters (any script), combining marks, single spaces between words, the
middle dot of minority and foreign names (维吾尔族 `阿依古丽·买买提`, `约翰·史密斯`), and the
hyphen, apostrophe and full stop of Latin names (`Jean-Luc O'Brien Jr.`). Nothing else: no digit,
symbol, control or invisible character, which a card printer or a bank's system would print as a
box or drop silently.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from sscard.kernel.text import is_invisible

MAX_NAME_LENGTH: Final = 64
# Dots people type between the parts of a name; all are stored as U+00B7 (GB 18030's 间隔号).
_MIDDLE_DOTS: Final = {ord(c): "·" for c in "•・･‧∙⋅"}
_SEPARATORS: Final = frozenset("·-'.")


class NameRefused(Exception):
    """Why a name cannot be printed, in Chinese and English."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh, self.reason_en = reason_zh, reason_en


# Full-width Latin letters, as an IME types them, are the ASCII letters printed.
_FULL_WIDTH_LATIN: Final = {
    code: code - 0xFEE0 for code in (*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
MOST_MARKS = 2  # combining marks on one letter (Vietnamese needs two); more is a smear


def normalise_name(raw: str) -> str:
    """NFC, ideographic spaces as spaces, runs of spaces as one, middle dots as U+00B7,
    full-width Latin letters as ASCII.

    Raises NameRefused for a name that is empty, too long, holds a character no name holds
    (invisible ones included), more than MOST_MARKS marks on a letter, or a separator that
    does not stand between two letters.
    """
    text = unicodedata.normalize("NFC", raw).replace("\u3000", " ").translate(_MIDDLE_DOTS)
    text = text.translate(_FULL_WIDTH_LATIN)
    name = " ".join(part for part in text.split(" ") if part)
    if not name:
        raise NameRefused("姓名不能为空", "the name is empty")
    if len(name) > MAX_NAME_LENGTH:
        raise NameRefused(
            f"姓名最多{MAX_NAME_LENGTH}个字符", f"at most {MAX_NAME_LENGTH} characters"
        )
    for ch in name:
        _check_character(ch)
    if not unicodedata.category(name[0]).startswith("L"):
        raise NameRefused("姓名须以文字开头", "a name begins with a letter")
    _check_shape(name)
    return name


def _check_shape(name: str) -> None:
    marks = 0
    for before, ch in zip(" " + name, name + " ", strict=True):
        marks = marks + 1 if unicodedata.category(ch).startswith("M") else 0
        if marks > MOST_MARKS:
            raise NameRefused(
                f"一个字母上最多{MOST_MARKS}个附加符号", f"at most {MOST_MARKS} marks on a letter"
            )
        abbreviation = before == "." and ch == " "  # "St. John", "Jr."
        if before in _SEPARATORS and (ch in _SEPARATORS or ch == " ") and not abbreviation:
            raise NameRefused(
                f"分隔符“{before}”须在两个字之间",
                f"the separator '{before}' stands between letters",
            )


def _check_character(ch: str) -> None:
    category = unicodedata.category(ch)
    code = f"U+{ord(ch):04X}"
    invisible = is_invisible(ch)
    if not invisible and (category[0] in "LM" or ch == " " or ch in _SEPARATORS):
        return
    if invisible or category[0] in "CZ":
        raise NameRefused(
            f"姓名含不可见或控制字符（{code}）",
            f"the name holds an invisible or control character ({code})",
        )
    raise NameRefused(
        f"姓名含不能用于姓名的字符“{ch}”（{code}）",
        f"the name holds a character no name holds: '{ch}' ({code})",
    )
