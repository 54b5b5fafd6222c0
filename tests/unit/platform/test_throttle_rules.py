"""Per-client limits on the sign-in doors (platform.throttle.rules; issue 13): pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sscard.platform.throttle.rules import LIMITS, Door, TooManyRequests, refusal

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def test_a_client_knocks_up_to_the_limit() -> None:
    limit = LIMITS[Door.SIGN_IN_CODE]
    knocks = [NOW - timedelta(seconds=n) for n in range(limit.most - 1)]
    assert refusal(Door.SIGN_IN_CODE, knocks, NOW) is None


def test_one_more_waits_until_the_oldest_knock_leaves_the_window() -> None:
    limit = LIMITS[Door.SIGN_IN_CODE]
    oldest = NOW - limit.window + timedelta(minutes=10, seconds=1)
    knocks = [oldest] + [NOW] * (limit.most - 1)
    refused = refusal(Door.SIGN_IN_CODE, knocks, NOW)
    assert isinstance(refused, TooManyRequests)
    assert (refused.status, refused.code, refused.field) == (429, "too_many_requests", "client")
    assert refused.params == {"minutes": 11}  # 10 min 1 s, rounded up
    assert "11分钟" in refused.detail_zh
    assert "11 minutes" in refused.detail_en


def test_the_wait_said_is_never_below_a_minute() -> None:
    limit = LIMITS[Door.SIGN_IN_SECRET]
    knocks = [NOW - limit.window + timedelta(seconds=1)] * limit.most
    refused = refusal(Door.SIGN_IN_SECRET, knocks, NOW)
    assert refused is not None
    assert refused.params == {"minutes": 1}
