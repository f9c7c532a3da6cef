"""The card's four weeks as an iCalendar file, for any calendar app (written with `icalendar`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from flows.card import StrategyCard
from flows.clock import PLAN_ZONE
from flows.editorial import TASK_MINUTES, TASK_TIME, PlannedPost

PRODID = "-//SMM Coach//Strategy card calendar//EN"


def render_calendar_ics(card: StrategyCard, *, stamp: dt.datetime | None = None) -> bytes:
    """Render every post, task, weekly review and date that matters as an iCalendar file."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    zone = ZoneInfo(PLAN_ZONE)
    card_id = hashlib.sha256(repr(card).encode("utf-8")).hexdigest()[:16]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", card.calendar_name)
    calendar.add("x-wr-timezone", PLAN_ZONE)

    def add(summary: str, description: str, start: dt.datetime | dt.date, end: object) -> Event:
        event = Event()
        seed = f"{card_id}|{start.isoformat()}|{summary}"
        event.add("uid", f"{hashlib.sha256(seed.encode()).hexdigest()[:32]}@smm-coach")
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", summary)
        event.add("description", description)
        calendar.add_component(event)
        return event

    def timed(summary: str, description: str, at: dt.datetime, minutes: int) -> None:
        begin = at.replace(tzinfo=zone)
        add(summary, description, begin, begin + dt.timedelta(minutes=minutes))

    for week in card.calendar.weeks:
        for post in week.posts:
            summary = f"{post.network} · {post.format}: {post.idea}"
            timed(summary, _describe(card, post), post.at, post.minutes)
        for task in week.tasks:
            text = card_phrase(card, "calendar_task", task=task.text)
            timed(text, task.text, dt.datetime.combine(task.day, TASK_TIME), TASK_MINUTES)
        timed(card.review_task, card.review, week.review, card.time.review_minutes)
    for date in card.calendar.dates:
        add(card.date_name(date), date.note, date.day, date.day + dt.timedelta(days=1)).add(
            "transp", "TRANSPARENT"
        )
    # The zone's rules only for the plan's span, not every year since 1970.
    calendar.add_missing_timezones(
        card.calendar.start - dt.timedelta(days=1), card.calendar.end + dt.timedelta(days=40)
    )
    return bytes(calendar.to_ical())


def card_phrase(card: StrategyCard, key: str, **values: str) -> str:
    """Fill one of the calendar's labels, already in the card's language."""
    return card.calendar_labels[key].format(**values)


def _describe(card: StrategyCard, post: PlannedPost) -> str:
    lines = [
        post.idea,
        card_phrase(card, "calendar_caption", caption=post.caption),
        card_phrase(card, "calendar_cta", cta=post.cta),
        card_phrase(card, "calendar_pillar", pillar=post.pillar),
        card_phrase(card, "calendar_format", format=post.format, minutes=str(post.minutes)),
    ]
    if post.occasion:
        lines.append(card_phrase(card, "calendar_date", name=post.occasion))
    return "\n".join(lines)
