"""What the service's own logs may hold: never personal data in clear (SPEC ID-6)."""

from __future__ import annotations

import logging


class QueryLeftOut(logging.Filter):
    """uvicorn's access log writes the path, never the query string: no page or route puts
    personal data in a query, but a client's mistake (`?social_security_number=...`) must not
    end up in a log in clear (SPEC ID-6; found by an attacker in issue 12)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, mark, _ = args[2].partition("?")
            record.args = (args[0], args[1], path + ("?…" if mark else ""), args[3], args[4])
        return True
