"""The editorial plan as data: its posts, to-dos, weeks and dates, and the times they share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

from flows.content_plan import Medium

WEEKS = 4
REVIEW_TIME = dt.time(17, 0)
TASK_TIME = dt.time(8, 0)
"""To-dos are dated at the start of the working day, before that day's posts."""
TASK_MINUTES = 20

PostKind = Literal["regular", "offer", "occasion", "teaser", "greeting"]


@dataclass(frozen=True)
class PlannedPost:
    """One post of the calendar, ready to make: when, where, how, and what to say."""

    at: dt.datetime
    """Local time in Europe/Rome."""
    platform_id: str
    network: str
    format_id: str
    format: str
    medium: Medium
    minutes: int
    pillar: str
    idea: str
    caption: str
    cta: str
    kind: PostKind = "regular"
    occasion: str | None = None
    idea_media: tuple[Medium, ...] = get_args(Medium)
    """How the idea can be made; a date's post works whichever way the format is."""

    @property
    def promo(self) -> bool:
        """Return True for a promotional post."""
        return self.kind == "offer"


@dataclass(frozen=True)
class Task:
    """A to-do of the plan on a working day."""

    day: dt.date
    text: str


@dataclass(frozen=True)
class PlanWeek:
    """One week of the calendar: its posts, its tasks and its review."""

    number: int
    start: dt.date
    posts: list[PlannedPost]
    tasks: list[Task]
    review: dt.datetime

    @property
    def end(self) -> dt.date:
        """Return the week's Sunday."""
        return self.start + dt.timedelta(days=6)


@dataclass(frozen=True)
class DateToKnow:
    """A date that matters in or just after the four weeks, and what the plan does about it."""

    day: dt.date
    name: str
    holiday: bool
    note: str


@dataclass(frozen=True)
class EditorialCalendar:
    """Four weeks from the next Monday, and the dates that matter in them."""

    start: dt.date
    weeks: list[PlanWeek]
    dates: list[DateToKnow]

    @property
    def end(self) -> dt.date:
        """Return the last day of the four weeks."""
        return self.start + dt.timedelta(days=7 * WEEKS - 1)

    @property
    def posts(self) -> list[PlannedPost]:
        """Return every post, in date order."""
        return [post for week in self.weeks for post in week.posts]
