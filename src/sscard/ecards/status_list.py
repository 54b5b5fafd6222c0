"""The ecard status list a gate verifies codes with offline (SPEC ECARD-2/3, LOSS-5): pure.

Every ecard not in use (suspended, moving, ended, pending) is listed by its number; a gate that
holds the list, the published keys and a clock accepts a code whose signature and time are good
and whose ecard is not listed, with no call. The list is signed by the platform's SM2 key:

    full list:  "SSL1" | as_of u32 (Unix seconds) | count u32 | count x ecard_no u64, ascending
    delta:      "SSD1" | as_of u32 | since u32 | listed count u32 | listed u64... |
                cleared count u32 | cleared u64...   (cleared: back in use since `since`)

all big-endian, the SM2-SM3 signature (r||s, 64 bytes) over those bytes. A gate refreshes with
the delta since its list's as_of minus DELTA_OVERLAP (a change committed late still arrives).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from datetime import timedelta
from typing import Final

FULL_MAGIC: Final = b"SSL1"
DELTA_MAGIC: Final = b"SSD1"
DELTA_OVERLAP: Final = timedelta(seconds=10)
_U32 = struct.Struct(">I")


def full(as_of: int, listed: Sequence[int]) -> bytes:
    """The signed bytes of the full list: `listed` ecard numbers, sorted here."""
    numbers = sorted(listed)
    return FULL_MAGIC + struct.pack(f">II{len(numbers)}Q", as_of, len(numbers), *numbers)


def delta(as_of: int, since: int, listed: Sequence[int], cleared: Sequence[int]) -> bytes:
    """The signed bytes of a delta: ecards listed and cleared between `since` and `as_of`."""
    a, b = sorted(listed), sorted(cleared)
    return (
        DELTA_MAGIC
        + struct.pack(f">III{len(a)}Q", as_of, since, len(a), *a)
        + struct.pack(f">I{len(b)}Q", len(b), *b)
    )


def read_full(data: bytes) -> tuple[int, list[int]]:
    """(as_of, listed numbers) of a full list's bytes; ValueError if they are not one."""
    if data[:4] != FULL_MAGIC:
        raise ValueError("not a full status list")
    as_of, count = struct.unpack_from(">II", data, 4)
    if len(data) != 12 + 8 * count:
        raise ValueError("wrong length")
    return as_of, list(struct.unpack_from(f">{count}Q", data, 12))
