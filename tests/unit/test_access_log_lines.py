"""The access log leaves query strings out (SPEC ID-6; issue 12's attacker logged an ID number
by putting it in a query)."""

from __future__ import annotations

import logging

from sscard.platform.http.logs import QueryLeftOut


def record(path: str) -> logging.LogRecord:
    args = ("127.0.0.1:5000", "GET", path, "1.1", 405)
    return logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d', args, None
    )


def test_the_query_string_never_reaches_the_access_log() -> None:
    logged = record("/counter/find?social_security_number=320404198803151231")
    assert QueryLeftOut().filter(logged)
    assert logged.getMessage() == '127.0.0.1:5000 - "GET /counter/find?… HTTP/1.1" 405'
    assert "3204041988" not in logged.getMessage()


def test_a_path_without_a_query_is_logged_as_it_is() -> None:
    logged = record("/api/v1/cards/A00000001")
    QueryLeftOut().filter(logged)
    assert logged.getMessage() == '127.0.0.1:5000 - "GET /api/v1/cards/A00000001 HTTP/1.1" 405'
