"""When a weekly reminder is due: a weekday and a local time, in the user's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZONES = ("Europe/Rome", "Europe/London", "UTC")
"""The time zones offered; Italian users start from Europe/Rome."""
TIMES = (8 * 60, 9 * 60, 12 * 60 + 30, 18 * 60, 21 * 60)
"""Reminder times offered, in minutes after local midnight (none falls in a DST gap)."""


def next_due(weekday: int, minute_of_day: int, zone: str, after: dt.datetime) -> dt.datetime:
    """Return the first moment strictly after `after` that is that weekday and time locally."""
    tz = ZoneInfo(zone)
    local_after = after.astimezone(tz)
    at = dt.time(minute_of_day // 60, minute_of_day % 60)
    for days in range(8):
        day = local_after.date() + dt.timedelta(days=days)
        if day.weekday() != weekday:
            continue
        due = dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC)
        if due > after:
            return due
    raise AssertionError("a weekday recurs within eight days")


def is_zone(zone: str) -> bool:
    """Return True if the name is a time zone we offer and the system knows."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return zone in ZONES


def clock_label(minute_of_day: int) -> str:
    """Return the time as HH:MM."""
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"
