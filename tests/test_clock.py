from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shopkeeper.clock import SimulatedClock, accepted_time, start_of_local_day, utc, valid_zone


def test_a_store_day_starts_at_its_own_midnight() -> None:
    # 2026-11-11 17:30 UTC is already 01:30 on the 12th in Beijing
    moment = datetime(2026, 11, 11, 17, 30, tzinfo=timezone.utc)
    assert start_of_local_day(moment, "Asia/Shanghai") == datetime(2026, 11, 11, 16, 0, tzinfo=timezone.utc)
    assert start_of_local_day(moment, "UTC") == datetime(2026, 11, 11, 0, 0, tzinfo=timezone.utc)
    assert start_of_local_day(moment, "America/Los_Angeles") == datetime(2026, 11, 11, 8, 0, tzinfo=timezone.utc)


def test_zone_names_are_checked() -> None:
    assert valid_zone("Asia/Shanghai") and not valid_zone("Mars/Olympus") and not valid_zone("../etc/passwd")


def test_simulated_clock_moves_only_forward_and_only_when_told() -> None:
    clock = SimulatedClock(datetime(2026, 1, 1))
    assert clock.now() == datetime(2026, 1, 1, tzinfo=timezone.utc) == clock.now()
    assert clock.advance(hours=2) == datetime(2026, 1, 1, 2, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))


def test_naive_times_are_read_as_utc() -> None:
    assert utc(datetime(2026, 1, 1, 8)) == datetime(2026, 1, 1, 8, tzinfo=timezone.utc)
    beijing = timezone(timedelta(hours=8))
    assert utc(datetime(2026, 1, 1, 8, tzinfo=beijing)) == datetime(2026, 1, 1, 0, tzinfo=timezone.utc)


def test_accepted_times_lie_between_the_years_1000_and_9000_in_utc() -> None:
    beijing = timezone(timedelta(hours=8))
    assert accepted_time(datetime(2026, 11, 2, 17, 0, tzinfo=beijing)) == datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
    assert accepted_time(datetime(8999, 12, 31, 23, 59)) == datetime(8999, 12, 31, 23, 59, tzinfo=timezone.utc)
    east, west = timezone(timedelta(hours=5)), timezone(timedelta(hours=-5))
    for refused in (datetime(1, 1, 1, tzinfo=east), datetime(9999, 12, 31, 23, 59, tzinfo=west),
                    datetime(9000, 1, 1, tzinfo=timezone.utc), datetime(999, 12, 31, 23, 59)):
        with pytest.raises(ValueError):
            accepted_time(refused)
