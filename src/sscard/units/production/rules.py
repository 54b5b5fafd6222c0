"""A batch's progress and its production as pure rules (issue 13 item 8; SPEC APP-3, APP-7).

No I/O: counts come in from the repository, today from the caller's clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sscard.applications.lifecycle import ApplicationStatus

S = ApplicationStatus
# The columns of a batch's progress, in the order of the card's way (APP-7: 制卡进度).
PROGRESS_STATES = (
    S.ACCEPTED,
    S.IN_PRODUCTION,
    S.PRODUCED,
    S.READY_FOR_COLLECTION,
    S.WITH_UNIT,
    S.COLLECTED,
    S.WITHDRAWN,
)
# Still waiting for the card centre: what makes a batch overdue past its due date (APP-7, as
# applications.repository.search counts overdue work).
WAITING = frozenset({S.ACCEPTED, S.IN_PRODUCTION, S.PRODUCED})
DUE_DAYS = 30  # SPEC APP-3: 30 calendar days, not working days


@dataclass(frozen=True)
class Progress:
    """Where a batch's members stand: per application status, refused rows, photos still owed
    by the unit, the due date and whether work is past it."""

    by_status: dict[str, int]
    accepted_rows: int
    refused_rows: int
    photos_pending: int
    due_date: date
    overdue: bool
    waiting: int  # members whose card the centre has not yet delivered to the outlet

    def as_dict(self) -> dict[str, object]:
        return {
            "by_status": self.by_status,
            "accepted_rows": self.accepted_rows,
            "refused_rows": self.refused_rows,
            "photos_pending": self.photos_pending,
            "due_date": self.due_date,
            "due_in_calendar_days": DUE_DAYS,
            "overdue": self.overdue,
            "waiting": self.waiting,
        }


def progress(
    by_status: Mapping[str, int],
    refused_rows: int,
    photos_pending: int,
    due_date: date,
    today: date,
) -> Progress:
    """The batch's progress from its counts; overdue once today is past the due date while any
    member's card is still waiting for the centre (SPEC APP-3: 30 days; APP-7)."""
    counts = {s.value: int(by_status.get(s.value, 0)) for s in PROGRESS_STATES}
    waiting = sum(counts[s.value] for s in WAITING)
    return Progress(
        by_status=counts,
        accepted_rows=sum(counts.values()),
        refused_rows=refused_rows,
        photos_pending=photos_pending,
        due_date=due_date,
        overdue=today > due_date and waiting > 0,
        waiting=waiting,
    )


@dataclass(frozen=True)
class Started:
    """What starting a batch's production did: how many started, how many accepted members
    were left waiting because the unit still owes their photo (APP-5), and how many were in
    another state already (started before, withdrawn...)."""

    started: int
    skipped_photo_pending: int

    def as_dict(self) -> dict[str, object]:
        return {
            "started": self.started,
            "skipped_photo_pending": self.skipped_photo_pending,
            "skipped_reason_zh": "单位尚未补报合格照片（APP-5），补报后可再次整批开始制卡",
            "skipped_reason_en": (
                "the unit has not yet supplied a photo meeting the standard (APP-5);"
                " start the batch again once it has"
            ),
        }
