"""No personal number in clear in a log line (SPEC ID-6): the access log masks card numbers,
ID numbers, phones and bank accounts in a path and leaves the query string out (issue 12's
attacker logged an ID number by putting it in a query; the adversarial review of issue 15
found card numbers of `/api/v1/cards/A00000001` in clear)."""

from __future__ import annotations

import logging

import pytest

from sscard.platform.http.logs import PersonalNumbersMasked, mask_personal_numbers


def record(path: str) -> logging.LogRecord:
    args = ("127.0.0.1:5000", "GET", path, "1.1", 405)
    return logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d', args, None
    )


def logged(path: str) -> str:
    line = record(path)
    assert PersonalNumbersMasked().filter(line)
    return line.getMessage()


def test_the_query_string_never_reaches_the_access_log() -> None:
    line = logged("/counter/find?social_security_number=320404198803151231")
    assert line == '127.0.0.1:5000 - "GET /counter/find?… HTTP/1.1" 405'


@pytest.mark.parametrize(
    ("path", "shown", "hidden"),
    [
        ("/api/v1/cards/A00000001", "/api/v1/cards/A00****01", "A00000001"),
        ("/api/v1/transport/purses/a00000003/refund", "/purses/a00****03/refund", "00000003"),
        ("/api/v1/persons/320404198803151231", "/persons/320404********1231", "19880315"),
        ("/api/v1/persons/32040419880315123X", "/persons/320404********123X", "19880315"),
        ("/hall/phones/13912345678", "/hall/phones/139****5678", "13912345678"),
        ("/x/6222020200112233445", "/x/6222***********3445", "020200112233"),
        ("/x/139-1234-5678", "/x/*************", "1234"),
        (
            "/x/%EF%BC%91%EF%BC%93%EF%BC%99%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95"
            "%EF%BC%96%EF%BC%97%EF%BC%98",
            "/x/***",
            "%EF%BC%91",
        ),  # full-width, %-encoded
    ],
)
def test_personal_numbers_in_a_path_are_masked(path: str, shown: str, hidden: str) -> None:
    """ID-6: each kind of personal number, however written, is masked where it stands."""
    line = logged(path)
    assert shown in line, line
    assert hidden not in line, line


def test_what_is_not_a_personal_number_is_logged_as_it_is() -> None:
    """ID-6: a mandate's or an application's reference, an id, a date are no one's number."""
    for path in (
        "/api/v1/me/mandates/MD20261104AB12CD34/revoke",
        "/api/v1/debits/12345",
        "/api/v1/calendar/years/2026",
        "/api/v1/applications/AP32042026112300000001",
        "/api/v1/units/91320400MA1XXXXX0X",
    ):
        assert logged(path) == f'127.0.0.1:5000 - "GET {path} HTTP/1.1" 405'


def test_the_service_s_own_lines_are_masked_too() -> None:
    """ID-6: an unexpected error's line names its path: its card number is masked."""
    line = logging.LogRecord(
        "sscard.platform.http.problems",
        logging.ERROR,
        "",
        0,
        "unexpected %s on %s %s\n%s",
        ("KeyError", "GET", "/api/v1/cards/A00000001", ""),
        None,
    )
    PersonalNumbersMasked().filter(line)
    assert "A00000001" not in line.getMessage()
    assert "/api/v1/cards/A00****01" in line.getMessage()
    plain = logging.LogRecord(
        "x", logging.INFO, "", 0, "card A00000001 phone 13912345678", (), None
    )
    PersonalNumbersMasked().filter(plain)
    assert plain.getMessage() == "card A00****01 phone 139****5678"


def test_masking_twice_changes_nothing() -> None:
    once = mask_personal_numbers("/api/v1/cards/A00000001 320404198803151231")
    assert mask_personal_numbers(once) == once
