"""What the service's own logs may hold: never personal data in clear (SPEC ID-6).

uvicorn's access log writes each request's path: `/api/v1/cards/A00000001` and
`/api/v1/transport/purses/A00000003` name a card, and a client may put an ID number, a phone or
a bank account in a path or a query by mistake. The access log keeps the path with every
personal number in it masked by the helpers of `sscard.kernel.masking`, and leaves the query
string out; the lines of the service's own loggers (an unexpected error names its path) get
their personal numbers masked too.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any
from urllib.parse import unquote

from sscard.kernel.masking import (
    mask_account,
    mask_number,
    mask_phone,
    mask_ssn,
    personal_number_kind,
)

# A social security card's number: a letter and eight digits (SPEC §17), Jiangsu's and the other
# provinces' alike; not inside a longer word or number (MD20261104... is a mandate's reference).
_CARD_NUMBER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][0-9]{8}(?![0-9])")
# A run of digits as long as a phone (11), an ID number (15, 18 or 17 and X) or a bank account
# (12 to 19); only ASCII digits: other forms are folded by NFKC before this is applied.
_DIGIT_RUN = re.compile(r"(?<![0-9])(?:[0-9]{17}[Xx]|[0-9]{11,19})(?![0-9])")
# What a path, a query or a log line is cut into: a number is looked for in each piece.
_PIECE = re.compile(r"[^/?&=;,\s\"'()\[\]<>]+")


def _masked_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if len(run) in (15, 18):
        return mask_ssn(run)
    if len(run) == 11:
        return mask_phone(run)
    return mask_account(run)


def _masked_piece(match: re.Match[str]) -> str:
    raw = match.group(0)
    plain = unicodedata.normalize("NFKC", unquote(raw))
    masked = _DIGIT_RUN.sub(_masked_run, _CARD_NUMBER.sub(lambda m: mask_number(m[0]), plain))
    if personal_number_kind(masked) is not None:  # digits split by '-', '.', spaces ...
        return "*" * len(raw)
    if masked == plain:
        return raw
    # A number written %-encoded or in full-width digits: its masked form, never the decoded
    # text itself (a %0A would start a forged line).
    return masked if plain == raw else "*" * len(raw)


def mask_personal_numbers(text: str) -> str:
    """The text with every card number, ID number, phone or bank account in it masked."""
    return _PIECE.sub(_masked_piece, text)


def _access_path(path: str) -> str:
    path, mark, _ = path.partition("?")
    return mask_personal_numbers(path) + ("?…" if mark else "")


class PersonalNumbersMasked(logging.Filter):
    """Masks the personal numbers of a log record's arguments (SPEC ID-6).

    An access log line of uvicorn (client, method, path, HTTP version, status) keeps its path
    with each personal number masked and its query string left out: no page or route puts
    personal data in a query, but a client's mistake (`?social_security_number=...`) must not
    end up in a log in clear (found by an attacker in issue 12). Any other record gets the
    personal numbers of its text arguments, or of its message when it has none, masked.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if _is_access_line(record):
            assert isinstance(args, tuple)
            path = _access_path(str(args[2]))
            record.args = (args[0], args[1], path, args[3], args[4])
        elif isinstance(args, tuple) and args:
            record.args = tuple(_masked_arg(a) for a in args)
        elif isinstance(args, dict) and args:
            record.args = {k: _masked_arg(v) for k, v in args.items()}
        elif isinstance(record.msg, str):
            record.msg = mask_personal_numbers(record.msg)
        return True


def _is_access_line(record: logging.LogRecord) -> bool:
    args = record.args
    return (
        record.name == "uvicorn.access"
        and isinstance(args, tuple)
        and len(args) == 5
        and isinstance(args[2], str)
    )


def _masked_arg(value: Any) -> Any:
    return mask_personal_numbers(value) if isinstance(value, str) else value


def keep_personal_numbers_out_of_logs() -> None:
    """Install PersonalNumbersMasked where the server's lines are written: on uvicorn's access
    logger (whatever handler it is given), and on the handlers of the root logger and of
    uvicorn's own, which the service's loggers and uvicorn's errors reach. Once per process,
    after logging is configured; installing it again changes nothing."""
    masked = PersonalNumbersMasked()
    _add_once(logging.getLogger("uvicorn.access"), masked)
    for name in ("", "uvicorn"):
        for handler in logging.getLogger(name).handlers:
            _add_once(handler, masked)


def _add_once(to: logging.Filterer, masked: PersonalNumbersMasked) -> None:
    if not any(isinstance(f, PersonalNumbersMasked) for f in to.filters):
        to.addFilter(masked)
