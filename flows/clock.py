"""Today's date where the coach's users live, so every plan can also be computed from any day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

PLAN_ZONE = "Europe/Rome"
"""Plans are dated and timed in Italy's zone: the businesses the coach serves are there."""


def rome_today() -> dt.date:
    """Return today's date in Europe/Rome."""
    return dt.datetime.now(ZoneInfo(PLAN_ZONE)).date()


def next_monday(today: dt.date) -> dt.date:
    """Return the first Monday after `today`: day 1 of a plan, leaving time to get ready."""
    return today + dt.timedelta(days=7 - today.weekday())
