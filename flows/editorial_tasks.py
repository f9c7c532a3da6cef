"""The plan's to-dos: a few actions a week, getting ready for dates, and holiday hours."""

from __future__ import annotations

import datetime as dt

from flows.conditions import holds
from flows.content_plan import Action, Trade
from flows.datefmt import day_label, range_label
from flows.editorial_dates import TEASER_DAYS, follows_a_holiday, holiday_run
from flows.editorial_types import WEEKS, Task
from flows.editorial_words import stand_ins
from flows.networks import NetworkPlan
from flows.occasions import KeyDate
from flows.wording import Writer, join_phrases

ACTIONS_A_WEEK = 4
"""To-dos a week beyond the posts: more and the plan stops being one a person follows."""


def _applies(action: Action, say: Writer, kept: set[str]) -> bool:
    return holds(action.when, say.answers) and (action.network is None or action.network in kept)


def plan_tasks(
    say: Writer,
    *,
    networks: NetworkPlan,
    actions: list[Action],
    trade_actions: list[Action],
    keys: list[KeyDate],
    working: list[dt.date],
    trade: Trade,
) -> list[Task]:
    """List the to-dos: each week's actions, getting ready for dates, holiday hours."""
    if not working:
        return []
    extra = stand_ins(say)
    goal = say.single("goal") or next(iter(say.content.card.goals))
    measure = say(say.content.card.goals[goal].measure)
    platforms = join_phrases((c.platform.name for c in networks.chosen), say.lang)
    posts = networks.posts_per_week
    key = "week_posts_one" if posts == 1 else "week_posts_many"
    if say.lang == "it" and posts in (8, 11):  # "gli otto", "gli undici"
        key = "week_posts_vowel"
    week_posts = say.plan_phrase(key, posts=posts)
    tasks = []
    start = working[0] - dt.timedelta(days=working[0].weekday())
    kept = {choice.platform.id for choice in networks.chosen}
    waiting: list[Action] = []
    for week in range(1, WEEKS + 1):
        monday = start + dt.timedelta(weeks=week - 1)
        days = [d for d in working if monday <= d < monday + dt.timedelta(days=7)]
        core, trades = (
            [a for a in listed if a.week == week and _applies(a, say, kept)]
            for listed in (actions, trade_actions)
        )
        # A week holds a few to-dos, one a working day: what the rest depends on comes first
        # (the trade's before the plan's: a code of conduct is read before any post), then the
        # plan's own, the trade's left from last week and this week's; the rest waits.
        firsts = [a for a in trades + core + waiting if a.first]
        queue = firsts + [a for a in core + waiting + trades if not a.first]
        fits = min(ACTIONS_A_WEEK, len(days))
        now, waiting = queue[:fits], queue[fits:]
        for day, action in zip(days, now, strict=False):
            text = say(
                action.text,
                platforms=platforms,
                posts=posts,
                week_posts=week_posts,
                measure=measure,
                **extra,
            )
            tasks.append(Task(day, text))
    for date in keys:
        if date.holiday and not follows_a_holiday(date, keys):
            days_off = holiday_run(date, keys)
            last = days_off[-1].day
            when = day_label(date.day, say.lang) if last == date.day else None
            phrase = "task_holiday_hours" if trade.premises else "task_holiday_shipping"
            text = say.plan_phrase(
                phrase,
                holiday=join_phrases((k.name for k in days_off), say.lang),
                day=when or range_label(date.day, last, say.lang),
            )
            _add_before(tasks, working, date.day - dt.timedelta(days=TEASER_DAYS), date.day, text)
        if date.occasion is not None:
            idea = say(date.occasion.teaser, occasion=date.name, **extra)
            text = say.plan_phrase(
                "task_get_ready",
                occasion=date.name,
                day=day_label(date.day, say.lang),
                idea=idea[:1].lower() + idea[1:],
            )
            _add_before(
                tasks, working, date.day - dt.timedelta(days=date.lead_days), date.day, text
            )
    return sorted(tasks, key=lambda task: task.day)


def _add_before(
    tasks: list[Task], working: list[dt.date], wanted: dt.date, deadline: dt.date, text: str
) -> None:
    """Add a task on the last working day up to `wanted`, or the first one before `deadline`."""
    before = [day for day in working if day <= wanted]
    day = before[-1] if before else next((d for d in working if d < deadline), None)
    if day is not None:
        tasks.append(Task(day, text))
