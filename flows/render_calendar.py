"""The next four weeks of the card as an iCalendar file (RFC 5545), for any calendar app."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from flows.card import EVERY_OTHER_WEEK_BELOW, PlatformPlan, StrategyCard

WEEKS = 4
TIMEZONE = "Europe/Rome"
PRODID = "-//SMM Coach//Strategy card calendar//EN"
MAX_OCTETS = 75
"""RFC 5545 §3.1: content lines are folded so that none is longer than 75 octets."""

WEEKDAYS_FOR: dict[int, tuple[int, ...]] = {
    1: (2,),
    2: (1, 4),
    3: (0, 2, 4),
    4: (0, 2, 4, 5),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
"""Weekdays (Monday = 0) a network posts on, by posts a week: spread out, one a day at most."""
MORNING = dt.time(10, 30)
EVENING = dt.time(18, 0)
POST_MINUTES = 30
REVIEW_DAY = 4
"""The weekly review falls on Friday, before the evening posts."""
REVIEW_TIME = dt.time(17, 0)
REVIEW_MINUTES = 15

_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TIMEZONE}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


@dataclass(frozen=True)
class _Event:
    key: str
    summary: str
    description: str
    start: dt.datetime | dt.date
    minutes: int = 0


def first_monday(start: dt.date) -> dt.date:
    """Return the Monday on or after `start`: the calendar's day 1."""
    return start + dt.timedelta(days=-start.weekday() % 7)


def posts_in_week(plan: PlatformPlan, week: int) -> int:
    """Return how many posts the calendar puts on this network in week 1-4."""
    if plan.posts_per_week < EVERY_OTHER_WEEK_BELOW:
        return 1 if week % 2 == 1 else 0
    return min(max(1, round(plan.posts_per_week)), len(WEEKDAYS_FOR))


def render_calendar_ics(
    card: StrategyCard, start: dt.date, *, stamp: dt.datetime | None = None
) -> bytes:
    """Render posting slots, weekly reviews and the week-1 actions as an iCalendar file."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    card_id = hashlib.sha256(repr(card).encode("utf-8")).hexdigest()
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(card.calendar.name)}",
        f"X-WR-TIMEZONE:{TIMEZONE}",
        *_VTIMEZONE,
    ]
    for event in _events(card, first_monday(start)):
        lines += _vevent(event, card_id, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            parts.append(current)
            current, size = " ", 1  # a continuation line starts with one space
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _events(card: StrategyCard, monday: dt.date) -> Iterator[_Event]:
    texts = card.calendar
    week_one = [step.text for step in card.next_30_days if step.week == 1]
    if week_one:
        yield _Event("todo", texts.todo, "\n".join(f"– {text}" for text in week_one), monday)
    for week in range(1, WEEKS + 1):
        week_start = monday + dt.timedelta(weeks=week - 1)
        tip = texts.tips.get(week)
        for index in range(len(card.platforms)):
            yield from _posts(card, index, week, week_start, tip)
        review_at = dt.datetime.combine(week_start + dt.timedelta(days=REVIEW_DAY), REVIEW_TIME)
        yield _Event("review", texts.review, card.review, review_at, REVIEW_MINUTES)


def _posts(
    card: StrategyCard, index: int, week: int, week_start: dt.date, tip: str | None
) -> Iterator[_Event]:
    plan = card.platforms[index]
    count = posts_in_week(plan, week)
    if not count:
        return
    days = sorted((day + index) % 7 for day in WEEKDAYS_FOR[count])
    description = "\n".join(
        line for line in (card.calendar.formats.get(plan.platform_id), tip) if line
    )
    already = sum(posts_in_week(plan, earlier) for earlier in range(1, week))
    for slot, day in enumerate(days):
        pillars = card.pillars
        pillar = pillars[(already + slot + index) % len(pillars)] if pillars else ""
        base = MORNING if (slot + index) % 2 == 0 else EVENING
        at = dt.datetime.combine(week_start + dt.timedelta(days=day), base)
        at += dt.timedelta(hours=index)
        summary = f"{plan.name} · {pillar}" if pillar else plan.name
        yield _Event(f"post-{plan.platform_id}", summary, description, at, POST_MINUTES)


def _vevent(event: _Event, card_id: str, stamp: dt.datetime) -> list[str]:
    day = event.start.date() if isinstance(event.start, dt.datetime) else event.start
    uid = hashlib.sha256(f"{card_id}|{event.key}|{event.start.isoformat()}".encode()).hexdigest()
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid[:32]}@smm-coach",
        f"DTSTAMP:{stamp.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
    ]
    if isinstance(event.start, dt.datetime):
        end = event.start + dt.timedelta(minutes=event.minutes)
        lines += [
            f"DTSTART;TZID={TIMEZONE}:{event.start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID={TIMEZONE}:{end:%Y%m%dT%H%M%S}",
        ]
    else:
        lines += [
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            "TRANSP:TRANSPARENT",
        ]
    lines += [
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        "END:VEVENT",
    ]
    return lines
