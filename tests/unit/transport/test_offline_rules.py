"""Offline clearing files' line rules, pure (SPEC TRN-3): how a line's moment is read and
bounded, with a frozen "now"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sscard.transport.offline import rules
from sscard.transport.offline.rules import ClearingFileUnreadable, parse_moment, read_file

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
HEADER = ",".join(rules.COLUMNS) + "\n"


def lines(*used_at: str) -> bytes:
    return (HEADER + "".join(f"T1,{i},A00000001,{i},bus,200,{u}\n"
                             for i, u in enumerate(used_at, 1))).encode()  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T08:00:00+08:00", datetime(2026, 11, 23, 0, 0, tzinfo=UTC)),
        ("2026-11-23 08:00+08:00", datetime(2026, 11, 23, 0, 0, tzinfo=UTC)),
        ("2026-11-23T00:00:00.5Z", datetime(2026, 11, 23, 0, 0, 0, 500000, tzinfo=UTC)),
        ("2026-11-22T23:30:00-00:30", datetime(2026, 11, 23, 0, 0, tzinfo=UTC)),
        ("0001-01-01T00:00:00+08:00", rules.FAR_PAST),
        ("9999-12-31T23:59:59-08:00", rules.FAR_FUTURE),
        ("2026-11-23T08:00:00", None),  # no zone
        ("2026-02-29T08:00:00+08:00", None),  # no such day
        ("2026-11-23T24:00:00+08:00", None),
        ("2026-11-23T08:00:00+24:00", None),
        ("2026-11-23T08:00:00+08:60", None),
        ("0000-01-01T00:00:00Z", None),
        ("２０２６-11-23T08:00:00+08:00", None),  # full-width digits
    ],
)
def test_a_moment_is_read_by_the_one_pattern(text: str, expected: datetime | None) -> None:
    """TRN-3: used_at is an ISO moment with its zone, spelt by rules.USED_AT_PATTERN (the SQL
    check uses the same); a moment beyond Python's calendar is far past or far future, never
    an OverflowError (issue 15 review: a 500)."""
    assert parse_moment(text) == expected


def test_used_at_is_bounded_by_the_upload_window_and_the_clock_skew() -> None:
    """TRN-3: a line older than UPLOAD_WINDOW or later than MAX_CLOCK_AHEAD after now is a
    problem of its used_at; the bounds themselves are taken."""
    earliest, latest = rules.used_at_bounds(NOW)
    assert (earliest, latest) == (NOW - timedelta(days=30), NOW + timedelta(minutes=10))
    fares, problems = read_file(
        lines(earliest.isoformat(), latest.isoformat(),
              (earliest - timedelta(seconds=1)).isoformat(),
              (latest + timedelta(seconds=1)).isoformat(),
              "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"),
        NOW,
    )  # fmt: skip
    assert [f.terminal_seq for f in fares] == [1, 2]
    assert [(p.line, p.field) for p in problems] == [(i, "used_at") for i in range(3, 7)]
    assert all("30" in p.reason_en for p in problems)


def test_an_unreadable_file_names_the_file() -> None:
    """TRN-3 (issue 15 review): the refusal of an unreadable file points at the field `file`."""
    with pytest.raises(ClearingFileUnreadable) as refused:
        read_file(b"\xff", NOW)
    assert refused.value.field == "file"
    with pytest.raises(ClearingFileUnreadable) as refused:
        read_file(b"card,counter\n", NOW)
    assert refused.value.field == "file"


CLEAN = "R01,10000001,A00000001,11,bus,200,2026-11-23T08:00:00+08:00"


@pytest.mark.parametrize(
    ("line", "clean"),
    [
        (CLEAN, True),
        ("BUS-3204/7.a:1_x,0,Z99999999,65535,ferry,100000,2026-11-23 08:00Z", True),
        ("R01,1,A00000001,1,metro,1,2026-11-23T08:00:00.123456-05:30", True),
        ("R01,1,A00000001,99999,metro,999999,2026-02-30T08:00:00+08:00", True),  # bounds
        (" R01,1,A00000001,1,bus,200,2026-11-23T08:00Z", False),  # blanks: the exact way
        ("R 01,1,A00000001,1,bus,200,2026-11-23T08:00Z", False),
        ("R01,+1,A00000001,1,bus,200,2026-11-23T08:00Z", False),
        ("R01,1,a00000001,1,bus,200,2026-11-23T08:00Z", False),
        ("R01,1,A00000001,123456,bus,200,2026-11-23T08:00Z", False),
        ("R01,1,A00000001,1,plane,200,2026-11-23T08:00Z", False),
        ("R01,1,A00000001,1,bus,200,2026-11-23T24:00Z", False),
        ("R01,1,A00000001,1,bus,200,2026-11-23T08:60Z", False),
        ("R01,1,A00000001,1,bus,200,2026-11-23T08:00:60Z", False),
        ("R01,1,A00000001,1,bus,200,2026-11-23T08:00+24:00", False),
        ("R01,1,A00000001,1,bus,200,0001-01-01T00:00+08:00", False),
        ("R01,1,A00000001,1,bus,200,2026-11-23T08:00:00.1234567Z", False),
        ("R01,1,A00000001,1,bus,200,2026-11-23T08:00", False),  # no zone
        ("R01,1,A00000001,1,bus,200,２０２６-11-23T08:00Z", False),
        ("R01,1,A00000001,1,bus,200", False),
        ("R01,1,A00000001,1,bus,200,2026-11-23T08:00Z,", False),
        ("R01,1,A00000001,1,bus,200,2026-11-23T08:00Z\r", False),
        (f"{'R' * 33},1,A00000001,1,bus,200,2026-11-23T08:00Z", False),
    ],
)
def test_a_line_as_readers_write_it_is_told_apart(line: str, clean: bool) -> None:
    """TRN-3: rules.clean_lines tells the lines a file can be COPYed typed for (PostgreSQL's
    fast way, repository.stage_clean) from those read the exact way; whatever it takes, the
    exact reader takes too, or refuses only for a bound (a number's highest, a day the month
    lacks, used_at's window), which stage_clean checks or COPY refuses."""
    body = (line + "\n").encode()
    assert rules.clean_lines(body) is clean
    if clean:
        _fares, problems = read_file(HEADER.encode() + body, NOW)
        assert {p.field for p in problems} <= {"counter", "fare_fen", "terminal_seq", "used_at"}


def test_a_file_is_clean_only_when_every_line_is() -> None:
    """TRN-3: one line of another shape, a blank line or no line at all sends the whole file
    the exact way; the last line may end without a newline."""
    assert rules.clean_lines(f"{CLEAN}\n{CLEAN}".encode())
    assert not rules.clean_lines(f"{CLEAN}\n\n{CLEAN}\n".encode())
    assert not rules.clean_lines(f"{CLEAN}\n{CLEAN.replace('bus', 'BUS')}\n".encode())
    assert not rules.clean_lines(b"")
    assert not rules.clean_lines(b"\n")
